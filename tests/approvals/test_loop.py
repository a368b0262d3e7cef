import pytest

from approvals.models import BrandReviewTaskState
from approvals.services import Decision, document_create, document_submit, document_update, review_decide
from templates_lib.models import ApprovalState


def test_default_values_are_approved_at_once(reviewed_template, rep):
    document = document_create(template=reviewed_template, owner=rep, values={})

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.APPROVED
    assert document.live_revision_id == document.latest_revision_id


def test_new_text_in_a_reviewed_field_needs_approval(reviewed_template, rep):
    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": "Our own words"})

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.NEEDS_APPROVAL
    assert document.live_revision_id is None


def test_submitted_document_waits_for_review_then_is_approved(reviewed_template, rep, brand_manager):
    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": "Our own words"})

    assert document_submit(document, user=rep, note="For Acme") == ApprovalState.IN_REVIEW
    round_ = BrandReviewTaskState.objects.get(document=document, status="in_progress")
    assert round_.note == "For Acme"
    review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE)

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.APPROVED
    assert document.live_revision_id == document.latest_revision_id


def test_changes_requested_then_resubmitted(reviewed_template, rep, brand_manager):
    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": "Our own words"})
    document_submit(document, user=rep)
    first = BrandReviewTaskState.objects.get(document=document, status="in_progress")
    review_decide(
        task_state_id=first.pk,
        reviewer=brand_manager,
        decision=Decision.REQUEST_CHANGES,
        field_comments={"subheadline": "Shorter please"},
    )
    document.refresh_from_db()
    assert document.approval_state == ApprovalState.CHANGES_REQUESTED

    document_update(document=document, values={"subheadline": "Short words"})
    document.refresh_from_db()
    assert document.approval_state == ApprovalState.CHANGES_REQUESTED
    assert document_submit(document, user=rep) == ApprovalState.IN_REVIEW
    second = BrandReviewTaskState.objects.get(document=document, status="in_progress")
    assert second.pk != first.pk
    assert second.workflow_state_id == first.workflow_state_id
    pytest.importorskip("pypdf")


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
    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": "Our own words"})
    with django_capture_on_commit_callbacks(execute=True):
        document_submit(document, user=rep)
        round_ = BrandReviewTaskState.objects.get(document=document, status="in_progress")
        review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE)

    subjects = [message.subject for message in mailoutbox]
    assert subjects
    assert all(subject.startswith("[Lastmile]") for subject in subjects), subjects


def test_approval_keeps_a_rename_made_while_in_review(reviewed_template, rep, brand_manager):
    from templates_lib.services.documents import document_rename

    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": "Our own words"})
    document_submit(document, user=rep)
    document_rename(document=document, title="Renamed while waiting")
    round_ = BrandReviewTaskState.objects.get(document=document, status="in_progress")
    review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE)

    document.refresh_from_db()
    assert document.title == "Renamed while waiting"


def test_deleting_a_document_in_review_withdraws_it(reviewed_template, rep, brand_manager):
    from approvals.services import ApprovalError, document_delete

    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": "Our own words"})
    document_submit(document, user=rep)
    round_ = BrandReviewTaskState.objects.get(document=document, status="in_progress")

    document_delete(document=document, user=rep)

    round_.refresh_from_db()
    assert round_.status == "cancelled"
    with pytest.raises(ApprovalError):
        review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE)
