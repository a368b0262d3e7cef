"""portal.urls behind a web server that serves MEDIA_ROOT at MEDIA_URL, as the proxy does in
production (and `runserver` with DEBUG on): whatever is under MEDIA_ROOT is public."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *portal_urlpatterns,
]
