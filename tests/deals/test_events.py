"""record_delivery fills every field of the event from the final output it delivered; a database
error is DeliveryNotRecorded, never a half-written event."""

import hashlib

from django.db import DatabaseError

import pytest

from accounts.services import organisation_member_add
from deals.models import Channel, DeliveryEvent, ShareLink
from deals.services.events import DeliveryNotRecorded, record_delivery
from templates_lib.rendering.html import RENDERER_VERSION

from ..factories.accounts import OrganisationFactory, RegionFactory
from .conftest import ACCOUNT, make_event


def test_an_event_records_what_left_and_from_which_revisions(approved_document, rep, deal):
    event = make_event(approved_document, user=rep, deal=deal, delivered=b"the bytes")

    event.refresh_from_db()
    assert event.document == approved_document
    assert event.document_revision_id == approved_document.live_revision_id
    assert event.template_id == approved_document.template_id
    assert event.template_revision_id == approved_document.template_revision_id
    assert (event.deal, event.user, event.channel, event.profile) == (deal, rep, Channel.PORTAL_PDF, "print")
    assert event.sha256 == hashlib.sha256(b"the bytes").hexdigest()
    assert event.renderer_version == RENDERER_VERSION


def test_the_render_key_is_the_jobs(approved_document, rep, deal):
    from approvals.output import final_output

    event = make_event(approved_document, user=rep, deal=deal)

    assert event.render_key == final_output(approved_document, profile="print", deal=deal).job.key


def test_the_event_keeps_what_a_re_render_needs(approved_document, rep, deal):
    from brand.services import brand_snapshot

    render = make_event(approved_document, user=rep, deal=deal).render

    assert render["profile"] == "print"
    assert render["tokens"]["cta_heading"] == {"source": "deal.account_name", "value": ACCOUNT}
    assert render["deal"]["account_name"] == ACCOUNT
    assert render["brand_version"] == brand_snapshot().version
    assert render["layout_version"] == approved_document.pinned_template().layout_spec.version
    assert render["renderer_version"] == RENDERER_VERSION
    assert render["title"] == "For Fjord"
    assert render["watermark"] == ""
    assert set(render["fonts"]) == {"heading_font", "body_font"}


def test_organisation_and_region_are_the_users(approved_document, roles, deal_template):
    from approvals.services import document_create

    from ..factories.accounts import UserFactory

    region = RegionFactory(name="Nordics")
    organisation = OrganisationFactory(name="Fjord Partners", region=region)
    partner = UserFactory(username="fjord-partner")
    organisation_member_add(organisation=organisation, user=partner)
    document = document_create(template=deal_template, owner=partner, values={}, check_fit=False)

    event = make_event(document, user=partner)

    assert (event.organisation, event.region) == (organisation, region)


def test_a_share_link_event_belongs_to_the_links_creators_organisation(approved_document, rep):
    from django.utils import timezone

    rep.region = RegionFactory(name="DACH")
    rep.save()
    link = ShareLink.objects.create(
        token_hash="0" * 64,
        document=approved_document,
        created_by=rep,
        recipient_name="Sam",
        expires_at=timezone.now(),
    )

    event = make_event(approved_document, user=None, channel=Channel.SHARE_VIEW, share_link=link, detail={"pages": [1]})

    assert (event.user, event.share_link, event.region_id, event.detail) == (None, link, rep.region_id, {"pages": [1]})


def test_a_database_error_is_delivery_not_recorded_and_writes_nothing(approved_document, rep, monkeypatch):
    from approvals.output import final_output

    def failing_create(**kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(DeliveryEvent.objects, "create", failing_create)

    with pytest.raises(DeliveryNotRecorded):
        record_delivery(
            output=final_output(approved_document, profile="print"),
            channel=Channel.PORTAL_PDF,
            delivered=b"x",
            user=rep,
            deal=None,
        )
    assert not DeliveryEvent.objects.exists()
