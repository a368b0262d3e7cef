from django.apps import AppConfig


class TemplatesLibConfig(AppConfig):
    name = "templates_lib"
    verbose_name = "Collateral templates"
