"""Share links as the service makes them: owner only, approved documents only, a deal the owner
may pick, an expiry within the maximum, and only a hash of the token kept."""

import datetime
import hashlib

from django.utils import timezone

import pytest

from deals.models import DocumentDealChoice, ShareLink
from deals.services.share_links import (
    ShareLinkError,
    ShareLinkStatus,
    share_link_create,
    share_link_for_token,
    share_link_revoke,
    share_link_set_notifications,
    share_link_status,
    share_links_for_document,
)
from templates_lib.models import CollateralDocument
from templates_lib.services.lifecycle import template_retire

from ..factories.accounts import UserFactory
from ..factories.approvals import document_needing_approval, make_reviewed_template
from ..factories.deals import DealFactory
from .share_fixtures import make_share_link

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_a_random_token_is_stored(shared):
    link = ShareLink.objects.get()

    assert len(shared.token) >= 43  # 32 random bytes, URL-safe base64
    assert link.token_hash == hashlib.sha256(shared.token.encode()).hexdigest()
    assert not ShareLink.objects.filter(token_hash=shared.token).exists()
    assert shared.token in shared.path


def test_two_links_get_different_tokens(approved_onepager, rep):
    first = make_share_link(approved_onepager, rep)
    second = make_share_link(approved_onepager, rep)

    assert first.token != second.token


def test_a_link_expires_after_the_default_thirty_days(shared):
    link = shared.link

    assert abs(link.expires_at - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    assert link.allow_download is False
    assert link.notify_opens is True


def test_the_deal_is_kept_and_remembered_for_the_document(shared, rep_deal, approved_onepager):
    assert shared.link.deal == rep_deal
    assert DocumentDealChoice.objects.get(document=approved_onepager).deal == rep_deal


def test_an_expiry_beyond_the_maximum_is_refused(approved_onepager, rep, settings):
    settings.LASTMILE_SHARE_LINK_MAX_DAYS = 60

    with pytest.raises(ShareLinkError) as refused:
        make_share_link(approved_onepager, rep, expires_in_days=61)

    assert refused.value.errors["expires_in_days"] == ["Choose between 1 and 60 days."]
    assert not ShareLink.objects.exists()


def test_a_link_without_a_recipient_name_is_refused(approved_onepager, rep):
    with pytest.raises(ShareLinkError) as refused:
        make_share_link(approved_onepager, rep, recipient_name="  ")

    assert "recipient_name" in refused.value.errors
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize("email", ["not an email", "a" * 250 + "@example.com"], ids=["malformed", "too-long"])
def test_an_invalid_email_is_refused(approved_onepager, rep, email):
    with pytest.raises(ShareLinkError) as refused:
        make_share_link(approved_onepager, rep, recipient_email=email)

    assert "recipient_email" in refused.value.errors
    assert not ShareLink.objects.exists()


def test_someone_elses_deal_is_refused_like_a_missing_one(approved_onepager, rep):
    others = DealFactory(owner=UserFactory())

    with pytest.raises(ShareLinkError) as refused:
        make_share_link(approved_onepager, rep, deal=others)

    assert refused.value.errors["deal"] == ["Pick one of your deals, or “no specific deal”."]
    assert not ShareLink.objects.exists()


def test_only_the_owner_may_share(approved_onepager):
    with pytest.raises(ShareLinkError):
        make_share_link(approved_onepager, UserFactory())

    assert not ShareLink.objects.exists()


def test_a_document_waiting_for_approval_cannot_be_shared(rep, brand_kit):
    document = document_needing_approval(make_reviewed_template(), rep)

    with pytest.raises(ShareLinkError) as refused:
        make_share_link(document, rep)

    assert "needs approval" in refused.value.errors["__all__"][0]
    assert not ShareLink.objects.exists()


def test_the_token_finds_its_working_link(shared):
    assert share_link_for_token(shared.token) == shared.link


@pytest.mark.parametrize(
    "token",
    ["", "short", "A" * 43, "A" * 200, "../../etc/passwd", "ä" * 43],
    ids=["empty", "short", "unknown", "long", "path", "non-ascii"],
)
def test_malformed_and_unknown_tokens_find_nothing(shared, token):
    assert share_link_for_token(token) is None


def test_a_tampered_token_finds_nothing(shared):
    tampered = shared.token[:-1] + ("A" if shared.token[-1] != "A" else "B")

    assert share_link_for_token(tampered) is None


def test_an_expired_link_finds_nothing(shared):
    ShareLink.objects.filter(pk=shared.link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert share_link_for_token(shared.token) is None
    shared.link.refresh_from_db()
    assert share_link_status(shared.link) == ShareLinkStatus.EXPIRED


def test_a_revoked_link_stops_at_once(shared, rep):
    link = share_link_revoke(link=shared.link, by=rep)

    assert link.revoked_at is not None
    assert share_link_status(link) == ShareLinkStatus.REVOKED
    assert share_link_for_token(shared.token) is None


def test_only_the_owner_may_revoke(shared):
    with pytest.raises(ShareLinkError):
        share_link_revoke(link=shared.link, by=UserFactory())

    shared.link.refresh_from_db()
    assert shared.link.revoked_at is None


def test_the_owner_switches_open_notifications_off(shared, rep):
    link = share_link_set_notifications(link=shared.link, by=rep, notify_opens=False)

    assert ShareLink.objects.get(pk=link.pk).notify_opens is False


def test_a_link_stops_when_its_template_is_retired(shared, onepager, brand_manager):
    template_retire(template=onepager, user=brand_manager)

    assert share_link_for_token(shared.token) is None


def test_a_link_stops_when_the_approval_no_longer_holds(shared, approved_onepager):
    CollateralDocument.objects.filter(pk=approved_onepager.pk).update(live=False)

    assert share_link_for_token(shared.token) is None


def test_a_link_stops_when_its_document_is_deleted(shared, approved_onepager):
    CollateralDocument.objects.filter(pk=approved_onepager.pk).update(deleted_at=timezone.now())

    assert share_link_for_token(shared.token) is None


def test_links_are_listed_for_the_owner_only(shared, approved_onepager, rep):
    assert list(share_links_for_document(approved_onepager, rep)) == [shared.link]
    assert not share_links_for_document(approved_onepager, UserFactory()).exists()


def test_the_service_refuses_a_non_owner_before_anything_else(approved_onepager):
    with pytest.raises(ShareLinkError) as refused:
        share_link_create(document=approved_onepager, created_by=UserFactory(), recipient_name="X")

    assert refused.value.errors == {"__all__": ["This document does not exist."]}
