from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"

    def ready(self):
        from . import audit  # noqa: F401 - connects the guards that keep audit entries immutable

        _quieten_wagtail_workflow_emails()


def _quieten_wagtail_workflow_emails() -> None:
    """Wagtail emails requesters and moderators about every workflow, with links into the admin
    that reps and partners cannot open and "rejected" for a request for changes. Documents have
    their own notifications (approvals.notifications), so Wagtail's are skipped for documents.

    This app's ready() runs before wagtail.admin's (INSTALLED_APPS order): connecting under
    Wagtail's dispatch_uids first makes Wagtail's own later connects no-ops, and our receivers
    hand everything that is not a document on to Wagtail's notifiers."""
    from wagtail.admin import signal_handlers as wagtail_handlers
    from wagtail.models import WorkflowState
    from wagtail.signals import workflow_approved, workflow_rejected, workflow_submitted

    for signal, notifier, uid in (
        (
            workflow_submitted,
            wagtail_handlers.workflow_submission_email_notifier,
            "workflow_state_submitted_email_notification",
        ),
        (
            workflow_rejected,
            wagtail_handlers.workflow_rejection_email_notifier,
            "workflow_state_rejected_email_notification",
        ),
        (
            workflow_approved,
            wagtail_handlers.workflow_approval_email_notifier,
            "workflow_state_approved_email_notification",
        ),
    ):
        signal.connect(_unless_document(notifier), sender=WorkflowState, dispatch_uid=uid, weak=False)


def _unless_document(notifier):
    def receive(sender=None, instance=None, **kwargs):
        from templates_lib.models import CollateralDocument

        if instance is not None and instance.base_content_type.model_class() is CollateralDocument:
            return False
        return notifier(instance=instance, **kwargs)

    return receive
