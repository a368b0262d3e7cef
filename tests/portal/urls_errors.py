"""portal.urls plus a page that fails, to see the 500 page a visitor gets when a view breaks."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken_view), *portal_urlpatterns]
