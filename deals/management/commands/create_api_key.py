"""Make an API key and print it once (ADR 19).

manage.py create_api_key "Data warehouse"                                  # read, whole company
manage.py create_api_key "Partner CRM" --organisation "Nordic Partners" --write --days 365
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organisation
from deals.models import ApiAccess
from deals.services.api_keys import ApiKeyError, api_key_create


class Command(BaseCommand):
    help = "Make an API key for /api/v1/ and print it once: it is stored only as a hash."

    def add_arguments(self, parser):
        parser.add_argument("name", help="What the key is for.")
        parser.add_argument("--organisation", help="Limit the key to this partner organisation (its name).")
        parser.add_argument("--write", action="store_true", help="Allow writes (deal batch upserts). Default: read.")
        parser.add_argument("--days", type=int, help="Expire after this many days. Default: never.")

    def handle(self, *args, name: str, organisation: str | None, write: bool, days: int | None, **options):
        scope = None
        if organisation:
            scope = Organisation.objects.filter(name=organisation).first()
            if scope is None:
                raise CommandError(f"No organisation is called “{organisation}”.")
        if days is not None and days < 1:
            raise CommandError("--days is at least 1.")
        try:
            api_key, raw_key = api_key_create(
                name=name,
                access=ApiAccess.READ_WRITE if write else ApiAccess.READ,
                organisation=scope,
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
        except ApiKeyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{api_key} for {scope or 'the whole company'}, {api_key.get_access_display().lower()}.")
        self.stdout.write("Copy the key now; it is not stored and cannot be shown again:")
        self.stdout.write(raw_key)
