from datetime import timedelta

from django.utils import timezone

import pytest

from deals.models import Deal

from ...factories.accounts import partner_member
from ...factories.approvals import make_document
from ...factories.deals import DealFactory
from ..conftest import make_event

pytestmark = pytest.mark.django_db


def all_pages(api, path, **params):
    seen, cursor, pages = [], None, 0
    while True:
        body = api.get(path, {**params, **({"cursor": cursor} if cursor else {})}).json()
        seen += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, pages


def test_deal_pages_cover_every_deal_once_in_order_of_change(company_api, rep):
    deals = [DealFactory(owner=rep, name=f"Deal {n}") for n in range(5)]
    seen, pages = all_pages(company_api, "/deals", limit=2)
    assert [d["id"] for d in seen] == [str(d.public_id) for d in deals]
    assert pages == 3


def test_updated_since_leaves_out_older_deals(company_api, rep):
    old = DealFactory(owner=rep, name="Old")
    Deal.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    DealFactory(owner=rep, name="New")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert [d["name"] for d in company_api.get("/deals", {"updated_since": since}).json()["items"]] == ["New"]


def test_an_offset_the_database_cannot_store_names_the_same_moment_in_utc(company_api, rep):
    DealFactory(owner=rep, name="Recent")
    # -19:28 is a valid ISO 8601 offset but outside what PostgreSQL accepts; found by the fuzz test.
    answer = company_api.get("/deals", {"updated_since": "0286-11-04T01:44:08-19:28"})
    assert answer.status_code == 200
    assert [d["name"] for d in answer.json()["items"]] == ["Recent"]


def test_deleted_deals_are_listed_only_when_asked_for(company_api, rep):
    DealFactory(owner=rep, name="Gone", deleted_at=timezone.now())
    assert company_api.get("/deals").json()["items"] == []
    listed = company_api.get("/deals", {"include_deleted": "true"}).json()["items"]
    assert [d["name"] for d in listed] == ["Gone"]
    assert listed[0]["deleted_at"] is not None


@pytest.mark.parametrize("cursor", ["garbage!", "W10", "WyJub3QgYSBkYXRlIiwgMV0", "x" * 300])
def test_a_cursor_the_api_did_not_give_is_a_400(company_api, cursor):
    response = company_api.get("/deals", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_the_page_size_is_capped(company_api, rep, settings):
    settings.LASTMILE_API_PAGE_SIZE = 2
    for n in range(3):
        DealFactory(owner=rep, name=f"Deal {n}")
    body = company_api.get("/deals", {"limit": 1000}).json()
    assert len(body["items"]) == 2
    assert body["next_cursor"]


def test_a_deals_detail_has_its_documents_and_events(company_api, approved_document, rep, deal):
    make_event(approved_document, user=rep, deal=deal)
    body = company_api.get(f"/deals/{deal.public_id}").json()
    assert [d["id"] for d in body["documents"]] == [str(approved_document.public_id)]
    assert [e["deal"] for e in body["events"]] == [str(deal.public_id)]


def test_events_page_in_the_order_they_were_recorded(company_api, approved_document, rep, deal):
    events = [make_event(approved_document, user=rep, deal=deal) for _ in range(3)]
    seen, pages = all_pages(company_api, "/events", limit=2)
    assert [e["id"] for e in seen] == [str(e.public_id) for e in events]
    assert pages == 2


def test_a_partner_key_sees_only_its_organisations_events(partner_api, onepager, partner_organisation, rep):
    partner = partner_member(partner_organisation)
    ours = make_event(make_document(onepager, partner, title="Ours"), user=partner)
    make_event(make_document(onepager, rep, title="Internal"), user=rep)
    assert [e["id"] for e in partner_api.get("/events").json()["items"]] == [str(ours.public_id)]


def test_another_organisations_document_is_a_404(partner_api, onepager, rep):
    document = make_document(onepager, rep, title="Internal")
    assert partner_api.get(f"/documents/{document.public_id}").status_code == 404
    assert partner_api.get(f"/documents/{document.public_id}/events").status_code == 404


def test_a_partner_key_lists_its_members_documents(partner_api, onepager, partner_organisation, rep):
    partner = partner_member(partner_organisation)
    make_document(onepager, partner, title="Ours")
    make_document(onepager, rep, title="Internal")
    assert [d["title"] for d in partner_api.get("/documents").json()["items"]] == ["Ours"]


def test_a_company_key_lists_templates_in_use(company_api, onepager):
    items = company_api.get("/templates").json()["items"]
    assert [t["id"] for t in items] == [str(onepager.public_id)]


def test_a_partner_key_sees_templates_meant_for_its_tier(partner_api, onepager, partner_organisation):
    onepager.audience_tiers.set([partner_organisation.tier])
    onepager.save()
    assert [t["title"] for t in partner_api.get("/templates").json()["items"]] == [onepager.title]


def test_a_partner_key_does_not_see_templates_meant_for_others(partner_api, onepager):
    onepager.audience_tiers.clear()
    onepager.save()
    assert partner_api.get("/templates").json()["items"] == []
    assert partner_api.get(f"/templates/{onepager.public_id}").status_code == 404


def test_deals_filter_by_outcome(company_api, rep):
    DealFactory(owner=rep, name="Open one")
    DealFactory(owner=rep, name="Won one", outcome="won", close_date=timezone.localdate())
    assert [d["name"] for d in company_api.get("/deals", {"outcome": "won"}).json()["items"]] == ["Won one"]
    assert company_api.get("/deals", {"outcome": "maybe"}).status_code == 422
