from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import TaskState

import pytest

from accounts.roles import Role
from approvals.models import BrandReviewTaskState
from approvals.selectors import pending_logos, pending_uploads, queue_counts, review_queue
from approvals.services import Decision, review_decide
from brand.models import UploadReview
from tests.factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from tests.factories.approvals import make_document, make_reviewed_template, round_in_review
from tests.factories.brand import ImageFactory
from tests.refusals import assert_admin_refused

QUEUE = reverse("approvals_admin:queue")


def submit(template, owner, *, title: str, minutes_ago: int = 0) -> BrandReviewTaskState:
    """A document with new reviewed text, submitted `minutes_ago`."""
    round_ = round_in_review(template, owner, title=title)
    TaskState.objects.filter(pk=round_.pk).update(started_at=timezone.now() - timedelta(minutes=minutes_ago))
    return round_


def titles(response) -> list[str]:
    return [round_.document.title for round_ in response.context["object_list"]]


@pytest.fixture
def regions(db):
    return {"emea": RegionFactory(name="EMEA", code="emea"), "na": RegionFactory(name="North America", code="na")}


@pytest.fixture
def emea_rep(roles, regions):
    user = UserFactory(username="emea-rep", first_name="Erin", last_name="Ames", region=regions["emea"])
    user.groups.add(roles[Role.SALES_REP])
    return user


@pytest.fixture
def na_partner(roles, regions):
    organisation = OrganisationFactory(name="Harbourline Resellers", region=regions["na"])
    user = partner_member(organisation, username="na-partner", first_name="Nora", last_name="Quinn")
    user.groups.add(roles[Role.PARTNER_USER])
    return user


@pytest.fixture
def emea_reviewer(roles, regions):
    user = UserFactory(username="emea-brand")
    user.groups.add(roles[Role.BRAND_MANAGER])
    user.review_regions.add(regions["emea"])
    return user


def test_queue_lists_documents_waiting_for_review_oldest_first(brand_client, reviewed_template, emea_rep):
    submit(reviewed_template, emea_rep, title="Newest", minutes_ago=1)
    submit(reviewed_template, emea_rep, title="Oldest", minutes_ago=90)
    submit(reviewed_template, emea_rep, title="Middle", minutes_ago=30)

    response = brand_client.get(QUEUE)

    assert response.status_code == 200
    assert titles(response) == ["Oldest", "Middle", "Newest"]


def test_decided_and_withdrawn_documents_leave_the_queue(brand_client, brand_manager, reviewed_template, emea_rep):
    decided = submit(reviewed_template, emea_rep, title="Decided")
    withdrawn = submit(reviewed_template, emea_rep, title="Withdrawn")
    submit(reviewed_template, emea_rep, title="Waiting")
    review_decide(task_state_id=decided.pk, reviewer=brand_manager, decision=Decision.APPROVE)
    from approvals.services import document_withdraw

    document_withdraw(withdrawn.document, user=emea_rep)

    response = brand_client.get(QUEUE)

    assert titles(response) == ["Waiting"]


def test_documents_within_the_rules_never_reach_the_queue(brand_client, reviewed_template, emea_rep):
    make_document(reviewed_template, emea_rep, title="Defaults only")

    response = brand_client.get(QUEUE)

    assert titles(response) == []
    assert "Nothing waiting for review" in response.content.decode()


def test_the_queue_shows_template_requester_organisation_region_and_fields_to_review(
    brand_client, reviewed_template, na_partner
):
    submit(reviewed_template, na_partner, title="Harbour pitch")

    html = brand_client.get(QUEUE).content.decode()

    for text in ("Harbour pitch", "Reviewed one-pager", "Nora Quinn", "Harbourline Resellers", "North America"):
        assert text in html
    assert "Subheadline" in html


@pytest.mark.parametrize("kind", ["template", "requester", "organisation", "region"])
def test_filters_narrow_the_queue(kind, brand_client, brand_kit, emea_rep, na_partner):
    first = make_reviewed_template(title="First template")
    second = make_reviewed_template(title="Second template")
    submit(first, emea_rep, title="Staff document")
    partner_round = submit(second, na_partner, title="Partner document")
    owner = partner_round.document.owner
    value = {
        "template": second.pk,
        "requester": "nora QUINN",
        "organisation": owner.organisation_id,
        "region": owner.organisation.region_id,
    }[kind]

    response = brand_client.get(QUEUE, {kind: value})

    assert titles(response) == ["Partner document"]


def test_filter_results_load_without_the_page_around_them(brand_client, reviewed_template, emea_rep, na_partner):
    submit(reviewed_template, emea_rep, title="Staff document")
    submit(reviewed_template, na_partner, title="Partner document")

    response = brand_client.get(reverse("approvals_admin:queue-results"), {"requester": emea_rep.email})

    assert titles(response) == ["Staff document"]
    assert "<html" not in response.content.decode()


def test_region_limited_reviewer_sees_only_their_regions(
    client, emea_reviewer, reviewed_template, emea_rep, na_partner
):
    submit(reviewed_template, emea_rep, title="EMEA document")
    submit(reviewed_template, na_partner, title="North America document")
    client.force_login(emea_reviewer)

    response = client.get(QUEUE)

    assert titles(response) == ["EMEA document"]
    assert "North America document" not in response.content.decode()


def test_reviewer_without_regions_sees_every_region(brand_manager, reviewed_template, emea_rep, na_partner):
    submit(reviewed_template, emea_rep, title="EMEA document")
    submit(reviewed_template, na_partner, title="North America document")

    assert review_queue(brand_manager).count() == 2


@pytest.mark.parametrize("who", ["rep", "analyst", "partner_user", "manager"])
def test_people_outside_the_brand_team_are_refused(who, request, client, reviewed_template, emea_rep):
    submit(reviewed_template, emea_rep, title="Secret plans")
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.get(QUEUE)

    assert_admin_refused(response, user)


def test_an_analyst_is_told_they_may_not_see_the_queue(client, analyst):
    client.force_login(analyst)

    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_a_reviewers_own_submission_is_not_in_their_queue(brand_client, brand_manager, reviewed_template, emea_rep):
    submit(reviewed_template, brand_manager, title="My own flyer")
    submit(reviewed_template, emea_rep, title="Someone else's")

    response = brand_client.get(QUEUE)

    assert titles(response) == ["Someone else's"]
    assert "My own flyer" not in response.content.decode()


def test_the_queue_is_paginated(brand_client, reviewed_template, emea_rep):
    for number in range(27):
        submit(reviewed_template, emea_rep, title=f"Document {number:02d}", minutes_ago=100 - number)

    first, second = brand_client.get(QUEUE), brand_client.get(QUEUE, {"p": 2})

    assert len(titles(first)) == 25
    assert titles(second) == ["Document 25", "Document 26"]


def test_query_count_does_not_grow_with_the_queue(brand_client, reviewed_template, emea_rep, na_partner):
    submit(reviewed_template, emea_rep, title="One")
    brand_client.get(QUEUE)
    with CaptureQueriesContext(connection) as small:
        brand_client.get(QUEUE)
    for number in range(6):
        owner = emea_rep if number % 2 else na_partner
        submit(make_reviewed_template(title=f"Template {number}"), owner, title=f"More {number}")

    with CaptureQueriesContext(connection) as large:
        response = brand_client.get(QUEUE)

    assert len(titles(response)) == 7
    assert len(large) == len(small)


def test_menu_item_shows_how_much_waits(brand_client, reviewed_template, emea_rep):
    submit(reviewed_template, emea_rep, title="One")
    submit(reviewed_template, emea_rep, title="Two")

    html = brand_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Reviews (2)" in html


def test_menu_item_is_hidden_from_analysts(rf, analyst):
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = analyst

    names = [item.name for item in admin_menu.menu_items_for_request(request)]

    assert "reviews" not in names


def test_dashboard_panel_shows_counts_and_links_to_the_oldest(brand_client, reviewed_template, emea_rep):
    oldest = submit(reviewed_template, emea_rep, title="Waiting longest", minutes_ago=300)
    submit(reviewed_template, emea_rep, title="Just in", minutes_ago=1)

    html = brand_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Waiting for the brand team" in html
    assert "2</strong> documents to review" in html
    assert reverse("approvals_admin:review", args=[oldest.pk]) in html
    assert html.index("Waiting longest") < html.index("Just in")


def test_pending_logos_are_oldest_first_and_exclude_approved_ones(db):
    newer = OrganisationFactory(logo=ImageFactory(), logo_submitted_at=timezone.now())
    older = OrganisationFactory(logo=ImageFactory(), logo_submitted_at=timezone.now() - timedelta(days=2))
    OrganisationFactory(logo=ImageFactory(), is_logo_approved=True)
    OrganisationFactory()

    assert list(pending_logos()) == [older, newer]


def test_pending_uploads_leave_partner_logos_to_the_logo_tab(db, partner_user):
    upload = ImageFactory(review_state=UploadReview.PENDING, uploaded_by_user=partner_user)
    logo = ImageFactory(review_state=UploadReview.PENDING, uploaded_by_user=partner_user)
    OrganisationFactory(logo=logo)
    ImageFactory(review_state=UploadReview.APPROVED)
    ImageFactory()

    assert list(pending_uploads()) == [upload]


def test_counts_are_zero_for_someone_who_does_not_review(analyst, reviewed_template, emea_rep):
    submit(reviewed_template, emea_rep, title="One")
    OrganisationFactory(logo=ImageFactory())

    assert queue_counts(analyst).total == 0
