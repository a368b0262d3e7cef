"""Two brand managers deciding the same submission at the same moment: exactly one decision is
recorded, the other is told. Needs PostgreSQL's row locks (`select_for_update`); SQLite's shared
in-memory test database has none, so the test runs in the PostgreSQL pass of .ci/run."""

import threading

from django.db import connection

from wagtail.models import ModelLogEntry

import pytest

from accounts.roles import Role
from approvals.models import FieldComment, Notification, ReviewOutcome
from approvals.services import Decision, DecisionConflict, review_decide
from templates_lib.models import ApprovalState
from tests.factories.accounts import UserFactory
from tests.factories.approvals import document_in_review, pending_round

DECISION_ACTIONS = ("lastmile.document.approved", "lastmile.document.changes_requested")


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's shared in-memory test database has no row locks"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_decisions_record_exactly_one(reviewed_template, rep, brand_manager, roles):
    other_reviewer = UserFactory(username="brand2")
    other_reviewer.groups.add(roles[Role.BRAND_MANAGER])
    document = document_in_review(reviewed_template, rep)
    round_ = pending_round(document)
    barrier, outcomes, lock = threading.Barrier(2), {}, threading.Lock()

    def decide(reviewer, decision, field_comments):
        try:
            barrier.wait()
            review_decide(task_state_id=round_.pk, reviewer=reviewer, decision=decision, field_comments=field_comments)
            result = "decided"
        except DecisionConflict as exc:
            result = f"conflict: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes[decision] = result

    threads = [
        threading.Thread(target=decide, args=(brand_manager, Decision.APPROVE, {})),
        threading.Thread(
            target=decide, args=(other_reviewer, Decision.REQUEST_CHANGES, {"subheadline": "Shorter, please"})
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winner = next(decision for decision, result in outcomes.items() if result == "decided")
    loser = next(decision for decision in outcomes if decision != winner)
    assert outcomes[loser].startswith("conflict: ")
    assert "already decided" in outcomes[loser]
    round_.refresh_from_db()
    document.refresh_from_db()
    approved = winner == Decision.APPROVE
    assert round_.outcome == (ReviewOutcome.APPROVED if approved else ReviewOutcome.CHANGES_REQUESTED)
    assert document.approval_state == (ApprovalState.APPROVED if approved else ApprovalState.CHANGES_REQUESTED)
    assert FieldComment.objects.filter(task_state=round_).count() == (0 if approved else 1)
    assert ModelLogEntry.objects.filter(action__in=DECISION_ACTIONS).count() == 1
    assert Notification.objects.filter(recipient=rep, document=document).count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's shared in-memory test database has no row locks"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_withdrawal_and_a_decision_at_once_end_cleanly(reviewed_template, rep, brand_manager):
    from approvals.services import document_withdraw

    document = document_in_review(reviewed_template, rep)
    round_ = pending_round(document)
    barrier, outcomes, lock = threading.Barrier(2), {}, threading.Lock()

    def run(name, action):
        try:
            barrier.wait()
            action()
            result = "done"
        except DecisionConflict as exc:
            result = f"conflict: {exc}"
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes[name] = result

    threads = [
        threading.Thread(target=run, args=("withdraw", lambda: document_withdraw(document, user=rep))),
        threading.Thread(
            target=run,
            args=(
                "approve",
                lambda: review_decide(task_state_id=round_.pk, reviewer=brand_manager, decision=Decision.APPROVE),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(result.split(":")[0] for result in outcomes.values()) == ["conflict", "done"], outcomes
    document.refresh_from_db()
    expected = ApprovalState.NEEDS_APPROVAL if outcomes["withdraw"] == "done" else ApprovalState.APPROVED
    assert document.approval_state == expected
