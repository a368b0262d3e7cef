import hashlib
import hmac
import json
import logging
import time

from django.test import Client

import pytest

from deals.credentials import seal
from deals.models import Deal, Source, WebhookDelivery
from deals.services.connections import webhook_secret_create, webhook_secret_revoke
from deals.services.webhooks import process_webhook_deliveries

from ...factories.accounts import OrganisationFactory
from ...factories.deals import ConnectionFactory
from .conftest import deal_row, deals_body, lastmile_signature, nothing_changed, remote_deal

pytestmark = pytest.mark.django_db


def assert_refused(response, status: int) -> None:
    assert response.status_code == status
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]
    assert nothing_changed()


def test_a_signed_batch_is_accepted_and_its_deals_written(connection, secret, post_webhook):
    body = deals_body(deal_row("ERP-1"), deal_row("ERP-2", amount="100.50", currency="EUR"))

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert response.status_code == 202
    assert response.json() == {"accepted": True}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.result) == ("done", {"created": 2, "changed": 0, "unchanged": 0})
    deals = Deal.objects.filter(connection=connection).order_by("external_id")
    assert [(d.external_id, d.source, str(d.amount)) for d in deals] == [
        ("ERP-1", "api", "None"),
        ("ERP-2", "api", "100.50"),
    ]


def test_the_delivery_keeps_its_id_and_body(connection, secret, post_webhook):
    body = deals_body(deal_row())

    post_webhook(connection, body, signature=lastmile_signature(secret, body), delivery="erp-2026-0001")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.delivery_id, delivery.body) == ("erp-2026-0001", body.decode())


def test_the_answer_is_never_cached(connection, secret, post_webhook):
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response


def test_a_partner_connections_deals_belong_to_the_partner(db, post_webhook):
    partner = OrganisationFactory(name="Nordic Partner AS")
    connection = ConnectionFactory(name="Partner ERP", kind=Source.CSV, organisation=partner)
    secret = webhook_secret_create(connection)[1]
    body = deals_body(deal_row())

    post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert Deal.objects.get().organisation == partner


def test_the_second_secret_verifies_during_rotation(connection, secret, post_webhook):
    new_secret = webhook_secret_create(connection)[1]
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature(new_secret, body))

    assert response.status_code == 202
    assert Deal.objects.filter(external_id="ERP-1").exists()


def test_the_old_secret_still_verifies_during_rotation(connection, secret, post_webhook):
    webhook_secret_create(connection)
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert response.status_code == 202


def test_one_matching_signature_among_several_is_enough(connection, secret, post_webhook):
    body = deals_body(deal_row())
    good = lastmile_signature(secret, body)
    wrong = lastmile_signature("whsec_not-ours", body).partition(",")[2]

    response = post_webhook(connection, body, signature=f"{good.partition(',')[0]},{wrong},{good.partition(',')[2]}")

    assert response.status_code == 202


def test_a_revoked_secret_verifies_nothing(connection, post_webhook):
    old, old_raw = webhook_secret_create(connection)
    webhook_secret_create(connection)
    webhook_secret_revoke(old)
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature(old_raw, body))

    assert_refused(response, 401)


@pytest.mark.parametrize("offset", [-301, 301], ids=["past", "future"])
def test_a_timestamp_outside_the_tolerance_is_refused(connection, secret, post_webhook, offset):
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body, int(time.time()) + offset))

    assert_refused(response, 401)


def test_a_timestamp_within_the_tolerance_is_accepted(connection, secret, post_webhook):
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body, int(time.time()) - 290))

    assert response.status_code == 202


def test_a_replayed_delivery_id_is_refused_and_not_applied(connection, secret, post_webhook):
    first = deals_body(deal_row(name="First"))
    post_webhook(connection, first, signature=lastmile_signature(secret, first), delivery="once")
    again = deals_body(deal_row(name="Replayed"))

    response = post_webhook(connection, again, signature=lastmile_signature(secret, again), delivery="once")

    assert response.status_code == 409
    assert response.content == b""
    assert WebhookDelivery.objects.count() == 1
    assert Deal.objects.get().name == "First"


def test_a_signature_moved_to_another_timestamp_is_refused(connection, secret, post_webhook):
    body = deals_body(deal_row())
    signed = lastmile_signature(secret, body, int(time.time()) - 10)
    digest = signed.partition(",v1=")[2]

    response = post_webhook(connection, body, signature=f"t={int(time.time())},v1={digest}")

    assert_refused(response, 401)


def test_a_signature_of_the_body_alone_is_refused(connection, secret, post_webhook):
    body = deals_body(deal_row())
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

    response = post_webhook(connection, body, signature=f"t={int(time.time())},v1={digest}")

    assert_refused(response, 401)


def test_a_tampered_body_is_refused(connection, secret, post_webhook):
    body = deals_body(deal_row(amount="100", currency="EUR"))
    tampered = body.replace(b'"100"', b'"900"')

    response = post_webhook(connection, tampered, signature=lastmile_signature(secret, body))

    assert_refused(response, 401)


def test_a_call_without_a_signature_is_refused(connection, secret, post_webhook):
    response = post_webhook(connection, deals_body(deal_row()), signature=None)

    assert_refused(response, 401)


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        "v1=" + "a" * 64,
        "t=1700000000",
        "t=soon,v1=" + "a" * 64,
        "t=1700000000,t=1700000001,v1=" + "a" * 64,
        "t=1700000000,v1=not-hex",
        "t=1700000000,v1=" + "a" * 63,
        "t=1700000000,v1=" + "é" * 64,
        "t=1700000000," + ",".join(["v1=" + "a" * 64] * 6),
        "t=1700000000,v1=" + "a" * 2000,
    ],
    ids=[
        "no-pairs",
        "no-timestamp",
        "no-signature",
        "timestamp-not-a-number",
        "two-timestamps",
        "signature-not-hex",
        "signature-too-short",
        "signature-not-ascii",
        "too-many-signatures",
        "header-too-long",
    ],
)
def test_a_garbled_signature_header_is_refused(connection, secret, post_webhook, header):
    response = post_webhook(connection, deals_body(deal_row()), signature=header)

    assert_refused(response, 400)


@pytest.mark.parametrize(
    "delivery",
    [None, "", "x" * 201, "line\nbreak", "trailing\n", "tab\there"],
    ids=["absent", "empty", "too-long", "newline", "trailing-newline", "tab"],
)
def test_a_missing_or_garbled_delivery_id_is_refused(connection, secret, post_webhook, delivery):
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body), delivery=delivery)

    assert_refused(response, 400)


def test_a_body_over_the_limit_is_refused(connection, secret, post_webhook, settings):
    settings.LASTMILE_WEBHOOK_MAX_BODY_BYTES = 200
    body = deals_body(*[deal_row(f"ERP-{n}") for n in range(5)])
    assert len(body) > 200

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert_refused(response, 413)


def test_a_body_over_djangos_upload_limit_but_within_the_webhooks_is_read(connection, secret, post_webhook, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = deals_body(*[deal_row(f"ERP-{n}") for n in range(5)])

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert response.status_code == 202
    assert Deal.objects.count() == 5


@pytest.mark.parametrize("body", [b"not json", b'["a list"]', b"\xff\xfe{}", b'{"deals": "\x00"}', b"[" * 100_000])
def test_a_signed_body_that_is_no_json_object_is_refused(connection, secret, post_webhook, body):
    response = post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert_refused(response, 400)


@pytest.mark.parametrize("public_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_an_unknown_connection_is_not_found(db, post_webhook, public_id):
    body = deals_body(deal_row())

    response = post_webhook(public_id, body, signature=lastmile_signature("whsec_x", body))

    assert_refused(response, 404)


def test_a_connection_without_an_active_secret_is_not_found(connection, post_webhook):
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature("whsec_x", body))

    assert_refused(response, 404)


def test_secrets_that_cannot_be_decrypted_answer_503(connection, secret, post_webhook, settings):
    settings.LASTMILE_CREDENTIALS_KEYS = ["b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktb3RoZXI="]
    body = deals_body(deal_row())

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert_refused(response, 503)


def test_another_method_is_not_allowed(connection, secret, client):
    response = client.get(f"/webhooks/{connection.public_id}/")

    assert_refused(response, 405)


def test_a_refusal_logs_no_signature(connection, secret, post_webhook, caplog):
    body = deals_body(deal_row())
    signature = lastmile_signature(secret, body, int(time.time()) - 3600)

    with caplog.at_level(logging.DEBUG):
        post_webhook(connection, body, signature=signature)

    assert caplog.records
    assert signature.partition("v1=")[2] not in caplog.text
    assert secret not in caplog.text


def test_a_batch_with_a_bad_row_fails_whole_and_says_why(connection, secret, post_webhook):
    body = deals_body(deal_row("ERP-1"), deal_row("ERP-2", amount="5", currency="XXQ"))

    response = post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert response.status_code == 202
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed"
    assert "Nothing was written" in delivery.error
    assert [(e["index"], e["field"]) for e in delivery.result["errors"]] == [(1, "currency")]
    assert not Deal.objects.exists()


def test_a_value_that_is_no_text_or_number_fails_the_batch(connection, secret, post_webhook):
    body = deals_body(deal_row("ERP-1", name={"nested": "object"}))

    post_webhook(connection, body, signature=lastmile_signature(secret, body))

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed"
    assert [(e["index"], e["field"]) for e in delivery.result["errors"]] == [(0, "name")]
    assert not Deal.objects.exists()


def test_a_body_without_deals_fails(connection, secret, post_webhook):
    body = json.dumps({"something": "else"}).encode()

    post_webhook(connection, body, signature=lastmile_signature(secret, body))

    assert WebhookDelivery.objects.get().state == "failed"
    assert not Deal.objects.exists()


def test_a_crm_connection_fetches_the_ids_named_and_ignores_any_values(db, fake_crm, post_webhook):
    crm = ConnectionFactory(name="HubSpot", kind=Source.HUBSPOT, credentials_sealed=seal({"access_token": "x"}))
    secret = webhook_secret_create(crm)[1]
    fake_crm.deals = {"101": remote_deal("101", name="From HubSpot")}
    body = json.dumps({"external_ids": ["101"], "name": "From the payload"}).encode()

    response = post_webhook(crm, body, signature=lastmile_signature(secret, body))

    assert response.status_code == 202
    assert fake_crm.fetched == [["101"]]
    assert Deal.objects.get(connection=crm).name == "From HubSpot"
    assert WebhookDelivery.objects.get().state == "done"


def test_a_crm_connection_refuses_deals_carried_by_the_webhook(db, fake_crm, post_webhook):
    crm = ConnectionFactory(name="HubSpot", kind=Source.HUBSPOT)
    secret = webhook_secret_create(crm)[1]
    body = deals_body(deal_row("101"))

    post_webhook(crm, body, signature=lastmile_signature(secret, body))

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed"
    assert "external_ids" in delivery.error
    assert fake_crm.fetched == []
    assert not Deal.objects.exists()


def test_processing_a_delivery_again_changes_nothing(connection, secret, post_webhook):
    body = deals_body(deal_row())
    post_webhook(connection, body, signature=lastmile_signature(secret, body))
    Deal.objects.update(name="Edited since")

    outcome = process_webhook_deliveries.call([WebhookDelivery.objects.get().pk])

    assert outcome["processed"] == 0
    assert Deal.objects.get().name == "Edited since"


def test_no_csrf_token_is_asked_for(connection, secret, django_capture_on_commit_callbacks):
    strict = Client(enforce_csrf_checks=True)
    body = deals_body(deal_row())

    with django_capture_on_commit_callbacks(execute=True):
        response = strict.post(
            f"/webhooks/{connection.public_id}/",
            body,
            content_type="application/json",
            HTTP_LASTMILE_SIGNATURE=lastmile_signature(secret, body),
            HTTP_LASTMILE_DELIVERY="delivery-1",
        )

    assert response.status_code == 202
    assert Deal.objects.exists()
