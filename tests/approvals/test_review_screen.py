from django.contrib.messages import get_messages
from django.urls import reverse

from wagtail.models import TaskState

import pytest

from accounts.roles import Role
from approvals.models import BrandReviewTaskState, FieldComment, ReviewOutcome
from approvals.services import Decision, document_create, document_submit, document_update, review_decide
from templates_lib.models import ApprovalState, CollateralTemplate
from tests.factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from tests.factories.approvals import make_document, pending_round, round_in_review
from tests.refusals import assert_admin_refused

WORDS = "Forecasts your board will trust"


def submit(template, owner, text: str = WORDS, note: str = "") -> BrandReviewTaskState:
    return round_in_review(template, owner, text=text, title="Acme pitch", note=note)


def screen(round_) -> str:
    return reverse("approvals_admin:review", args=[round_.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def round_(reviewed_template, rep):
    return submit(reviewed_template, rep, note="For the Acme pitch on Friday")


@pytest.fixture
def second_reviewer(roles):
    user = UserFactory(username="brand2", first_name="Bo", last_name="Second")
    user.groups.add(roles[Role.BRAND_MANAGER])
    return user


# --- What the screen shows ------------------------------------------------------------------


def test_screen_shows_requester_note_template_and_the_field_that_needs_review(brand_client, round_):
    response = brand_client.get(screen(round_))

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Acme pitch", "Dana Whitfield", "For the Acme pitch on Friday", "Reviewed one-pager", "Subheadline"):
        assert text in html
    assert "New text in a field the brand team reviews" in html
    assert [field.key for field in response.context["fields_to_review"]] == ["subheadline"]


def test_text_changes_show_as_a_word_diff_against_the_template_default(brand_client, round_):
    response = brand_client.get(screen(round_))

    subheadline = next(f for f in response.context["fields"] if f.key == "subheadline")
    assert subheadline.changed
    assert str(subheadline.diff) == (
        "Forecasts <del>you</del><ins>your</ins> <del>can</del><ins>board</ins> <del>defend.</del><ins>will trust</ins>"
    )
    assert str(subheadline.diff) in response.content.decode()


def test_word_diff_escapes_markup_on_both_sides():
    from approvals.diffs import formatted_diff

    assert str(formatted_diff("a <b> & c", "a <i> & c", rich=False)) == "a &lt;<del>b</del><ins>i</ins>&gt; &amp; c"


def test_every_piece_of_the_diff_is_escaped(brand_client, reviewed_template, rep):
    round_ = submit(reviewed_template, rep, text="<script>alert(1)</script> & more")

    html = brand_client.get(screen(round_)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert" in html


def test_each_field_shows_its_constraints(brand_client, round_):
    html = brand_client.get(screen(round_)).content.decode()

    assert "Up to 80 characters" in html
    assert "Up to 1 line" in html
    assert "Reviewed by the brand team" in html
    assert "Formatting: Bold" in html


def test_the_preview_is_the_submitted_revision_as_page_images(brand_client, round_):
    response = brand_client.get(screen(round_))
    page = brand_client.get(response.context["pages"][0])

    assert page.status_code == 200
    assert page["Content-Type"] == "image/png"
    assert page.content.startswith(b"\x89PNG")


def test_the_draft_pdf_is_watermarked(brand_client, round_):
    pypdf = pytest.importorskip("pypdf")
    import io

    response = brand_client.get(reverse("approvals_admin:review-pdf", args=[round_.pk]))

    text = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "DRAFT" in text


def test_earlier_rounds_are_shown_with_outcome_reviewer_and_field_comments(brand_client, brand_manager, round_, rep):
    review_decide(
        task_state_id=round_.pk,
        reviewer=brand_manager,
        decision=Decision.REQUEST_CHANGES,
        comment="Nearly there",
        field_comments={"subheadline": "Say forecasts you can defend"},
    )
    document = round_.document
    document_update(document=document, values={"subheadline": "Forecasts our board trusts"}, check_fit=False)
    document_submit(document, user=rep)
    second = pending_round(document)

    html = brand_client.get(screen(second)).content.decode()

    assert "Earlier rounds of this document" in html
    assert "Changes requested" in html
    assert "Nearly there" in html
    assert "Say forecasts you can defend" in html


# --- Decisions ------------------------------------------------------------------------------


def test_approving_approves_the_document(brand_client, round_):
    response = brand_client.post(screen(round_), {"decision": "approve", "comment": "Good to go"})

    assert response.status_code == 302
    assert response.url == reverse("approvals_admin:queue")
    round_.refresh_from_db()
    round_.document.refresh_from_db()
    assert round_.outcome == ReviewOutcome.APPROVED
    assert round_.document.approval_state == ApprovalState.APPROVED
    assert round_.document.live_revision_id == round_.document.latest_revision_id


def test_requesting_changes_records_comments_per_field(brand_client, round_):
    brand_client.post(
        screen(round_),
        {"decision": "request_changes", "comment": "Two things", "field-subheadline": "Too bold a claim"},
    )

    round_.document.refresh_from_db()
    assert round_.document.approval_state == ApprovalState.CHANGES_REQUESTED
    comments = list(FieldComment.objects.filter(task_state=round_).values_list("field_key", "field_label", "text"))
    assert comments == [("subheadline", "Subheadline", "Too bold a claim")]


def test_rejecting_with_a_reason_rejects_the_document(brand_client, round_):
    brand_client.post(screen(round_), {"decision": "reject", "comment": "We do not make this claim"})

    round_.refresh_from_db()
    round_.document.refresh_from_db()
    assert round_.outcome == ReviewOutcome.REJECTED
    assert round_.comment == "We do not make this claim"
    assert round_.document.approval_state == ApprovalState.REJECTED


def test_rejecting_without_a_reason_keeps_what_the_reviewer_typed(brand_client, round_):
    response = brand_client.post(
        screen(round_), {"decision": "reject", "comment": "  ", "field-subheadline": "My careful note"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Give a reason for rejecting" in html
    assert "My careful note" in html
    round_.refresh_from_db()
    assert round_.status == TaskState.STATUS_IN_PROGRESS
    assert not FieldComment.objects.exists()


def test_requesting_changes_without_any_comment_is_refused(brand_client, round_):
    response = brand_client.post(screen(round_), {"decision": "request_changes"})

    assert response.status_code == 422
    round_.refresh_from_db()
    assert round_.status == TaskState.STATUS_IN_PROGRESS


def test_a_post_without_a_decision_is_refused(brand_client, round_):
    response = brand_client.post(screen(round_), {"comment": "Hmm"})

    assert response.status_code == 422
    round_.refresh_from_db()
    assert round_.status == TaskState.STATUS_IN_PROGRESS


def test_a_second_decision_on_the_same_round_is_refused_and_nothing_is_doubled(
    brand_client, client, second_reviewer, round_
):
    brand_client.post(screen(round_), {"decision": "request_changes", "field-subheadline": "Shorter"})
    client.force_login(second_reviewer)

    response = client.post(screen(round_), {"decision": "approve"})

    assert response.status_code == 302
    assert response.url == screen(round_)
    assert any("already decided" in message and "not recorded" in message for message in messages_of(response))
    round_.refresh_from_db()
    round_.document.refresh_from_db()
    assert round_.outcome == ReviewOutcome.CHANGES_REQUESTED
    assert round_.document.approval_state == ApprovalState.CHANGES_REQUESTED
    assert FieldComment.objects.filter(task_state=round_).count() == 1
    assert BrandReviewTaskState.objects.filter(document=round_.document).count() == 1


def test_a_decided_round_shows_read_only_with_its_outcome(brand_client, brand_manager, round_):
    review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.REJECT, comment="Off brand")

    response = brand_client.get(screen(round_))

    html = response.content.decode()
    assert response.context["form"] is None
    assert 'name="decision"' not in html
    assert "Rejected" in html
    assert "Off brand" in html


# --- Who may review -------------------------------------------------------------------------


@pytest.fixture
def na_round(reviewed_template, roles):
    organisation = OrganisationFactory(name="Harbourline Resellers", region=RegionFactory(name="NA", code="na"))
    partner = partner_member(organisation, username="na-partner")
    partner.groups.add(roles[Role.PARTNER_USER])
    return submit(reviewed_template, partner)


@pytest.fixture
def emea_client(client, roles):
    reviewer = UserFactory(username="emea-brand")
    reviewer.groups.add(roles[Role.BRAND_MANAGER])
    reviewer.review_regions.add(RegionFactory(name="EMEA", code="emea"))
    client.force_login(reviewer)
    return client


def test_a_region_limited_reviewer_cannot_open_another_regions_review(emea_client, na_round):
    assert emea_client.get(screen(na_round)).status_code == 404
    assert emea_client.get(reverse("approvals_admin:review-page", args=[na_round.pk, 1])).status_code == 404


def test_a_region_limited_reviewer_cannot_decide_another_regions_review(emea_client, na_round):
    response = emea_client.post(screen(na_round), {"decision": "approve"})

    assert response.status_code == 404
    na_round.refresh_from_db()
    assert na_round.status == TaskState.STATUS_IN_PROGRESS


@pytest.mark.parametrize("who", ["rep", "analyst"])
def test_people_outside_the_brand_team_cannot_decide(who, request, client, round_):
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.post(screen(round_), {"decision": "approve"})

    assert_admin_refused(response, user)
    round_.refresh_from_db()
    assert round_.status == TaskState.STATUS_IN_PROGRESS


def test_an_analyst_cannot_see_the_preview(client, analyst, round_):
    client.force_login(analyst)

    response = client.get(reverse("approvals_admin:review-page", args=[round_.pk, 1]))

    assert_admin_refused(response, analyst)


# --- Promote to pre-approved ----------------------------------------------------------------


def test_an_approved_round_offers_to_promote_the_reviewed_wording(brand_client, brand_manager, round_):
    review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE)

    html = brand_client.get(screen(round_)).content.decode()

    assert "Add as pre-approved wording" in html


def test_an_open_round_offers_no_promotion(brand_client, round_):
    html = brand_client.get(screen(round_)).content.decode()

    assert "Add as pre-approved wording" not in html


def test_promoting_adds_the_wording_to_the_template_field(brand_client, brand_manager, round_, rep):
    review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE)

    response = brand_client.post(reverse("approvals_admin:promote", args=[round_.pk]), {"field": "subheadline"})

    assert response.status_code == 302
    assert any("now pre-approved" in message for message in messages_of(response))
    template = CollateralTemplate.objects.get(pk=round_.document.template_id)
    field = next(f for f in template.live_revision.as_object().fields.all() if f.key == "subheadline")
    assert WORDS in field.variant_list
    again = document_create(template=template, owner=rep, values={"subheadline": WORDS}, check_fit=False)
    again.refresh_from_db()
    assert again.approval_state == ApprovalState.APPROVED


def test_promoting_an_unapproved_wording_is_refused_with_a_message(brand_client, round_):
    response = brand_client.post(reverse("approvals_admin:promote", args=[round_.pk]), {"field": "subheadline"})

    assert response.status_code == 302
    assert any("Only approved text can be promoted" in message for message in messages_of(response))
    template = CollateralTemplate.objects.get(pk=round_.document.template_id)
    field = next(f for f in template.live_revision.as_object().fields.all() if f.key == "subheadline")
    assert WORDS not in field.variant_list


def test_a_changed_link_address_is_visible_on_the_review_screen(brand_client, brand_kit, rep):
    from tests.factories.templates_lib import default_fields, make_template

    fields = default_fields()
    for spec in fields:
        if spec["key"] == "body":
            spec.update(
                needs_review=True, allow_links=True, default_text='<p>Book <a href="https://example.com/">here</a>.</p>'
            )
    template = make_template(title="Linked one-pager", fields=fields)
    document = make_document(
        template, rep, values={"body": '<p>Book <a href="https://evil.example/phish">here</a>.</p>'}
    )
    document_submit(document, user=rep)
    round_ = pending_round(document)

    response = brand_client.get(screen(round_))

    review = next(field for field in response.context["fields_to_review"] if field.key == "body")
    assert review.changed
    assert '<ins><span class="lm-href">evil.</span></ins>' in str(review.diff)
    assert '<ins><span class="lm-href">phish</span></ins>' in str(review.diff)


# --- The requester's own submission ------------------------------------------------------------


@pytest.fixture
def own_round(reviewed_template, brand_manager):
    return submit(reviewed_template, brand_manager)


def test_a_reviewers_own_submission_shows_read_only(brand_client, own_round):
    response = brand_client.get(screen(own_round))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"] is None
    assert 'name="decision"' not in html
    assert "another brand manager decides it" in html


def test_a_crafted_decision_on_the_reviewers_own_submission_is_refused(brand_client, own_round):
    response = brand_client.post(screen(own_round), {"decision": "approve"})

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    own_round.refresh_from_db()
    own_round.document.refresh_from_db()
    assert own_round.status == TaskState.STATUS_IN_PROGRESS
    assert own_round.document.approval_state == ApprovalState.IN_REVIEW


def test_another_reviewer_decides_the_submission(client, second_reviewer, own_round):
    client.force_login(second_reviewer)

    response = client.post(screen(own_round), {"decision": "approve"})

    assert response.status_code == 302
    own_round.document.refresh_from_db()
    assert own_round.document.approval_state == ApprovalState.APPROVED


def test_an_incomplete_decision_on_the_reviewers_own_submission_shows_no_decision_form(brand_client, own_round):
    response = brand_client.post(screen(own_round), {"decision": ""})

    assert 'name="decision"' not in response.content.decode()
    own_round.refresh_from_db()
    assert own_round.status == TaskState.STATUS_IN_PROGRESS


def test_a_reviewers_own_approved_submission_offers_no_promotion(brand_client, second_reviewer, own_round):
    review_decide(task_state_id=own_round.pk, reviewer=second_reviewer, decision=Decision.APPROVE)

    response = brand_client.get(screen(own_round))

    assert response.status_code == 200
    assert reverse("approvals_admin:promote", args=[own_round.pk]) not in response.content.decode()
