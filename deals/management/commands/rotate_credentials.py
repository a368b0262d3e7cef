"""Credential keys (ADR 20).

manage.py rotate_credentials --new-key   # print a new key to put FIRST in LASTMILE_CREDENTIALS_KEYS
manage.py rotate_credentials             # re-encrypt every stored credential with the first key

Rotation: add the new key first (keep the old one after it), restart, run this command, then
remove the old key and restart again."""

from django.core.management.base import BaseCommand, CommandError

from deals.credentials import CredentialsUnavailable, new_key
from deals.services.connections import credentials_reseal_all


class Command(BaseCommand):
    help = "Re-encrypt stored CRM credentials and webhook secrets with the first configured key."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="Only print a new key; change nothing.")

    def handle(self, *args, **options):
        if options.get("new_key"):
            self.stdout.write(new_key())
            return
        try:
            count = credentials_reseal_all()
        except CredentialsUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Re-encrypted {count} stored value(s) with the first key. The older keys can go now.")
