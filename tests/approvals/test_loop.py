import pytest

from approvals.services import Decision, document_create, document_submit, document_update, review_decide
from templates_lib.models import ApprovalState
from tests.factories.approvals import OWN_WORDS, decide, document_in_review, document_needing_approval, pending_round


def test_default_values_are_approved_at_once(reviewed_template, rep):
    document = document_create(template=reviewed_template, owner=rep, values={}, check_fit=False)

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.APPROVED
    assert document.live_revision_id == document.latest_revision_id


def test_new_text_in_a_reviewed_field_needs_approval(reviewed_template, rep):
    document = document_create(
        template=reviewed_template, owner=rep, values={"subheadline": OWN_WORDS}, check_fit=False
    )

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.NEEDS_APPROVAL
    assert document.live_revision_id is None


def test_submitted_document_waits_for_review_then_is_approved(reviewed_template, rep, brand_manager):
    document = document_needing_approval(reviewed_template, rep)

    assert document_submit(document, user=rep, note="For Acme") == ApprovalState.IN_REVIEW
    round_ = pending_round(document)
    assert round_.note == "For Acme"
    review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE)

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.APPROVED
    assert document.live_revision_id == document.latest_revision_id


def test_changes_requested_then_resubmitted(reviewed_template, rep, brand_manager):
    document = document_in_review(reviewed_template, rep)
    first = decide(document, brand_manager, Decision.REQUEST_CHANGES, field_comments={"subheadline": "Shorter please"})
    assert document.approval_state == ApprovalState.CHANGES_REQUESTED

    document_update(document=document, values={"subheadline": "Short words"}, check_fit=False)
    document.refresh_from_db()
    assert document.approval_state == ApprovalState.CHANGES_REQUESTED
    assert document_submit(document, user=rep) == ApprovalState.IN_REVIEW

    second = pending_round(document)
    assert second.pk != first.pk
    assert second.workflow_state_id == first.workflow_state_id


def test_workflow_survives_losing_its_assignment_in_wagtails_workflow_editor(reviewed_template, rep):
    from wagtail.models import Workflow, WorkflowContentType

    from approvals.workflow import document_workflow

    workflow = document_workflow()
    WorkflowContentType.objects.filter(workflow=workflow).delete()

    assert document_workflow() == workflow
    assert Workflow.objects.filter(name=workflow.name).count() == 1


def test_wagtails_own_workflow_emails_are_not_sent_for_documents(
    reviewed_template, rep, brand_manager, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories.accounts import UserFactory

    UserFactory(is_superuser=True, is_staff=True, email="root@example.com")
    document = document_needing_approval(reviewed_template, rep)
    with django_capture_on_commit_callbacks(execute=True):
        document_submit(document, user=rep)
        decide(document, brand_manager, Decision.APPROVE)

    sent = {(message.subject, tuple(message.to)) for message in mailoutbox}
    assert len(mailoutbox) == 2
    assert sent == {
        (f"[Lastmile] {rep.get_full_name()} submitted “{document.title}” for review", (brand_manager.email,)),
        (f"[Lastmile] “{document.title}” is approved", (rep.email,)),
    }


def test_approval_keeps_a_rename_made_while_in_review(reviewed_template, rep, brand_manager):
    from templates_lib.services.documents import document_rename

    document = document_in_review(reviewed_template, rep)
    document_rename(document=document, title="Renamed while waiting")

    decide(document, brand_manager, Decision.APPROVE)

    document.refresh_from_db()
    assert document.title == "Renamed while waiting"


def test_deleting_a_document_in_review_withdraws_it(reviewed_template, rep, brand_manager):
    from approvals.services import ApprovalError, document_delete

    document = document_in_review(reviewed_template, rep)
    round_ = pending_round(document)

    document_delete(document=document, user=rep)

    round_.refresh_from_db()
    assert round_.status == "cancelled"
    with pytest.raises(ApprovalError):
        review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE)
