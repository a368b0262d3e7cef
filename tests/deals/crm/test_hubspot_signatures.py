"""HubSpot request signatures.

The v1 and v2 cases are HubSpot's own worked examples, with its example client secret
`yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy` and the hashes its docs print: "Validating the v1 request
signature" (developers.hubspot.com/docs/faq/v1-request-validation) and "Validating the v2 request
signature" (developers.hubspot.com/docs/faq/v2-request-validation). HubSpot's docs give no worked v3
example, so the v3 cases are ours, checked against the v3 signature of HubSpot's own Python library
(hubspot.utils.signature, installed with hubspot-api-client) where the URI needs no decoding."""

import base64
import hashlib
import hmac

import pytest
from hubspot.utils.signature import Signature

from deals.crm.hubspot_signatures import (
    is_valid_v1,
    is_valid_v2,
    is_valid_v3,
    signature_v1,
    signature_v2,
    signature_v3,
    v3_uri,
)

DOCS_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
DOCS_V1_BODY = (
    '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,'
    '"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM",'
    '"changeFlag":"NEW","appId":54321}]'
)
DOCS_URI = "https://www.example.com/webhook_uri"

SECRET = "c6a4d1e2-7f38-4b59-9a0c-1d2e3f4a5b6c"
URI = "https://portal.example.com/crm/hubspot/webhook"
BODY = b'[{"objectId":1001,"propertyName":"dealstage","propertyValue":"closedwon","subscriptionType":"deal.propertyChange"}]'
NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z
TIMESTAMP = str(int(NOW * 1000) - 20_000)


def test_v1_matches_hubspots_worked_example():
    assert signature_v1(DOCS_SECRET, DOCS_V1_BODY) == "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"


def test_v1_example_signature_is_valid_and_a_changed_body_is_not():
    signature = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"

    assert is_valid_v1(DOCS_SECRET, DOCS_V1_BODY.encode(), signature)
    assert not is_valid_v1(DOCS_SECRET, DOCS_V1_BODY.replace('"objectId":123', '"objectId":124'), signature)


def test_v2_matches_hubspots_worked_example_for_a_get():
    assert signature_v2(DOCS_SECRET, "GET", DOCS_URI, b"") == (
        "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"
    )


def test_v2_matches_hubspots_worked_example_for_a_post():
    assert signature_v2(DOCS_SECRET, "POST", DOCS_URI, '{"example_field":"example_value"}') == (
        "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900"
    )


def test_v2_refuses_the_example_signature_for_another_uri():
    signature = "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900"

    assert is_valid_v2(DOCS_SECRET, "POST", DOCS_URI, b'{"example_field":"example_value"}', signature)
    assert not is_valid_v2(DOCS_SECRET, "POST", DOCS_URI + "/", b'{"example_field":"example_value"}', signature)


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_signatures_match_hubspots_own_library(version):
    ours = {
        "v1": lambda: signature_v1(SECRET, BODY),
        "v2": lambda: signature_v2(SECRET, "POST", URI, BODY),
        "v3": lambda: signature_v3(SECRET, "POST", URI, BODY, TIMESTAMP),
    }[version]()

    theirs = Signature.get_signature(SECRET, BODY.decode(), version, URI, "POST", TIMESTAMP)

    assert ours == theirs


def test_v3_accepts_a_fresh_correctly_signed_request():
    signature = signature_v3(SECRET, "POST", URI, BODY, TIMESTAMP)

    assert is_valid_v3(SECRET, "POST", URI, BODY, signature, TIMESTAMP, now=NOW)


def test_v3_refuses_a_timestamp_older_than_five_minutes():
    stale = str(int(NOW * 1000) - 300_001)
    signature = signature_v3(SECRET, "POST", URI, BODY, stale)

    assert not is_valid_v3(SECRET, "POST", URI, BODY, signature, stale, now=NOW)


def test_v3_refuses_a_timestamp_more_than_five_minutes_ahead():
    ahead = str(int(NOW * 1000) + 300_001)
    signature = signature_v3(SECRET, "POST", URI, BODY, ahead)

    assert not is_valid_v3(SECRET, "POST", URI, BODY, signature, ahead, now=NOW)


def test_v3_refuses_an_old_signature_presented_with_a_fresh_timestamp():
    old = str(int(NOW * 1000) - 3_600_000)
    signature = signature_v3(SECRET, "POST", URI, BODY, old)

    assert not is_valid_v3(SECRET, "POST", URI, BODY, signature, TIMESTAMP, now=NOW)


def test_v3_refuses_a_signature_over_the_body_alone():
    body_only = base64.b64encode(hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()).decode()

    assert not is_valid_v3(SECRET, "POST", URI, BODY, body_only, TIMESTAMP, now=NOW)


def test_v3_refuses_a_tampered_body():
    signature = signature_v3(SECRET, "POST", URI, BODY, TIMESTAMP)

    assert not is_valid_v3(
        SECRET, "POST", URI, BODY.replace(b"closedwon", b"closedlost"), signature, TIMESTAMP, now=NOW
    )


def test_v3_refuses_the_signature_of_another_uri():
    signature = signature_v3(SECRET, "POST", "https://attacker.example/crm/hubspot/webhook", BODY, TIMESTAMP)

    assert not is_valid_v3(SECRET, "POST", URI, BODY, signature, TIMESTAMP, now=NOW)


def test_v3_refuses_another_secret():
    signature = signature_v3("another-secret", "POST", URI, BODY, TIMESTAMP)

    assert not is_valid_v3(SECRET, "POST", URI, BODY, signature, TIMESTAMP, now=NOW)


@pytest.mark.parametrize("timestamp", ["", "17672255800OO", "1.7e12", "-1", "١٧٦٧٢٢٥٥٨٠٠٠٠"])
def test_v3_refuses_a_timestamp_that_is_not_milliseconds(timestamp):
    signature = signature_v3(SECRET, "POST", URI, BODY, timestamp)

    assert not is_valid_v3(SECRET, "POST", URI, BODY, signature, timestamp, now=NOW)


def test_v3_without_a_secret_accepts_nothing():
    signature = signature_v3("", "POST", URI, BODY, TIMESTAMP)

    assert not is_valid_v3("", "POST", URI, BODY, signature, TIMESTAMP, now=NOW)


def test_v3_signs_the_uri_with_hubspots_listed_encodings_decoded():
    encoded = "https://portal.example.com/crm/hubspot/webhook%3Fsource%3Dhubspot%2Cdeals?name=a%20b%253A"
    signature = signature_v3(
        SECRET,
        "POST",
        "https://portal.example.com/crm/hubspot/webhook?source%3Dhubspot,deals?name=a%20b%253A",
        BODY,
        TIMESTAMP,
    )

    assert is_valid_v3(SECRET, "POST", encoded, BODY, signature, TIMESTAMP, now=NOW)


def test_v3_uri_decodes_only_the_listed_characters():
    uri = "https://x.example/a%3Ab%2Fc%3Fd%40e%21f%24g%27h%28i%29j%2Ak%2Cl%3Bm%20n%26o%3Dp%2a"

    assert v3_uri(uri) == "https://x.example/a:b/c?d@e!f$g'h(i)j*k,l;m%20n%26o%3Dp*"
