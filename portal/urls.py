from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

app_name_urls = [
    path("", views.home, name="home"),
    path("documents/<uuid:public_id>/pdf/", views.customisation_download, name="customisation-download"),
]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("files/", include(wagtaildocs_urls)),
    path("healthz", views.healthz, name="healthz"),
    path("", include((app_name_urls, "portal"))),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("pages/", include(wagtail_urls))]
