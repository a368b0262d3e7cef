import json
import time

import pytest

from deals.credentials import seal
from deals.models import Deal, Source, WebhookDelivery

from ...factories.deals import ConnectionFactory
from .conftest import hubspot_event, nothing_changed, remote_deal

pytestmark = pytest.mark.django_db


def assert_refused(response, status: int, fake_crm) -> None:
    assert response.status_code == status
    assert response.content == b""
    assert nothing_changed()
    assert fake_crm.fetched == []


def test_deal_events_fetch_their_deals_from_hubspot(hubspot_connection, fake_crm, post_hubspot):
    fake_crm.deals = {"101": remote_deal("101", name="From HubSpot"), "202": remote_deal("202")}

    response = post_hubspot(
        hubspot_connection, [hubspot_event(101), hubspot_event(202, subscriptionType="deal.creation")]
    )

    assert response.status_code == 204
    assert fake_crm.fetched == [["101", "202"]]
    assert set(Deal.objects.filter(connection=hubspot_connection).values_list("external_id", flat=True)) == {
        "101",
        "202",
    }
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"done"}


def test_the_payloads_property_values_are_never_used(hubspot_connection, fake_crm, post_hubspot):
    fake_crm.deals = {"101": remote_deal("101", name="From HubSpot")}

    post_hubspot(hubspot_connection, [hubspot_event(101, propertyName="dealname", propertyValue="From the payload")])

    assert Deal.objects.get().name == "From HubSpot"
    assert "From the payload" not in WebhookDelivery.objects.get().body


def test_events_of_other_objects_are_ignored(hubspot_connection, fake_crm, post_hubspot):
    response = post_hubspot(hubspot_connection, [hubspot_event(7, subscriptionType="contact.creation")])

    assert response.status_code == 204
    assert nothing_changed()
    assert fake_crm.fetched == []


def test_generic_object_events_of_deals_count(hubspot_connection, fake_crm, post_hubspot):
    post_hubspot(hubspot_connection, [hubspot_event(101, subscriptionType="object.propertyChange", objectTypeId="0-3")])

    assert fake_crm.fetched == [["101"]]


def test_events_of_another_portal_are_ignored(hubspot_connection, fake_crm, post_hubspot):
    response = post_hubspot(hubspot_connection, [hubspot_event(101, portalId=99999)])

    assert response.status_code == 204
    assert nothing_changed()
    assert fake_crm.fetched == []


def test_any_portal_counts_until_the_connection_knows_its_own(hubspot_connection, fake_crm, post_hubspot):
    hubspot_connection.remote_account_id = ""
    hubspot_connection.save()

    post_hubspot(hubspot_connection, [hubspot_event(101, portalId=99999)])

    assert fake_crm.fetched == [["101"]]


def test_a_retried_identical_call_is_deduplicated(hubspot_connection, fake_crm, post_hubspot):
    events = [hubspot_event(101)]
    post_hubspot(hubspot_connection, events)

    response = post_hubspot(hubspot_connection, events)

    assert response.status_code == 204
    assert fake_crm.fetched == [["101"]]
    assert WebhookDelivery.objects.count() == 1


def test_a_retry_with_the_next_attempt_number_is_deduplicated(hubspot_connection, fake_crm, post_hubspot):
    post_hubspot(hubspot_connection, [hubspot_event(101, attemptNumber=0)])

    post_hubspot(hubspot_connection, [hubspot_event(101, attemptNumber=1), hubspot_event(202)])

    assert fake_crm.fetched == [["101"], ["202"]]


def test_a_later_change_of_the_same_deal_is_fetched_again(hubspot_connection, fake_crm, post_hubspot):
    post_hubspot(hubspot_connection, [hubspot_event(101)])

    post_hubspot(hubspot_connection, [hubspot_event(101, eventId=5555, occurredAt=1764979260000)])

    assert fake_crm.fetched == [["101"], ["101"]]


@pytest.mark.parametrize("offset_ms", [-301_000, 301_000], ids=["past", "future"])
def test_a_stale_timestamp_is_refused(hubspot_connection, fake_crm, post_hubspot, offset_ms):
    timestamp = str(int(time.time() * 1000) + offset_ms)

    response = post_hubspot(hubspot_connection, [hubspot_event(101)], timestamp=timestamp)

    assert_refused(response, 401, fake_crm)


def test_a_signature_for_another_uri_is_refused(hubspot_connection, fake_crm, post_hubspot):
    other = f"http://testserver/webhooks/{hubspot_connection.public_id}/salesforce/"

    response = post_hubspot(hubspot_connection, [hubspot_event(101)], signed_uri=other)

    assert_refused(response, 401, fake_crm)


def test_a_tampered_body_is_refused(hubspot_connection, fake_crm, post_hubspot):
    signed = json.dumps([hubspot_event(101)]).encode()

    response = post_hubspot(hubspot_connection, None, body=signed.replace(b"101", b"666"), sign_body=signed)

    assert_refused(response, 401, fake_crm)


def test_a_call_without_a_signature_is_refused(hubspot_connection, fake_crm, client):
    response = client.post(f"/webhooks/{hubspot_connection.public_id}/hubspot/", "[]", content_type="application/json")

    assert_refused(response, 401, fake_crm)


def test_the_signed_uri_is_the_portals_public_one_whatever_the_host(
    hubspot_connection, fake_crm, post_hubspot, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.com"
    settings.ALLOWED_HOSTS = ["internal-app"]

    response = post_hubspot(hubspot_connection, [hubspot_event(101)], host="internal-app:8000")

    assert response.status_code == 204
    assert fake_crm.fetched == [["101"]]


def test_a_signature_for_the_requests_own_host_is_refused(hubspot_connection, fake_crm, post_hubspot, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.com"
    settings.ALLOWED_HOSTS = ["internal-app"]
    own = f"http://internal-app:8000/webhooks/{hubspot_connection.public_id}/hubspot/"

    response = post_hubspot(hubspot_connection, [hubspot_event(101)], signed_uri=own, host="internal-app:8000")

    assert_refused(response, 401, fake_crm)


@pytest.mark.parametrize("body", [b"{}", b"not json", b'{"events": []}'])
def test_a_signed_body_that_is_no_event_list_is_refused(hubspot_connection, fake_crm, post_hubspot, body):
    response = post_hubspot(hubspot_connection, None, body=body)

    assert_refused(response, 400, fake_crm)


def test_a_connection_of_another_kind_is_not_found(db, fake_crm, post_hubspot):
    connection = ConnectionFactory(kind=Source.SALESFORCE, credentials_sealed=seal({"webhook_client_secret": "x"}))

    response = post_hubspot(connection, [hubspot_event(101)])

    assert_refused(response, 404, fake_crm)


def test_a_connection_without_the_app_secret_is_not_found(db, fake_crm, post_hubspot):
    connection = ConnectionFactory(kind=Source.HUBSPOT, credentials_sealed=seal({"access_token": "pat"}))

    response = post_hubspot(connection, [hubspot_event(101)])

    assert_refused(response, 404, fake_crm)
