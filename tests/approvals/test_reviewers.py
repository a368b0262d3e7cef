"""Who may decide a round of review: brand reviewers, in their regions, never on their own
submission unless LASTMILE_ALLOW_SELF_REVIEW (one-person brand teams) says so, and then on the
record."""

from django.core.exceptions import PermissionDenied

from wagtail.models import ModelLogEntry, TaskState

import pytest

from accounts.roles import Role
from approvals.models import BrandReviewTaskState
from approvals.reviewers import can_review
from approvals.selectors import queue_counts, review_queue
from approvals.services import Decision, document_create, document_submit, review_decide
from templates_lib.models import ApprovalState
from tests.factories.accounts import UserFactory


def submit(template, owner) -> BrandReviewTaskState:
    document = document_create(template=template, owner=owner, values={"subheadline": "My words"}, title="Own pitch")
    document_submit(document, user=owner)
    return BrandReviewTaskState.objects.get(document=document, status=TaskState.STATUS_IN_PROGRESS)


@pytest.fixture
def own_round(reviewed_template, brand_manager):
    return submit(reviewed_template, brand_manager)


@pytest.fixture
def colleague(roles):
    user = UserFactory(username="brand2", first_name="Bo", last_name="Second")
    user.groups.add(roles[Role.BRAND_MANAGER])
    return user


def test_a_reviewer_cannot_review_their_own_document(brand_manager, own_round):
    assert not can_review(brand_manager, own_round.document)


def test_another_reviewer_can_review_it(colleague, own_round):
    assert can_review(colleague, own_round.document)


def test_a_reviewer_cannot_decide_their_own_round(brand_manager, own_round):
    with pytest.raises(PermissionDenied):
        review_decide(task_state_id=own_round.pk, reviewer=brand_manager, decision=Decision.APPROVE)

    own_round.refresh_from_db()
    own_round.document.refresh_from_db()
    assert own_round.status == TaskState.STATUS_IN_PROGRESS
    assert own_round.document.approval_state == ApprovalState.IN_REVIEW
    assert not ModelLogEntry.objects.filter(action="lastmile.document.approved").exists()


def test_an_administrator_cannot_decide_their_own_round_either(reviewed_template, roles):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    own = submit(reviewed_template, admin)

    with pytest.raises(PermissionDenied):
        review_decide(task_state_id=own.pk, reviewer=admin, decision=Decision.APPROVE)

    own.refresh_from_db()
    assert own.status == TaskState.STATUS_IN_PROGRESS


def test_the_own_round_is_left_out_of_the_reviewers_queue_and_counts(brand_manager, colleague, own_round):
    assert list(review_queue(brand_manager)) == []
    assert queue_counts(brand_manager).documents == 0
    assert list(review_queue(colleague)) == [own_round]


def test_self_review_allowed_by_the_setting_is_decided_and_audited(settings, brand_manager, own_round):
    settings.LASTMILE_ALLOW_SELF_REVIEW = True
    assert list(review_queue(brand_manager)) == [own_round]

    review_decide(task_state_id=own_round.pk, reviewer=brand_manager, decision=Decision.APPROVE)

    own_round.document.refresh_from_db()
    assert own_round.document.approval_state == ApprovalState.APPROVED
    entry = ModelLogEntry.objects.get(action="lastmile.document.self_reviewed")
    assert entry.user_id == brand_manager.pk
    assert entry.object_id == str(own_round.document.pk)
    assert entry.data["decision"] == Decision.APPROVE


def test_a_decision_on_someone_elses_round_is_not_recorded_as_self_review(settings, colleague, own_round):
    settings.LASTMILE_ALLOW_SELF_REVIEW = True

    review_decide(task_state_id=own_round.pk, reviewer=colleague, decision=Decision.APPROVE)

    assert not ModelLogEntry.objects.filter(action="lastmile.document.self_reviewed").exists()
