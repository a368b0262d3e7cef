"""Nominating a document as a candidate template: who may nominate what, the draft template the
brand team makes from it (defaults, definitions, credit, never live), declining and withdrawing."""

from django.core.exceptions import PermissionDenied

import pytest

from approvals.models import Notification, NotificationKind
from approvals.services import document_update
from brand.models import UploadReview
from feedback.models import REQUEST_TEXT_MAX_CHARS, NominationStatus, TemplateNomination
from feedback.services.nominations import (
    NominationError,
    nomination_convert,
    nomination_create,
    nomination_decline,
    nomination_withdraw,
)
from templates_lib.models import CollateralTemplate
from templates_lib.services.publishing import template_publish_problems

from ..factories.accounts import UserFactory
from ..factories.approvals import document_needing_approval, make_document, submit_and_approve
from ..factories.brand import ImageFactory, collection
from ..factories.feedback import make_nomination
from ..factories.templates_lib import changed_fields, make_template

OWN_SUBHEADLINE = "Renewals our way."
OWN_BODY = "<p>We cut <strong>churn</strong> in half.</p>"


@pytest.fixture
def side_image(db):
    return ImageFactory(collection=collection("Illustrations"))


@pytest.fixture
def approved_document(onepager, rep, side_image):
    return make_document(
        onepager,
        rep,
        title="Northern renewals",
        values={
            "eyebrow": "For partners",
            "subheadline": OWN_SUBHEADLINE,
            "body": OWN_BODY,
            "benefits": "Quicker\nCheaper",
            "side_image": side_image.pk,
        },
    )


@pytest.fixture
def nomination(approved_document):
    return make_nomination(approved_document)


def defaults_by_key(template: CollateralTemplate) -> dict:
    return {tf.key: (tf.default_text, tf.default_image_id) for tf in template.latest_revision.as_object().field_list()}


def test_owner_nominates_an_approved_document_with_a_reason(approved_document, rep):
    nomination = nomination_create(document=approved_document, user=rep, reason="  Won three renewals.  ")

    nomination.refresh_from_db()
    assert (nomination.status, nomination.nominated_by, nomination.reason) == (
        NominationStatus.PENDING,
        rep,
        "Won three renewals.",
    )


def test_someone_else_cannot_nominate_the_document(approved_document, roles):
    colleague = UserFactory()

    with pytest.raises(PermissionDenied):
        nomination_create(document=approved_document, user=colleague, reason="")

    assert not TemplateNomination.objects.exists()


def test_a_document_that_is_not_approved_cannot_be_nominated(reviewed_template, rep):
    document = document_needing_approval(reviewed_template, rep)

    with pytest.raises(NominationError, match="Only approved documents"):
        nomination_create(document=document, user=rep, reason="")

    assert not TemplateNomination.objects.exists()


def test_a_document_is_nominated_once(nomination, approved_document, rep):
    with pytest.raises(NominationError, match="already been nominated"):
        nomination_create(document=approved_document, user=rep, reason="Again")

    assert TemplateNomination.objects.count() == 1


def test_an_overlong_reason_is_refused(approved_document, rep):
    with pytest.raises(NominationError, match=str(REQUEST_TEXT_MAX_CHARS)):
        nomination_create(document=approved_document, user=rep, reason="x" * (REQUEST_TEXT_MAX_CHARS + 1))

    assert not TemplateNomination.objects.exists()


def test_conversion_makes_a_draft_template_that_is_not_live(nomination, brand_manager):
    result = nomination_convert(nomination=nomination, user=brand_manager)

    draft = CollateralTemplate.objects.get(pk=result.template.pk)
    assert draft.live is False
    assert draft.live_revision_id is None
    assert draft.latest_revision_id is not None
    assert draft.title == "Northern renewals (from Dana Whitfield)"


def test_the_drafts_defaults_are_the_documents_values(nomination, brand_manager, side_image):
    result = nomination_convert(nomination=nomination, user=brand_manager)

    defaults = defaults_by_key(result.template)
    assert defaults["eyebrow"][0] == "For partners"  # choice
    assert defaults["subheadline"][0] == OWN_SUBHEADLINE  # text
    assert defaults["body"][0] == OWN_BODY  # rich text
    assert defaults["benefits"][0] == "Quicker\nCheaper"  # bullets
    assert defaults["side_image"][1] == side_image.pk  # image


def test_the_draft_keeps_the_source_templates_definitions(nomination, brand_manager, onepager):
    result = nomination_convert(nomination=nomination, user=brand_manager)

    draft = result.template.latest_revision.as_object()
    source = onepager.live_revision.as_object()

    def definition(tf):
        return (tf.key, tf.label, tf.slot, tf.lock_mode, tf.max_chars, tf.max_lines, tf.variants, tf.collection_id)

    assert [definition(tf) for tf in draft.field_list()] == [definition(tf) for tf in source.field_list()]
    assert (draft.layout, draft.page_size, draft.orientation) == (source.layout, source.page_size, source.orientation)
    assert defaults_by_key(result.template)["headline"] == (source.field_list()[0].default_text, None)


def test_the_draft_passes_the_publishing_gate(nomination, brand_manager):
    result = nomination_convert(nomination=nomination, user=brand_manager)

    assert template_publish_problems(template=result.template.latest_revision.as_object()) == {}


def test_the_author_is_credited_on_the_nomination_and_the_draft(nomination, brand_manager, rep):
    result = nomination_convert(nomination=nomination, user=brand_manager)

    nomination.refresh_from_db()
    assert (nomination.status, nomination.draft_template, nomination.decided_by) == (
        NominationStatus.CONVERTED,
        result.template,
        brand_manager,
    )
    assert nomination.decided_at is not None
    assert "Nominated by Dana Whitfield from their document “Northern renewals”." in result.template.description


def test_the_author_is_notified_of_the_conversion(nomination, brand_manager, rep):
    nomination_convert(nomination=nomination, user=brand_manager)

    notification = Notification.objects.get(recipient=rep)
    assert notification.kind == NotificationKind.NOMINATION
    assert "becoming a corporate template" in notification.title


def test_the_draft_is_made_from_the_approved_content_not_later_edits(reviewed_template, rep, brand_manager):
    document = document_needing_approval(reviewed_template, rep, text="Approved words")
    submit_and_approve(document, brand_manager)
    nomination = make_nomination(document)
    document_update(document=document, values={"subheadline": "Unreviewed words"}, check_fit=False)

    result = nomination_convert(nomination=nomination, user=brand_manager)

    assert defaults_by_key(result.template)["subheadline"][0] == "Approved words"


def test_a_private_upload_is_not_made_a_templates_default(brand_kit, rep, brand_manager):
    illustrations = collection("Illustrations")
    library_image = ImageFactory(collection=illustrations)
    template = make_template(
        fields=changed_fields({"side_image": {"allow_upload": True, "default_image": library_image}})
    )
    upload = ImageFactory(collection=illustrations, uploaded_by_user=rep, review_state=UploadReview.APPROVED)
    document = make_document(template, rep, values={"side_image": upload.pk})
    if not document.is_approved:
        submit_and_approve(document, brand_manager)
    nomination = make_nomination(document)

    result = nomination_convert(nomination=nomination, user=brand_manager)

    assert defaults_by_key(result.template)["side_image"][1] == library_image.pk
    assert result.kept_defaults == ["Side image"]


@pytest.mark.parametrize("who", ["rep", "partner_user", "analyst"])
def test_only_the_brand_team_converts(nomination, who, request):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        nomination_convert(nomination=nomination, user=user)

    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.PENDING
    assert CollateralTemplate.objects.count() == 1


def test_a_decided_nomination_is_not_converted_again(nomination, brand_manager):
    nomination_convert(nomination=nomination, user=brand_manager)

    with pytest.raises(NominationError, match="already decided"):
        nomination_convert(nomination=nomination, user=brand_manager)

    assert CollateralTemplate.objects.count() == 2


def test_declining_records_the_reason_and_notifies_the_author(nomination, brand_manager, rep):
    nomination_decline(nomination=nomination, user=brand_manager, reason="Too close to the Q3 flyer.")

    nomination.refresh_from_db()
    assert (nomination.status, nomination.decision_reason, nomination.decided_by) == (
        NominationStatus.DECLINED,
        "Too close to the Q3 flyer.",
        brand_manager,
    )
    notification = Notification.objects.get(recipient=rep)
    assert (notification.kind, notification.body) == (NotificationKind.NOMINATION, "Too close to the Q3 flyer.")


def test_declining_needs_a_reason(nomination, brand_manager):
    with pytest.raises(NominationError, match="Say why"):
        nomination_decline(nomination=nomination, user=brand_manager, reason="   ")

    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.PENDING
    assert not Notification.objects.exists()


def test_a_rep_cannot_decline(nomination, rep):
    with pytest.raises(PermissionDenied):
        nomination_decline(nomination=nomination, user=rep, reason="No")

    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.PENDING


def test_the_author_withdraws_a_pending_nomination(nomination, rep):
    nomination_withdraw(nomination=nomination, user=rep)

    assert not TemplateNomination.objects.exists()


def test_only_the_author_withdraws(nomination, brand_manager):
    with pytest.raises(PermissionDenied):
        nomination_withdraw(nomination=nomination, user=brand_manager)

    assert TemplateNomination.objects.exists()


def test_a_decided_nomination_cannot_be_withdrawn(nomination, brand_manager, rep):
    nomination_decline(nomination=nomination, user=brand_manager, reason="Not now.")

    with pytest.raises(NominationError, match="already decided"):
        nomination_withdraw(nomination=nomination, user=rep)

    assert TemplateNomination.objects.filter(status=NominationStatus.DECLINED).exists()


def test_a_partners_document_may_be_nominated(onepager, partner_user, brand_manager):
    document = make_document(onepager, partner_user, title="Partner flyer")

    nomination = nomination_create(document=document, user=partner_user, reason="")
    result = nomination_convert(nomination=nomination, user=brand_manager)

    assert "Brightpath Partners" in result.template.description
