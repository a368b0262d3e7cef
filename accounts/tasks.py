"""Background jobs of accounts: mail that must not hold up, or be timed through, a request."""

from django_tasks import task

from . import mail


@task()
def send_invitation_email(invitation_id: int) -> None:
    mail.invitation_email_send(invitation_id=invitation_id)


@task()
def send_password_reset_email(email: str) -> int:
    return mail.password_reset_email_send(email=email)
