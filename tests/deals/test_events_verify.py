"""verify_delivery renders again what an event delivered: identical for an untouched event, and
names what changed (the brand kit) when it is not."""

import io
from contextlib import redirect_stdout

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

import pytest

from deals.models import DeliveryEvent
from deals.verification import Outcome, verify_delivery

from ..factories.brand import make_brand_kit

pytestmark = pytest.mark.slow


@pytest.fixture
def delivered(rep_client, approved_document, deal):
    """A final PDF downloaded through the portal for `deal`: its event."""
    response = rep_client.get(
        reverse("portal:document-pdf", args=[approved_document.public_id]), {"deal": str(deal.public_id)}
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return DeliveryEvent.objects.get()


def test_an_untouched_event_verifies_as_identical(delivered):
    verification = verify_delivery(delivered)

    assert verification.identical, verification.report()
    assert verification.outcome in (Outcome.IDENTICAL_BYTES, Outcome.IDENTICAL_TEXT)
    assert verification.differences == []


def test_a_png_event_verifies_as_identical(rep_client, approved_document):
    rep_client.get(reverse("portal:document-png", args=[approved_document.public_id]), {"deal": "none"})

    verification = verify_delivery(DeliveryEvent.objects.get())

    assert verification.outcome == Outcome.IDENTICAL_BYTES, verification.report()


def test_a_deal_renamed_since_still_verifies_with_the_values_delivered(delivered, deal):
    deal.account_name = "Renamed in the CRM"
    deal.save()

    assert verify_delivery(delivered).identical


def test_after_the_brand_kit_changed_the_difference_is_named(delivered):
    make_brand_kit(primary="#AA0000", legal="Legal footer: Example Corp GmbH, registered in Germany.")

    verification = verify_delivery(delivered)

    assert not verification.identical
    assert any(difference.startswith("brand kit") for difference in verification.differences)
    assert "brand kit" in verification.report()
    assert "Germany" in verification.note


def test_the_command_prints_the_result_for_a_public_id(delivered):
    out = io.StringIO()

    call_command("verify_delivery", str(delivered.public_id), stdout=out)

    assert "Result: identical" in out.getvalue()
    assert delivered.sha256 in out.getvalue()


def test_the_command_accepts_the_events_number(delivered):
    out = io.StringIO()

    call_command("verify_delivery", str(delivered.pk), stdout=out)

    assert "Result: identical" in out.getvalue()


def test_the_command_exits_1_and_names_the_difference(delivered):
    make_brand_kit(primary="#AA0000")
    out = io.StringIO()

    with pytest.raises(SystemExit) as exit_, redirect_stdout(out):
        call_command("verify_delivery", str(delivered.public_id), stdout=out)

    assert exit_.value.code == 1
    assert "brand kit: edited since" in out.getvalue()


@pytest.mark.parametrize("event_id", ["00000000-0000-4000-8000-000000000000", "999999", "nonsense", "9" * 40])
def test_the_command_refuses_an_unknown_event_clearly(db, event_id):
    with pytest.raises(CommandError, match="No delivery event"):
        call_command("verify_delivery", event_id)


def test_the_verify_button_in_admin_reports_identical(brand_manager, delivered):
    brand_client = Client()
    brand_client.force_login(brand_manager)
    inspect = brand_client.get(reverse("delivery_events:inspect", args=[delivered.pk])).content.decode()
    verify_url = reverse("delivery_events:verify", args=[delivered.pk])
    assert verify_url in inspect

    response = brand_client.post(verify_url)

    assert response.status_code == 200
    assert "Result: identical" in response.content.decode()
