"""A final download asks which deal it is for, remembers the answer, renders the deal's tokens,
and records exactly one delivery event before the bytes leave (ADR 14)."""

import hashlib
import uuid

from django.db import DatabaseError
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from approvals.services import document_create
from deals.models import Channel, DeliveryEvent, DocumentDealChoice
from deals.services.choices import remember_deal_choice
from templates_lib.models import ApprovalState
from tests.pdf import text

from ..factories.accounts import OrganisationFactory, UserFactory
from ..factories.deals import DealFactory, make_deal_template
from ..refusals import assert_portal_refused

pytestmark = pytest.mark.slow

ACCOUNT = "Fjord Maritime ASA"


@pytest.fixture
def deal_template(db, brand_kit):
    """A one-pager whose call-to-action heading is the deal's account name."""
    return make_deal_template()


@pytest.fixture
def document(deal_template, rep):
    document = document_create(template=deal_template, owner=rep, values={}, title="For Fjord", check_fit=False)
    assert document.approval_state == ApprovalState.APPROVED
    return document


@pytest.fixture
def deal(rep):
    return DealFactory(owner=rep, name="Fjord fleet renewal", account_name=ACCOUNT)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _pdf(client, document, deal="none"):
    return client.get(reverse("portal:document-pdf", args=[document.public_id]), {"deal": deal})


def test_a_final_download_writes_one_event_with_the_deal_revision_hash_and_channel(rep_client, rep, document, deal):
    response = _pdf(rep_client, document, str(deal.public_id))

    body = _body(response)
    assert response.status_code == 200
    assert ACCOUNT in text(body)
    event = DeliveryEvent.objects.get()
    assert event.deal == deal
    assert event.channel == Channel.PORTAL_PDF
    assert event.document == document
    assert event.document_revision_id == document.live_revision_id
    assert event.template_revision_id == document.template_revision_id
    assert event.user == rep
    assert event.sha256 == hashlib.sha256(body).hexdigest()
    assert event.render["deal"]["public_id"] == str(deal.public_id)
    assert event.render["tokens"]["cta_heading"] == {"source": "deal.account_name", "value": ACCOUNT}


def test_the_download_audit_entry_stays(rep_client, document, deal):
    _pdf(rep_client, document, str(deal.public_id))

    entry = ModelLogEntry.objects.get(action="lastmile.document.downloaded")
    assert entry.data["deal"] == str(deal.public_id)


def test_a_final_png_writes_one_png_event_with_the_hash_of_the_image(rep_client, document, deal):
    response = rep_client.get(reverse("portal:document-png", args=[document.public_id]), {"deal": str(deal.public_id)})

    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")
    event = DeliveryEvent.objects.get()
    assert (event.channel, event.deal, event.profile) == (Channel.PORTAL_PNG, deal, "digital")
    assert event.sha256 == hashlib.sha256(response.content).hexdigest()


def test_no_specific_deal_writes_an_event_without_a_deal(rep_client, document):
    response = _pdf(rep_client, document, "none")

    assert response.status_code == 200
    assert DeliveryEvent.objects.get().deal is None


def test_a_refused_download_writes_no_event(rep_client, rep, reviewed_template):
    document = document_create(
        template=reviewed_template, owner=rep, values={"subheadline": "Unreviewed words"}, check_fit=False
    )

    response = _pdf(rep_client, document)

    assert response.status_code == 403
    assert not DeliveryEvent.objects.exists()


def test_a_failing_event_write_gives_503_and_no_bytes(rep_client, document, deal, monkeypatch):
    def failing_create(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(DeliveryEvent.objects, "create", failing_create)

    response = _pdf(rep_client, document, str(deal.public_id))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"%PDF" not in response.content
    assert b"could not be recorded" in response.content
    assert not DeliveryEvent.objects.exists()
    assert not ModelLogEntry.objects.filter(action="lastmile.document.downloaded").exists()


def test_a_failing_event_write_refuses_the_png_too(rep_client, document, monkeypatch):
    def failing_create(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(DeliveryEvent.objects, "create", failing_create)

    response = rep_client.get(reverse("portal:document-png", args=[document.public_id]), {"deal": "none"})

    assert response.status_code == 503
    assert not response.content.startswith(b"\x89PNG")


@pytest.mark.parametrize("crafted", ["another", "unknown", "malformed"])
def test_a_crafted_deal_id_is_refused_like_a_missing_one_and_writes_no_event(rep_client, document, crafted):
    other_partner = UserFactory(organisation=OrganisationFactory(name="Elsewhere"))
    deal_id = {
        "another": str(DealFactory(owner=other_partner).public_id),
        "unknown": str(uuid.uuid4()),
        "malformed": "../../etc<script>",
    }[crafted]

    response = _pdf(rep_client, document, deal_id)

    assert_portal_refused(rep_client, response, "portal:document-pdf", data={"deal": deal_id})
    assert not DeliveryEvent.objects.exists()


def test_the_picker_refuses_a_crafted_deal_without_remembering_it(rep_client, document):
    foreign = DealFactory(owner=UserFactory(organisation=OrganisationFactory(name="Elsewhere")))

    response = rep_client.get(
        reverse("portal:document-download", args=[document.public_id]), {"deal": str(foreign.public_id)}
    )

    assert response.status_code == 404
    assert "Pick one of your deals" in response.content.decode()
    assert foreign.name not in response.content.decode()
    assert not DocumentDealChoice.objects.exists()


def test_a_download_asks_for_the_deal_when_the_user_has_deals(rep_client, document, deal):
    response = rep_client.get(reverse("portal:document-download", args=[document.public_id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Which deal is this for?" in page
    assert deal.name in page
    assert 'value="none" checked' in page
    assert not DeliveryEvent.objects.exists()


def test_the_remembered_deal_is_preselected(rep_client, rep, document, deal):
    DealFactory(owner=rep, name="Another open deal")
    remember_deal_choice(document, deal, user=rep)

    response = rep_client.get(reverse("portal:document-download", args=[document.public_id]))

    page = response.content.decode()
    assert f'value="{deal.public_id}" checked' in page
    assert 'value="none" checked' not in page


def test_the_picker_searches_the_users_open_deals(rep_client, rep, document, deal):
    DealFactory(owner=rep, name="Harbour cranes", account_name="Port Authority")

    response = rep_client.get(
        reverse("portal:document-download", args=[document.public_id]), {"q": "harbour", "find": "1"}
    )

    page = response.content.decode()
    assert "Harbour cranes" in page
    assert deal.name not in page


def test_the_picker_never_lists_another_organisations_deals(client, manager, deal_template):
    outsider = DealFactory(owner=UserFactory(organisation=OrganisationFactory(name="Elsewhere")), name="Not yours")
    own = DealFactory(owner=manager, name="Ours")
    document = document_create(template=deal_template, owner=manager, values={}, check_fit=False)
    client.force_login(manager)

    page = client.get(reverse("portal:document-download", args=[document.public_id])).content.decode()

    assert own.name in page
    assert outsider.name not in page


def test_picking_a_deal_remembers_it_and_carries_it_to_the_pdf(rep_client, rep, document, deal):
    response = rep_client.get(
        reverse("portal:document-download", args=[document.public_id]), {"deal": str(deal.public_id)}
    )

    assert response.status_code == 302
    assert f"deal={deal.public_id}" in response.url
    assert DocumentDealChoice.objects.get(document=document).deal == deal
    assert rep_client.get(response.url).status_code == 200
    assert DeliveryEvent.objects.get().deal == deal


def test_the_answer_can_be_changed_to_no_specific_deal(rep_client, rep, document, deal):
    remember_deal_choice(document, deal, user=rep)

    rep_client.get(reverse("portal:document-download", args=[document.public_id]), {"deal": "none"})

    assert DocumentDealChoice.objects.get(document=document).deal is None


def test_the_png_button_asks_then_ends_at_the_png(rep_client, document, deal):
    response = rep_client.get(
        reverse("portal:document-download", args=[document.public_id]), {"format": "png", "deal": str(deal.public_id)}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:document-png", args=[document.public_id]))
    assert f"deal={deal.public_id}" in response.url


def test_without_a_deal_parameter_the_pdf_is_for_the_remembered_deal(rep_client, rep, document, deal):
    remember_deal_choice(document, deal, user=rep)

    response = rep_client.get(reverse("portal:document-pdf", args=[document.public_id]))

    assert ACCOUNT in text(_body(response))
    assert DeliveryEvent.objects.get().deal == deal


def test_the_draft_fills_the_deal_tokens_from_the_remembered_deal(rep_client, rep, document, deal):
    remember_deal_choice(document, deal, user=rep)

    response = rep_client.get(reverse("portal:document-draft-pdf", args=[document.public_id]))

    assert ACCOUNT in text(_body(response))
    assert not DeliveryEvent.objects.exists()


def test_the_background_render_is_made_for_the_picked_deal(rep_client, document, deal, monkeypatch):
    from approvals.output import final_output
    from portal.views import downloads
    from templates_lib.rendering.cache import cached_pdf_name

    monkeypatch.setattr(downloads, "renders_in_background", lambda content: True)

    page = rep_client.get(
        reverse("portal:document-download", args=[document.public_id]),
        {"deal": str(deal.public_id), "profile": "print"},
    ).content.decode()

    assert f"deal={deal.public_id}" in page
    assert cached_pdf_name(final_output(document, profile="print", deal=deal).job)
    assert not cached_pdf_name(final_output(document, profile="print", deal=None).job)
    status = rep_client.get(
        reverse("portal:document-status", args=[document.public_id]), {"deal": str(deal.public_id), "profile": "print"}
    ).content.decode()
    assert "Your PDF is ready" in status
    assert f"deal={deal.public_id}" in status


def test_the_status_of_a_crafted_deal_is_not_found(rep_client, document):
    foreign = DealFactory(owner=UserFactory(organisation=OrganisationFactory(name="Elsewhere")))

    response = rep_client.get(
        reverse("portal:document-status", args=[document.public_id]), {"deal": str(foreign.public_id)}
    )

    assert response.status_code == 404


def test_a_document_without_final_output_is_refused_before_the_deal_is_asked(rep_client, rep, reviewed_template, deal):
    document = document_create(
        template=reviewed_template, owner=rep, values={"subheadline": "Unreviewed words"}, check_fit=False
    )

    response = rep_client.get(reverse("portal:document-download", args=[document.public_id]))

    assert response.status_code == 403
    assert "Which deal is this for?" not in response.content.decode()
