"""The public share pages and the owner's share-links page, through HTTP."""

import datetime
import hashlib

from django.urls import reverse
from django.utils import timezone

import pytest

from deals.models import Channel, DeliveryEvent, ShareLink
from deals.services.events import DeliveryNotRecorded
from deals.services.share_links import share_link_revoke
from templates_lib.models import CollateralDocument
from templates_lib.services.lifecycle import template_retire

from ..deals.share_fixtures import *  # noqa: F403 (the share-link fixtures)
from ..deals.share_fixtures import make_share_link
from ..factories.deals import DealFactory

pytestmark = pytest.mark.django_db

SHARE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "private, no-store",
}


def _page(token):
    return reverse("portal:share-link", args=[token])


def _image(token, page=1):
    return reverse("portal:share-link-page-image", args=[token, page])


def _download(token):
    return reverse("portal:share-link-download", args=[token])


@pytest.fixture
def unknown(client):
    """The answer for a token that never existed."""
    return client.get(_page("A" * 43))


def _events():
    return DeliveryEvent.objects.filter(channel__in=[Channel.SHARE_VIEW, Channel.SHARE_DOWNLOAD])


# The prospect's page


def test_the_prospect_sees_every_page_as_an_image_without_signing_in(client, shared):
    response = client.get(_page(shared.token))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Forecasting one-pager" in body
    assert _image(shared.token, 1) in body
    assert "Shared with Pat Prospect" in body
    assert 'class="site-header"' not in body  # no portal chrome
    assert _download(shared.token) not in body


def test_an_open_is_recorded_against_the_deal_before_the_page_is_shown(client, shared, rep_deal):
    client.get(_page(shared.token))

    event = _events().get()
    assert event.channel == Channel.SHARE_VIEW
    assert event.deal == rep_deal
    assert event.share_link_id == shared.link.pk
    assert event.detail == {"pages_seen": [1]}


def test_page_images_are_pngs_and_not_opens_of_their_own(client, shared):
    response = client.get(_image(shared.token))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert not _events().exists()


@pytest.mark.parametrize("route", [_page, _image, _download])
def test_every_share_answer_carries_the_privacy_headers(client, shared, route):
    response = client.get(route(shared.token))

    for header, value in SHARE_HEADERS.items():
        assert response[header] == value


def test_the_neutral_404_carries_the_privacy_headers_too(unknown):
    assert unknown.status_code == 404
    for header, value in SHARE_HEADERS.items():
        assert unknown[header] == value


def _tampered(token: str) -> str:
    return token[:10] + ("x" if token[10] != "x" else "y") + token[11:]


def _expire(link):
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))


@pytest.mark.parametrize("state", ["expired", "revoked", "tampered", "malformed"])
@pytest.mark.parametrize("route", [_page, _image, _download], ids=["page", "image", "download"])
def test_dead_links_get_the_identical_neutral_404(client, downloadable, rep, unknown, state, route):
    token = downloadable.token
    if state == "expired":
        _expire(downloadable.link)
    elif state == "revoked":
        share_link_revoke(link=downloadable.link, by=rep)
    elif state == "tampered":
        token = _tampered(token)
    else:
        token = token + "'%3Cscript%3E"

    response = client.get(route(token))

    assert response.status_code == 404
    assert response.content == unknown.content
    assert not _events().exists()


def test_a_view_only_link_never_serves_the_pdf(client, shared, unknown):
    response = client.get(_download(shared.token))

    assert response.status_code == 404
    assert response.content == unknown.content
    assert b"%PDF" not in response.content
    assert not _events().exists()


def test_a_page_the_document_does_not_have_is_the_neutral_404(client, shared, unknown):
    response = client.get(_image(shared.token, 7))

    assert response.status_code == 404
    assert response.content == unknown.content


def test_a_download_link_serves_the_final_pdf_and_records_it(client, downloadable, rep_deal):
    response = client.get(_download(downloadable.token))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="forecasting-one-pager.pdf"'
    event = _events().get()
    assert event.channel == Channel.SHARE_DOWNLOAD
    assert event.deal == rep_deal
    assert event.sha256 == hashlib.sha256(response.content).hexdigest()


def test_the_download_link_is_offered_on_a_download_link(client, downloadable):
    response = client.get(_page(downloadable.token))

    assert _download(downloadable.token) in response.content.decode()


def test_a_retired_template_stops_the_link_with_the_neutral_404(client, shared, onepager, brand_manager, unknown):
    template_retire(template=onepager, user=brand_manager)

    response = client.get(_page(shared.token))

    assert response.status_code == 404
    assert response.content == unknown.content


def test_an_approval_that_no_longer_holds_stops_the_link(client, shared, approved_onepager, unknown):
    CollateralDocument.objects.filter(pk=approved_onepager.pk).update(live=False)

    response = client.get(_page(shared.token))

    assert response.status_code == 404
    assert response.content == unknown.content


def test_opens_of_one_link_are_rate_limited(client, shared, settings):
    settings.LASTMILE_SHARE_LINK_OPENS_PER_LINK = 2
    client.get(_page(shared.token))
    client.get(_page(shared.token))

    response = client.get(_page(shared.token))

    assert response.status_code == 429
    assert response["Retry-After"]
    assert _events().count() == 2


def test_requests_from_one_address_are_rate_limited_even_for_unknown_tokens(client, settings):
    settings.LASTMILE_SHARE_LINK_REQUESTS_PER_ADDRESS = 3
    for _ in range(3):
        assert client.get(_page("B" * 43)).status_code == 404

    response = client.get(_page("C" * 43))

    assert response.status_code == 429


def test_another_address_is_not_held_back_by_the_first(client, shared, settings):
    settings.LASTMILE_SHARE_LINK_REQUESTS_PER_ADDRESS = 1
    client.get(_page("B" * 43), REMOTE_ADDR="10.0.0.1")

    response = client.get(_page(shared.token), REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 200


def test_an_open_that_cannot_be_recorded_is_not_shown(client, shared, monkeypatch):
    def cannot_record(**kwargs):
        raise DeliveryNotRecorded("database read-only")

    monkeypatch.setattr("deals.services.share_links.record_delivery", cannot_record)

    response = client.get(_page(shared.token))

    assert response.status_code == 503
    assert _image(shared.token) not in response.content.decode()


# The owner's side


def _links_url(document):
    return reverse("portal:document-share-links", args=[document.public_id])


def test_the_owner_creates_a_link_and_sees_its_url_once(rep_client, approved_onepager, rep_deal):
    response = rep_client.post(
        _links_url(approved_onepager),
        {
            "recipient_name": "Pat Prospect",
            "recipient_email": "pat@acme.example",
            "deal": str(rep_deal.public_id),
            "expires_in_days": "14",
            "allow_download": "on",
        },
    )

    assert response.status_code == 200
    link = ShareLink.objects.get()
    assert (link.recipient_name, link.recipient_email, link.deal, link.allow_download) == (
        "Pat Prospect",
        "pat@acme.example",
        rep_deal,
        True,
    )
    assert abs(link.expires_at - (timezone.now() + datetime.timedelta(days=14))) < datetime.timedelta(minutes=1)
    body = response.content.decode()
    token = body.split("/s/")[1].split("/")[0]
    assert hashlib.sha256(token.encode()).hexdigest() == link.token_hash
    again = rep_client.get(_links_url(approved_onepager)).content.decode()
    assert token not in again


def test_a_refused_form_keeps_what_was_typed(rep_client, approved_onepager, settings):
    settings.LASTMILE_SHARE_LINK_MAX_DAYS = 30

    response = rep_client.post(
        _links_url(approved_onepager),
        {"recipient_name": "Pat Prospect", "recipient_email": "pat@acme.example", "expires_in_days": "31"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Pat Prospect"' in body
    assert 'value="pat@acme.example"' in body
    assert 'value="31"' in body
    assert "30" in body
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"recipient_name": "x" * 201, "expires_in_days": "5"},
        {"recipient_name": "Pat", "recipient_email": "a" * 250 + "@example.com", "expires_in_days": "5"},
        {"recipient_name": "Pat", "expires_in_days": "9" * 40},
        {"recipient_name": "Pat", "expires_in_days": "-1"},
        {"recipient_name": "Pat", "expires_in_days": "soon"},
        {"recipient_name": "Pat\x00", "expires_in_days": "5"},
        {"recipient_name": "Pat", "expires_in_days": "5", "deal": "' OR 1=1 --"},
        {},
    ],
    ids=["long-name", "long-email", "huge-expiry", "negative-expiry", "words-expiry", "nul", "sql-deal", "empty"],
)
def test_bad_input_is_refused_with_a_message_and_nothing_made(rep_client, approved_onepager, data):
    response = rep_client.post(_links_url(approved_onepager), data)

    assert response.status_code == 400
    assert 'class="field__errors"><p>' in response.content.decode() or "alert--error" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_someone_elses_deal_is_refused_in_the_form(rep_client, approved_onepager):
    others = DealFactory()

    response = rep_client.post(
        _links_url(approved_onepager),
        {"recipient_name": "Pat", "deal": str(others.public_id), "expires_in_days": "5"},
    )

    assert response.status_code == 400
    assert "Pick one of your deals" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_remembered_deal_is_preselected(rep_client, approved_onepager, shared, rep_deal):
    response = rep_client.get(_links_url(approved_onepager))

    assert f'<option value="{rep_deal.public_id}" selected>' in response.content.decode()


def test_the_owner_revokes_a_link(rep_client, approved_onepager, shared, client):
    url = reverse("portal:document-share-link-revoke", args=[approved_onepager.public_id, shared.link.public_id])

    response = rep_client.post(url)

    assert response.status_code == 302
    shared.link.refresh_from_db()
    assert shared.link.revoked_at is not None
    assert client.get(_page(shared.token)).status_code == 404


def test_the_owner_switches_notifications_off(rep_client, approved_onepager, shared):
    url = reverse("portal:document-share-link-notifications", args=[approved_onepager.public_id, shared.link.public_id])

    rep_client.post(url, {"notify_opens": "off"})

    shared.link.refresh_from_db()
    assert shared.link.notify_opens is False


def test_the_document_page_shows_the_links_with_their_opens(rep_client, client, approved_onepager, shared):
    client.get(_page(shared.token))

    response = rep_client.get(reverse("portal:document-edit", args=[approved_onepager.public_id]))

    body = response.content.decode()
    assert "Share with a prospect" in body
    assert "Pat Prospect" in body
    assert "1 open" in body
    assert "First <time" in body


def test_the_owners_share_pages_are_not_cached(rep_client, approved_onepager):
    response = rep_client.get(_links_url(approved_onepager))

    assert response["Cache-Control"] == "private, no-store"


def test_a_document_that_needs_approval_offers_no_form(rep_client, rep, brand_kit):
    from ..factories.approvals import document_needing_approval, make_reviewed_template

    document = document_needing_approval(make_reviewed_template(), rep)

    response = rep_client.get(_links_url(document))

    assert response.status_code == 200
    assert "needs approval" in response.content.decode()
    assert 'name="recipient_name"' not in response.content.decode()


def test_a_crafted_post_for_a_document_needing_approval_is_refused_with_the_reason(rep_client, rep, brand_kit):
    from ..factories.approvals import document_needing_approval, make_reviewed_template

    document = document_needing_approval(make_reviewed_template(), rep)

    response = rep_client.post(_links_url(document), {"recipient_name": "Pat", "expires_in_days": "5"})

    assert response.status_code == 400
    assert "needs approval" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_a_post_to_a_share_page_is_refused_with_the_privacy_headers(client, shared):
    response = client.post(_page(shared.token))

    assert response.status_code == 405
    assert response["Referrer-Policy"] == "no-referrer"
    assert not _events().exists()


def test_links_of_another_owner_cannot_be_revoked(client, approved_onepager, shared):
    from ..factories.accounts import UserFactory

    client.force_login(UserFactory())
    url = reverse("portal:document-share-link-revoke", args=[approved_onepager.public_id, shared.link.public_id])

    response = client.post(url)

    assert response.status_code == 404
    shared.link.refresh_from_db()
    assert shared.link.revoked_at is None


def test_a_second_link_reuses_the_cached_images(client, approved_onepager, rep):
    first = make_share_link(approved_onepager, rep)
    second = make_share_link(approved_onepager, rep)

    assert client.get(_image(first.token)).content == client.get(_image(second.token)).content
