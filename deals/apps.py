from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deals"

    def ready(self):
        from . import tokens  # noqa: F401 - registers the deal token sources with templates_lib
        from .append_only import ensure_triggers

        post_migrate.connect(ensure_triggers, sender=self, dispatch_uid="deals-append-only-triggers")
