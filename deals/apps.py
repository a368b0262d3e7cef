from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deals"

    def ready(self):
        from . import tokens  # noqa: F401 - registers the deal token sources with templates_lib
