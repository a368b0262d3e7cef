"""The brand rules decide, per lock mode, what is approved at once and what needs a person."""

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from approvals.models import BrandReviewTaskState, BrandRulesTaskState
from approvals.rules import Rule, assess_document
from approvals.services import Decision, document_create, document_submit, document_update, promote_wording
from brand.models import UploadReview
from brand.services import user_image_upload
from templates_lib.models import ApprovalState
from tests.factories.approvals import (
    decide,
    document_needing_approval,
    make_document,
    reviewed_fields,
    submit_and_approve,
)
from tests.factories.brand import ImageFactory, collection, png_bytes
from tests.factories.templates_lib import default_fields, make_template


def _state(document) -> str:
    document.refresh_from_db()
    return document.approval_state


def _verdict(document, key):
    return next(v for v in assess_document(document).verdicts if v.key == key)


def test_locked_value_sent_by_a_crafted_request_is_ignored_and_approved(reviewed_template, rep):
    document = document_create(
        template=reviewed_template, owner=rep, values={"headline": "Free lunch"}, check_fit=False
    )

    assert "headline" not in document.values
    assert _state(document) == ApprovalState.APPROVED
    assert _verdict(document, "headline").rule == Rule.LOCKED


def test_other_choice_variant_is_approved_automatically(reviewed_template, rep):
    document = document_create(
        template=reviewed_template, owner=rep, values={"eyebrow": "For partners"}, check_fit=False
    )

    assert _state(document) == ApprovalState.APPROVED
    assert _verdict(document, "eyebrow").rule == Rule.CHOICE


def test_token_is_approved_automatically(reviewed_template, rep):
    document = document_create(template=reviewed_template, owner=rep, values={}, check_fit=False)

    assert _verdict(document, "contact").rule == Rule.TOKEN
    assert _state(document) == ApprovalState.APPROVED


def test_free_text_in_a_field_not_reviewed_is_approved_automatically(reviewed_template, rep):
    document = document_create(
        template=reviewed_template, owner=rep, values={"benefits": "Quicker\nCalmer"}, check_fit=False
    )

    assert _state(document) == ApprovalState.APPROVED
    assert _verdict(document, "benefits").rule == Rule.FREE_TEXT


def test_free_text_in_a_reviewed_field_needs_approval(reviewed_template, rep):
    document = document_create(
        template=reviewed_template, owner=rep, values={"subheadline": "Cheapest in town"}, check_fit=False
    )

    assert _state(document) == ApprovalState.NEEDS_APPROVAL
    verdict = _verdict(document, "subheadline")
    assert (verdict.rule, verdict.needs_review) == (Rule.REVIEWED_TEXT, True)


def test_library_image_is_approved_automatically(brand_kit, rep):
    illustration = ImageFactory(collection=collection("Illustrations"))
    template = make_template(fields=reviewed_fields())
    document = document_create(template=template, owner=rep, values={"side_image": illustration.pk}, check_fit=False)

    assert _state(document) == ApprovalState.APPROVED
    assert _verdict(document, "side_image").rule == Rule.LIBRARY_IMAGE


@pytest.fixture
def upload_template(brand_kit):
    fields = default_fields()
    for spec in fields:
        if spec["key"] == "side_image":
            spec["allow_upload"] = True
    return make_template(title="Uploads allowed", fields=fields)


def _upload(user):
    return user_image_upload(user=user, file=SimpleUploadedFile("mine.png", png_bytes(), content_type="image/png"))


def test_uploaded_image_needs_approval(upload_template, rep):
    upload = _upload(rep)
    document = document_create(template=upload_template, owner=rep, values={"side_image": upload.pk}, check_fit=False)

    assert upload.review_state == UploadReview.PENDING
    assert _state(document) == ApprovalState.NEEDS_APPROVAL
    assert _verdict(document, "side_image").rule == Rule.UPLOADED_IMAGE


def test_approving_a_document_approves_its_upload_for_the_next_document(upload_template, rep, brand_manager):
    upload = _upload(rep)
    first = make_document(upload_template, rep, values={"side_image": upload.pk})
    submit_and_approve(first, brand_manager)

    upload.refresh_from_db()
    second = document_create(template=upload_template, owner=rep, values={"side_image": upload.pk}, check_fit=False)

    assert upload.review_state == UploadReview.APPROVED
    assert _state(second) == ApprovalState.APPROVED
    assert _verdict(second, "side_image").rule == Rule.APPROVED_UPLOAD


@pytest.fixture
def cobranded_template(brand_kit):
    fields = default_fields()
    fields.append(
        {
            "key": "partner_logo",
            "label": "Partner logo",
            "slot": "partner_logo",
            "lock_mode": "token",
            "token_source": "organisation.logo",
        }
    )
    return make_template(title="Co-branded", fields=fields)


def test_partner_logo_not_yet_approved_makes_the_document_need_approval(cobranded_template, manager):
    from accounts.services import organisation_logo_upload

    organisation_logo_upload(manager=manager, file=SimpleUploadedFile("logo.png", png_bytes(), "image/png"))
    document = document_create(template=cobranded_template, owner=manager, values={}, check_fit=False)

    assert _state(document) == ApprovalState.NEEDS_APPROVAL
    assert _verdict(document, "partner_logo").rule == Rule.PARTNER_LOGO


def test_approving_the_document_approves_the_partner_logo(cobranded_template, manager, brand_manager):
    from accounts.services import organisation_logo_upload

    organisation_logo_upload(manager=manager, file=SimpleUploadedFile("logo.png", png_bytes(), "image/png"))
    document = make_document(cobranded_template, manager)
    submit_and_approve(document, brand_manager)

    manager.organisation.refresh_from_db()
    assert manager.organisation.is_logo_approved


def test_partner_without_logo_is_approved_automatically(cobranded_template, partner_user):
    document = document_create(template=cobranded_template, owner=partner_user, values={}, check_fit=False)

    assert _state(document) == ApprovalState.APPROVED


def test_automatic_approval_names_the_rules_that_allowed_it(reviewed_template, rep):
    document = document_create(
        template=reviewed_template, owner=rep, values={"eyebrow": "For partners"}, check_fit=False
    )

    rules_state = BrandRulesTaskState.objects.get(document=document)
    assert Rule.CHOICE in rules_state.assessment["rules"]
    assert Rule.LOCKED in rules_state.assessment["rules"]
    assert "Approved automatically" in rules_state.comment
    review_state = BrandReviewTaskState.objects.get(document=document)
    assert review_state.automatic


# Approval is of content, not of a row.


def test_edit_after_approval_of_an_unreviewed_field_stays_approved(reviewed_template, rep, brand_manager):
    document = document_needing_approval(reviewed_template, rep, text="Our words")
    submit_and_approve(document, brand_manager)

    document_update(document=document, values={"subheadline": "Our words", "benefits": "One\nTwo"}, check_fit=False)

    assert _state(document) == ApprovalState.APPROVED
    assert _verdict(document, "subheadline").rule == Rule.APPROVED_BEFORE


def test_edit_after_approval_of_a_reviewed_field_needs_approval_again(reviewed_template, rep, brand_manager):
    document = document_needing_approval(reviewed_template, rep, text="Our words")
    submit_and_approve(document, brand_manager)

    document_update(document=document, values={"subheadline": "Other words"}, check_fit=False)

    assert _state(document) == ApprovalState.NEEDS_APPROVAL


def test_the_approved_revision_stays_the_live_one_while_an_edit_waits(reviewed_template, rep, brand_manager):
    document = document_needing_approval(reviewed_template, rep, text="Our words")
    submit_and_approve(document, brand_manager)
    document.refresh_from_db()
    approved_revision = document.live_revision_id

    document_update(document=document, values={"subheadline": "Other words"}, check_fit=False)

    document.refresh_from_db()
    assert document.live_revision_id == approved_revision
    assert document.latest_revision_id != approved_revision


# Promote to pre-approved.


def test_promoted_wording_is_approved_automatically_for_the_next_document(reviewed_template, rep, brand_manager):
    first = document_needing_approval(reviewed_template, rep, text="Trusted by 500 teams")
    submit_and_approve(first, brand_manager)
    first.refresh_from_db()

    promote_wording(document=first, field_key="subheadline", reviewer=brand_manager)
    reviewed_template.refresh_from_db()
    second = document_create(
        template=reviewed_template, owner=rep, values={"subheadline": "Trusted by 500 teams"}, check_fit=False
    )

    assert second.template_revision_id == reviewed_template.live_revision_id
    assert _state(second) == ApprovalState.APPROVED
    assert _verdict(second, "subheadline").rule == Rule.PROMOTED_WORDING


def test_promotion_helps_documents_pinned_to_the_older_revision(reviewed_template, rep, brand_manager):
    waiting = document_needing_approval(reviewed_template, rep, text="Trusted by 500 teams")
    first = document_needing_approval(reviewed_template, rep, text="Trusted by 500 teams")
    submit_and_approve(first, brand_manager)
    first.refresh_from_db()
    promote_wording(document=first, field_key="subheadline", reviewer=brand_manager)

    assert document_submit(waiting, user=rep) == ApprovalState.APPROVED


def test_unapproved_text_cannot_be_promoted(reviewed_template, rep, brand_manager):
    from approvals.services import ApprovalError

    document = document_needing_approval(reviewed_template, rep, text="Not yet")

    with pytest.raises(ApprovalError):
        promote_wording(document=document, field_key="subheadline", reviewer=brand_manager)


def test_approving_a_document_leaves_a_logo_replaced_after_submission_unreviewed(
    cobranded_template, manager, brand_manager
):
    from accounts.services import organisation_logo_upload

    organisation_logo_upload(manager=manager, file=SimpleUploadedFile("a.png", png_bytes(), "image/png"))
    document = make_document(cobranded_template, manager)
    document_submit(document, user=manager)
    organisation_logo_upload(manager=manager, file=SimpleUploadedFile("b.png", png_bytes(), "image/png"))

    decide(document, brand_manager, Decision.APPROVE)

    manager.organisation.refresh_from_db()
    assert not manager.organisation.is_logo_approved
