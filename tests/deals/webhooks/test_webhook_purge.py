from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

import pytest

from deals.models import WebhookDelivery
from deals.services.webhooks import process_webhook_deliveries, webhook_deliveries_purge

pytestmark = pytest.mark.django_db


def delivery(connection, delivery_id: str, *, age: timedelta) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        connection=connection, delivery_id=delivery_id, received_at=timezone.now() - age, state="done"
    )


def test_deliveries_older_than_a_week_are_purged(connection):
    delivery(connection, "old", age=timedelta(days=8))
    delivery(connection, "recent", age=timedelta(days=6))

    purged = webhook_deliveries_purge()

    assert purged == 1
    assert list(WebhookDelivery.objects.values_list("delivery_id", flat=True)) == ["recent"]


def test_deliveries_are_kept_at_least_two_days(connection):
    with pytest.raises(ValueError, match="two days"):
        webhook_deliveries_purge(older_than_days=1)


def test_the_background_task_purges_at_most_once_an_hour(connection):
    cache.clear()
    delivery(connection, "old", age=timedelta(days=8))
    process_webhook_deliveries.call([])
    delivery(connection, "old-too", age=timedelta(days=9))

    process_webhook_deliveries.call([])

    assert list(WebhookDelivery.objects.values_list("delivery_id", flat=True)) == ["old-too"]


def test_the_task_is_gathered_for_the_worker():
    from deals import tasks

    assert tasks.process_webhook_deliveries is process_webhook_deliveries
