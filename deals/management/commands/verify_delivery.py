"""`manage.py verify_delivery EVENT_ID`: render again what a delivery event delivered and say
whether it is identical (bytes, or text) or what differs and why. EVENT_ID is the event's public
id or its number. Exits 0 when identical with nothing changed since, 1 otherwise (identical text
after a colour change of the brand kit is 1, with the change named), 2 when there is no such event."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from deals.models import DeliveryEvent
from deals.verification import verify_delivery


def find_event(event_id: str) -> DeliveryEvent:
    events = DeliveryEvent.objects.select_related("document", "document_revision", "deal")
    try:
        lookup = {"public_id": uuid.UUID(event_id)}
    except ValueError:
        if not (event_id.isdigit() and len(event_id) <= 18):
            raise CommandError(
                f"No delivery event {event_id!r}: give its public id or its number.", returncode=2
            ) from None
        lookup = {"pk": int(event_id)}
    event = events.filter(**lookup).first()
    if event is None:
        raise CommandError(f"No delivery event {event_id!r}.", returncode=2)
    return event


class Command(BaseCommand):
    help = "Render a delivery event again and report whether the result is identical, or what differs."

    def add_arguments(self, parser):
        parser.add_argument("event_id", help="The event's public id (a UUID) or its number.")

    def handle(self, *args, event_id: str, **options):
        verification = verify_delivery(find_event(event_id.strip()))
        self.stdout.write(verification.report())
        if not verification.identical or verification.differences:
            raise SystemExit(1)
