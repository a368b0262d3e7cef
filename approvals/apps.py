from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"

    def ready(self):
        from . import audit  # noqa: F401 - connects the guards that keep audit entries immutable
