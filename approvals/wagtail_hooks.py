from django.urls import include, path

from wagtail import hooks

from .audit import register_actions


@hooks.register("register_log_actions")
def lastmile_log_actions(actions):
    register_actions(actions)


@hooks.register("register_admin_urls")
def approvals_admin_urls():
    from . import admin_urls

    return [path("reviews/", include(admin_urls, namespace="approvals_admin"))]
