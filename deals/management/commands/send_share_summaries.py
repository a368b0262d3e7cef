"""Tell each owner, in one notification, how often their share links were opened since the last
summary (the first open of a link is notified at once), and forget ended rate-limit windows. Run it
once a day from cron:

    15 7 * * * cd /srv/lastmile && .venv/bin/python manage.py send_share_summaries

or queue the `deals.tasks.send_share_summaries` task. Overlapping runs tell each owner once."""

from django.core.management.base import BaseCommand

from deals.services.share_links import share_summaries_send
from deals.services.share_throttle import share_rate_counters_prune


class Command(BaseCommand):
    help = "Send each owner one summary of their share links' opens since the last summary."

    def handle(self, *args, **options):
        told = share_summaries_send()
        self.stdout.write(f"Sent share-link summaries to {told} owner{'' if told == 1 else 's'}.")
        share_rate_counters_prune()
