"""The audit trail in Wagtail admin: every transition is listed per document and per template,
for brand managers and marketing analysts only, and nothing can change or delete an entry."""

from django.db import transaction
from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from approvals.audit import AuditEntryImmutable, audit_document
from approvals.services import (
    Decision,
    document_submit,
    document_update,
    document_upgrade,
    document_withdraw,
    promote_wording,
)
from templates_lib.services.lifecycle import template_retire
from tests.factories.accounts import UserFactory
from tests.factories.approvals import (
    OWN_WORDS,
    TEMPLATE_WORDS,
    decide,
    document_in_review,
    document_needing_approval,
    make_document,
)
from tests.factories.templates_lib import publish_change

ADMIN_TEMPLATES = "wagtailsnippets_templates_lib_collateraltemplate"


@pytest.fixture
def journey(reviewed_template, rep, brand_manager):
    """A document through every step a rep and a brand manager can take."""
    document = document_needing_approval(reviewed_template, rep)
    document_update(document=document, values={"subheadline": "Our better words"}, check_fit=False)
    document_submit(document, user=rep, note="For the Acme pitch")
    document_withdraw(document, user=rep)
    document_submit(document, user=rep)
    decide(
        document,
        brand_manager,
        Decision.REQUEST_CHANGES,
        comment="Nearly there",
        field_comments={"subheadline": "Say “forecast” instead"},
    )
    document_update(document=document, values={"subheadline": "Our forecast words"}, check_fit=False)
    document_submit(document, user=rep)
    decide(document, brand_manager, Decision.APPROVE, comment="Good")
    promote_wording(document=document, field_key="subheadline", reviewer=brand_manager)
    rep_client = Client()
    rep_client.force_login(rep)
    response = rep_client.get(reverse("portal:document-pdf", args=[document.public_id]))
    assert response.status_code == 200
    publish_change(reviewed_template, headline="Close the quarter with confidence.")
    document_upgrade(document=document, user=rep)
    return document


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def _trail(client, url, **params) -> list:
    """Every entry of a trail, following its pages."""
    entries, page = [], 1
    while True:
        response = client.get(url, {**params, "p": page})
        assert response.status_code == 200
        entries += response.context["entries"]
        if not response.context["page_obj"].has_next():
            return entries
        page += 1


def _document_trail(client, document, **params) -> list:
    return _trail(client, reverse("approvals_admin:audit-document", args=[document.pk]), **params)


JOURNEY_ACTIONS = {
    "lastmile.document.created",
    "lastmile.document.edited",
    "lastmile.document.submitted",
    "lastmile.document.withdrawn",
    "lastmile.document.changes_requested",
    "lastmile.document.resubmitted",
    "lastmile.document.approved",
    "lastmile.document.promoted",
    "lastmile.document.downloaded",
    "lastmile.document.upgraded",
    "lastmile.document.approved_automatically",
}


@pytest.mark.slow
def test_document_trail_lists_every_transition(analyst_client, journey):
    actions = {entry.action for entry in _document_trail(analyst_client, journey)}

    assert actions >= JOURNEY_ACTIONS


@pytest.mark.slow
def test_document_trail_is_newest_first(analyst_client, journey):
    entries = _document_trail(analyst_client, journey)

    timestamps = [entry.timestamp for entry in entries]
    assert timestamps == sorted(timestamps, reverse=True)
    assert ModelLogEntry.objects.for_instance(journey).count() == len(entries)


def test_rejection_and_its_reason_are_on_the_trail(analyst_client, reviewed_template, rep, brand_manager):
    document = document_in_review(reviewed_template, rep)
    decide(document, brand_manager, Decision.REJECT, comment="Off brand")

    response = analyst_client.get(reverse("approvals_admin:audit-document", args=[document.pk]))

    rejected = next(e for e in response.context["entries"] if e.action == "lastmile.document.rejected")
    assert rejected.comment == "Off brand"
    assert rejected.user_name == brand_manager.get_full_name()
    assert "Off brand" in response.content.decode()


def test_automatic_approval_names_its_rules(analyst_client, reviewed_template, rep):
    document = make_document(reviewed_template, rep)

    response = analyst_client.get(reverse("approvals_admin:audit-document", args=[document.pk]))

    automatic = next(e for e in response.context["entries"] if e.action == "lastmile.document.approved_automatically")
    assert dict(automatic.details)["Rules"].startswith("Approved automatically")


def test_edit_shows_the_values_hash_and_a_readable_diff(analyst_client, reviewed_template, rep):
    document = document_needing_approval(reviewed_template, rep)
    document_update(document=document, values={"subheadline": "Our better words"}, check_fit=False)

    response = analyst_client.get(reverse("approvals_admin:audit-document", args=[document.pk]))

    edited = next(e for e in response.context["entries"] if e.action == "lastmile.document.edited")
    assert [(row.label, row.before, row.after) for row in edited.diff] == [
        ("Subheadline", OWN_WORDS, "Our better words")
    ]
    body = response.content.decode()
    assert "<del>own</del>" in body
    assert "<ins>better</ins>" in body
    assert edited.values_hash[:12] in body


def test_creation_shows_what_the_user_changed_from_the_template(analyst_client, reviewed_template, rep):
    document = document_needing_approval(reviewed_template, rep)

    response = analyst_client.get(reverse("approvals_admin:audit-document", args=[document.pk]))

    created = next(e for e in response.context["entries"] if e.action == "lastmile.document.created")
    assert [(row.label, row.before, row.after) for row in created.diff] == [("Subheadline", TEMPLATE_WORDS, OWN_WORDS)]
    assert "Changed from the template&#x27;s wording" in response.content.decode()


def test_field_comments_and_notes_are_shown(analyst_client, reviewed_template, rep, brand_manager):
    document = document_in_review(reviewed_template, rep, note="For the Acme pitch")
    decide(document, brand_manager, Decision.REQUEST_CHANGES, field_comments={"subheadline": "Shorter please"})

    body = analyst_client.get(reverse("approvals_admin:audit-document", args=[document.pk])).content.decode()

    assert "For the Acme pitch" in body
    assert "Subheadline:</dt> <dd>Shorter please" in body


def test_trail_filters_by_action(analyst_client, reviewed_template, rep):
    document = document_needing_approval(reviewed_template, rep)
    document_update(document=document, values={"subheadline": "Our better words"}, check_fit=False)

    entries = _document_trail(analyst_client, document, action="lastmile.document.edited")

    assert [entry.action for entry in entries] == ["lastmile.document.edited"]


def test_template_trail_has_its_own_entries_and_its_documents(brand_client, reviewed_template, rep, brand_manager):
    document = document_needing_approval(reviewed_template, rep)
    template_retire(template=reviewed_template, user=brand_manager)

    response = brand_client.get(reverse("approvals_admin:audit-template", args=[reviewed_template.pk]))

    entries = response.context["entries"]
    retired = next(e for e in entries if e.action == "lastmile.template.retired")
    created = next(e for e in entries if e.action == "lastmile.document.created")
    assert retired.subject is None
    assert created.subject == document
    assert reverse("approvals_admin:audit-document", args=[document.pk]) in response.content.decode()


def test_template_trail_is_paginated(brand_client, reviewed_template, rep):
    for number in range(26):
        document_needing_approval(reviewed_template, rep, text=f"Words {number}")
    url = reverse("approvals_admin:audit-template", args=[reviewed_template.pk])

    first = brand_client.get(url)
    second = brand_client.get(url, {"p": 2})

    assert len(first.context["entries"]) == 25
    assert second.status_code == 200
    assert {e.entry.pk for e in first.context["entries"]}.isdisjoint({e.entry.pk for e in second.context["entries"]})


def test_template_trail_of_another_template_leaves_these_documents_out(brand_client, reviewed_template, onepager, rep):
    document_needing_approval(reviewed_template, rep)

    response = brand_client.get(reverse("approvals_admin:audit-template", args=[onepager.pk]))

    assert [e for e in response.context["entries"] if e.action.startswith("lastmile.document.")] == []


# --- Finding documents ----------------------------------------------------------------------


def test_documents_are_found_by_title(analyst_client, reviewed_template, rep):
    wanted = make_document(reviewed_template, rep, title="Acme pitch")
    make_document(reviewed_template, rep, title="Globex renewal")

    response = analyst_client.get(reverse("approvals_admin:audit-documents"), {"q": "acme"})

    assert list(response.context["object_list"]) == [wanted]
    assert reverse("approvals_admin:audit-document", args=[wanted.pk]) in response.content.decode()


def test_documents_are_found_by_owner_name(analyst_client, reviewed_template, rep, partner_user):
    wanted = make_document(reviewed_template, rep)
    make_document(reviewed_template, partner_user)

    response = analyst_client.get(reverse("approvals_admin:audit-documents"), {"q": "dana whitfield"})

    assert list(response.context["object_list"]) == [wanted]


def test_document_search_is_paginated(analyst_client, reviewed_template, rep):
    for number in range(30):
        make_document(reviewed_template, rep, title=f"Pitch {number}")

    response = analyst_client.get(reverse("approvals_admin:audit-documents"))

    assert response.context["paginator"].count == 30
    assert len(response.context["object_list"]) == 25


# --- Who may look ---------------------------------------------------------------------------


def _trail_urls(document):
    return [
        reverse("approvals_admin:audit-documents"),
        reverse("approvals_admin:audit-document", args=[document.pk]),
        reverse("approvals_admin:audit-template", args=[document.template_id]),
    ]


@pytest.fixture
def document(reviewed_template, rep):
    return document_needing_approval(reviewed_template, rep)


@pytest.mark.parametrize("role", ["analyst", "brand_manager"])
def test_analysts_and_brand_managers_browse_the_trail(client, request, document, role):
    client.force_login(request.getfixturevalue(role))

    statuses = [client.get(url).status_code for url in _trail_urls(document)]

    assert statuses == [200, 200, 200]


@pytest.mark.parametrize("role", ["rep", "partner_user", "manager"])
def test_reps_and_partners_are_sent_to_sign_in(client, request, document, role):
    client.force_login(request.getfixturevalue(role))

    responses = [client.get(url) for url in _trail_urls(document)]

    assert [response.status_code for response in responses] == [302, 302, 302]
    assert all(reverse("wagtailadmin_login") in response.url for response in responses)


def test_admin_users_without_audit_permissions_are_refused(client, roles, document):
    from accounts.roles import Role

    administrator = UserFactory(username="admin-only")
    administrator.groups.add(roles[Role.ADMINISTRATOR])
    client.force_login(administrator)

    responses = [client.get(url) for url in _trail_urls(document)]

    assert [response.status_code for response in responses] == [302, 302, 302]
    assert all(response.url == reverse("wagtailadmin_home") for response in responses)


def test_partner_with_audit_permissions_is_still_refused(client, document, partner_user):
    from django.contrib.auth.models import Permission

    partner_user.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_collateraldocument")
    )
    client.force_login(partner_user)

    response = client.get(reverse("approvals_admin:audit-document", args=[document.pk]))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_trail_views_are_read_only(analyst_client, document, method):
    before = ModelLogEntry.objects.count()

    statuses = [getattr(analyst_client, method)(url).status_code for url in _trail_urls(document)]

    assert statuses == [405, 405, 405]
    assert ModelLogEntry.objects.count() == before


def test_audit_entries_cannot_be_changed(document):
    entry = ModelLogEntry.objects.for_instance(document).get(action="lastmile.document.created")
    recorded = dict(entry.data)
    entry.data = {"values_hash": "forged"}

    with pytest.raises(AuditEntryImmutable), transaction.atomic():
        entry.save()

    entry.refresh_from_db()
    assert entry.data == recorded


def test_audit_entries_cannot_be_deleted(document):
    entries = ModelLogEntry.objects.for_instance(document).filter(action__startswith="lastmile.")
    recorded = sorted(entries.values_list("pk", "action"))

    with pytest.raises(AuditEntryImmutable), transaction.atomic():
        entries.get(action="lastmile.document.created").delete()
    with pytest.raises(AuditEntryImmutable), transaction.atomic():
        entries.delete()

    assert sorted(entries.values_list("pk", "action")) == recorded


def test_new_entries_can_still_be_added(document, rep):
    audit_document(document, "lastmile.document.edited", user=rep, before={})

    entry = ModelLogEntry.objects.for_instance(document).get(action="lastmile.document.edited")
    assert entry.user == rep


# --- Ways in --------------------------------------------------------------------------------


def test_template_listing_and_edit_link_to_the_template_trail(brand_client, reviewed_template):
    trail_url = reverse("approvals_admin:audit-template", args=[reviewed_template.pk])

    listing = brand_client.get(reverse(f"{ADMIN_TEMPLATES}:list")).content.decode()
    edit = brand_client.get(reverse(f"{ADMIN_TEMPLATES}:edit", args=[reviewed_template.pk])).content.decode()

    assert trail_url in listing
    assert trail_url in edit


def test_audit_trail_is_in_the_admin_menu_for_analysts(analyst_client):
    response = analyst_client.get(reverse("wagtailadmin_home"))

    assert reverse("approvals_admin:audit-documents") in response.content.decode()


def test_a_brand_manager_limited_to_regions_reads_only_their_regions_trails(
    client, reviewed_template, rep, brand_manager
):
    from tests.factories.accounts import RegionFactory

    rep.region = RegionFactory(name="EMEA", code="emea")
    rep.save(update_fields=["region"])
    brand_manager.review_regions.set([RegionFactory(name="Americas", code="amer")])
    document = make_document(reviewed_template, rep)
    client.force_login(brand_manager)

    response = client.get(reverse("approvals_admin:audit-document", args=[document.pk]))

    assert response.status_code == 404
