"""Recompute the report rollups from the raw delivery events and list every difference (ADR 17).

manage.py check_rollups            # exits 1 when anything differs
manage.py check_rollups --repair   # then rewrite the rollups from the events
"""

import time

from django.core.management.base import BaseCommand, CommandError

from deals.services.rollups import rebuild_rollups, rollup_differences


class Command(BaseCommand):
    help = "Recompute the report rollups from the delivery events and report any difference."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Rewrite the rollups from the events afterwards.")
        parser.add_argument("--show", type=int, default=20, help="How many differences to list (default 20).")

    def handle(self, *args, repair: bool, show: int, **options):
        started = time.monotonic()
        differences = list(rollup_differences())
        for difference in differences[:show]:
            self.stdout.write(str(difference))
        if len(differences) > show:
            self.stdout.write(f"… and {len(differences) - show} more")
        elapsed = time.monotonic() - started
        if not differences:
            self.stdout.write(self.style.SUCCESS(f"Rollups match the events ({elapsed:.1f} s)."))
            return
        if repair:
            written = rebuild_rollups()
            self.stdout.write(
                self.style.SUCCESS(f"{len(differences)} differences repaired: {written} rollup rows rewritten.")
            )
            return
        raise CommandError(f"{len(differences)} rollup rows differ from the events; run with --repair to rewrite them.")
