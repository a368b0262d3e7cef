import time

import pytest

from deals.models import Deal, Source, WebhookDelivery
from deals.salesforce_ids import salesforce_id_18

from ...factories.deals import ConnectionFactory
from .conftest import nothing_changed, remote_deal

pytestmark = pytest.mark.django_db

OPPORTUNITIES = ["0065e00000AbCdEAAV", "0065e00000XyZ12AAF"]
ACK = b'<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>'


def assert_acknowledged(response) -> None:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert ACK in response.content
    assert "no-store" in response["Cache-Control"]


def message(
    *notifications: tuple[str, str], organisation: str = "00D5e000000KQ2eEAG", sobject_type="Opportunity"
) -> bytes:
    """An Outbound Message shaped like samples/salesforce_outbound_message.xml."""
    items = "".join(
        f"<Notification><Id>{notification_id}</Id>"
        f'<sObject xsi:type="sf:{sobject_type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
        f"<sf:Id>{record_id}</sf:Id></sObject></Notification>"
        for notification_id, record_id in notifications
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
        f"<OrganizationId>{organisation}</OrganizationId><ActionId>04k5e000000CaRkAAK</ActionId>"
        f"{items}</notifications></soapenv:Body></soapenv:Envelope>"
    ).encode()


def ids(count: int, prefix: str) -> list[str]:
    return [salesforce_id_18(f"{prefix}5e0000{n:06d}") for n in range(count)]


def test_the_sample_message_is_acknowledged_and_its_opportunities_fetched(
    salesforce_connection, fake_crm, post_salesforce, outbound_message
):
    fake_crm.deals = {OPPORTUNITIES[0]: remote_deal(OPPORTUNITIES[0], name="From Salesforce")}

    response = post_salesforce(salesforce_connection, outbound_message)

    assert_acknowledged(response)
    assert fake_crm.fetched == [OPPORTUNITIES]
    assert Deal.objects.get(connection=salesforce_connection).name == "From Salesforce"
    deliveries = WebhookDelivery.objects.order_by("delivery_id")
    assert [(d.delivery_id, d.external_ids, d.state) for d in deliveries] == [
        ("salesforce:04l5e00000Gx7QzAAJ", [OPPORTUNITIES[0]], "done"),
        ("salesforce:04l5e00000Gx7R0AAJ", [OPPORTUNITIES[1]], "done"),
    ]


def test_a_retried_message_is_deduplicated(salesforce_connection, fake_crm, post_salesforce, outbound_message):
    post_salesforce(salesforce_connection, outbound_message)

    response = post_salesforce(salesforce_connection, outbound_message)

    assert_acknowledged(response)
    assert fake_crm.fetched == [OPPORTUNITIES]
    assert WebhookDelivery.objects.count() == 2


def test_notifications_seen_before_are_skipped_when_regrouped(salesforce_connection, fake_crm, post_salesforce):
    first, second = ("04l5e00000Gx7QzAAJ", OPPORTUNITIES[0]), ("04l5e00000Gx7R0AAJ", OPPORTUNITIES[1])
    post_salesforce(salesforce_connection, message(first))

    post_salesforce(salesforce_connection, message(first, second))

    assert fake_crm.fetched == [[OPPORTUNITIES[0]], [OPPORTUNITIES[1]]]


def test_a_message_from_another_organisation_is_acknowledged_and_ignored(
    salesforce_connection, fake_crm, post_salesforce
):
    body = message(("04l5e00000Gx7QzAAJ", OPPORTUNITIES[0]), organisation="00D5e000000ZZ9qEAG")

    response = post_salesforce(salesforce_connection, body)

    assert_acknowledged(response)
    assert nothing_changed()
    assert fake_crm.fetched == []


def test_a_15_character_organisation_id_on_the_connection_matches(salesforce_connection, fake_crm, post_salesforce):
    salesforce_connection.remote_account_id = "00D5e000000KQ2e"
    salesforce_connection.save()

    post_salesforce(salesforce_connection, message(("04l5e00000Gx7QzAAJ", OPPORTUNITIES[0])))

    assert fake_crm.fetched == [[OPPORTUNITIES[0]]]


def test_other_objects_than_opportunities_are_ignored(salesforce_connection, fake_crm, post_salesforce):
    body = message(("04l5e00000Gx7QzAAJ", "0015e00000ZkM3hAAF"), sobject_type="Account")

    response = post_salesforce(salesforce_connection, body)

    assert_acknowledged(response)
    assert nothing_changed()


def test_a_message_with_more_than_100_notifications_is_handled_whole(salesforce_connection, fake_crm, post_salesforce):
    opportunities = ids(150, "006")

    response = post_salesforce(salesforce_connection, message(*zip(ids(150, "04l"), opportunities, strict=True)))

    assert_acknowledged(response)
    assert [external_id for batch in fake_crm.fetched for external_id in batch] == opportunities
    assert WebhookDelivery.objects.filter(state="done").count() == 150


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b"<unclosed>",
        b'<?xml version="1.0"?><Envelope><Body/></Envelope>',
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>',
        "<a>\u00e9</a>".encode("latin-1"),
        b"<?xml version='1.0' encoding='no-such-encoding'?><a/>",
        b"<a>" * 50_000 + b"</a>" * 50_000,
    ],
    ids=["empty", "text", "unclosed", "no-namespaces", "no-notifications", "bad-encoding", "unknown-encoding", "deep"],
)
def test_a_malformed_message_is_acknowledged_and_ignored(salesforce_connection, fake_crm, post_salesforce, body):
    response = post_salesforce(salesforce_connection, body)

    assert_acknowledged(response)
    assert nothing_changed()
    assert fake_crm.fetched == []


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode() for n in range(1, 10)
    )
    + b"]>"
    + message(("04l5e00000Gx7QzAAJ", "&lol9;")).split(b"?>", 1)[1]
)


def test_a_message_with_entities_is_not_expanded_and_ignored(salesforce_connection, fake_crm, post_salesforce):
    started = time.monotonic()

    response = post_salesforce(salesforce_connection, BILLION_LAUGHS)

    assert time.monotonic() - started < 2
    assert_acknowledged(response)
    assert nothing_changed()
    assert fake_crm.fetched == []


def test_a_message_with_an_external_entity_is_ignored(salesforce_connection, fake_crm, post_salesforce):
    body = message(("04l5e00000Gx7QzAAJ", "&xxe;")).replace(
        b"?>", b'?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', 1
    )

    response = post_salesforce(salesforce_connection, body)

    assert_acknowledged(response)
    assert nothing_changed()


def test_a_doctype_alone_is_refused_before_parsing(salesforce_connection, fake_crm, post_salesforce):
    body = message(("04l5e00000Gx7QzAAJ", OPPORTUNITIES[0])).replace(b"?>", b"?><!DOCTYPE soapenv:Envelope>", 1)

    response = post_salesforce(salesforce_connection, body)

    assert_acknowledged(response)
    assert nothing_changed()


def test_a_message_over_the_size_limit_is_refused(salesforce_connection, fake_crm, post_salesforce, settings):
    settings.LASTMILE_WEBHOOK_MAX_BODY_BYTES = 100

    response = post_salesforce(salesforce_connection, message(("04l5e00000Gx7QzAAJ", OPPORTUNITIES[0])))

    assert response.status_code == 413
    assert response.content == b""
    assert nothing_changed()


def test_a_connection_of_another_kind_is_not_found(db, fake_crm, post_salesforce, outbound_message):
    connection = ConnectionFactory(kind=Source.HUBSPOT)

    response = post_salesforce(connection, outbound_message)

    assert response.status_code == 404
    assert response.content == b""
    assert nothing_changed()
