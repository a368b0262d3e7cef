"""Sync CRM connections now, for cron (ADR 20). The task worker also syncs every enabled connection
every LASTMILE_CRM_SYNC_MINUTES on its own; running both is safe (one sync per connection at a time).

manage.py sync_crm                       # every enabled connection that is due
manage.py sync_crm --all                 # every enabled connection, due or not
manage.py sync_crm --connection "Salesforce EU"
"""

from django.core.management.base import BaseCommand, CommandError

from deals.crm.base import is_syncable
from deals.models import Connection, SyncState, SyncTrigger
from deals.services.crm_sync import connection_sync, connections_due


class Command(BaseCommand):
    help = "Sync deals from the CRM connections (changed and deleted since each one's cursor)."

    def add_arguments(self, parser):
        parser.add_argument("--connection", help="Only this connection (its name), enabled or not.")
        parser.add_argument(
            "--all", dest="every", action="store_true", help="Every enabled connection, even if not due."
        )

    def handle(self, *args, connection: str | None, every: bool, **options):
        if connection:
            chosen = Connection.objects.filter(name=connection).first()
            if chosen is None or not is_syncable(chosen):
                raise CommandError(f"No Salesforce or HubSpot connection is called “{connection}”.")
            connections = [chosen]
        elif every:
            connections = list(Connection.objects.filter(sync_enabled=True).exclude(credentials_sealed=""))
            connections = [c for c in connections if is_syncable(c)]
        else:
            connections = connections_due()
        failed = 0
        for chosen in connections:
            run = connection_sync(chosen, trigger=SyncTrigger.COMMAND)
            if run is None:
                self.stdout.write(f"{chosen}: skipped, another sync of it is running.")
                continue
            self.stdout.write(
                f"{chosen}: {run.get_state_display().lower()}: {run.created} created, {run.changed} updated, "
                f"{run.unchanged} unchanged, {run.deleted} deleted, {run.skipped} skipped."
                + (f" {run.error}" if run.error else "")
            )
            failed += run.state == SyncState.FAILED
        if not connections:
            self.stdout.write("No connection is due.")
        if failed:
            raise CommandError(f"{failed} sync(s) failed.")
