"""Background jobs of accounts: mail that must not hold up, or be timed through, a request.

Each does its database work before it sends, so running it again after a transient database
error (`retry_transient_errors`) never sends twice."""

from django_tasks import task

from . import mail
from .task_retry import retry_transient_errors


@task()
@retry_transient_errors
def send_invitation_email(invitation_id: int) -> None:
    mail.invitation_email_send(invitation_id=invitation_id)


@task()
@retry_transient_errors
def send_password_reset_email(email: str) -> int:
    return mail.password_reset_email_send(email=email)
