"""Presenters ask the same rule functions the services enforce, so the page never offers what the
server refuses, or hides what it allows."""

import pytest

from approvals.services import (
    ApprovalError,
    Decision,
    document_create,
    document_submit,
    document_withdraw,
)
from portal.presenters import DocumentApproval, DocumentRow
from templates_lib.services.lifecycle import template_retire

from ..factories.approvals import decide
from ..factories.templates_lib import publish_change


def _needs_approval(document, rep, brand_manager):
    return document


def _in_review(document, rep, brand_manager):
    document_submit(document, user=rep)
    return document


def _changes_requested(document, rep, brand_manager):
    document_submit(document, user=rep)
    decide(document, brand_manager, Decision.REQUEST_CHANGES, field_comments={"subheadline": "Shorter"})
    return document


def _rejected(document, rep, brand_manager):
    document_submit(document, user=rep)
    decide(document, brand_manager, Decision.REJECT, comment="Off brand")
    return document


def _approved(document, rep, brand_manager):
    document_submit(document, user=rep)
    decide(document, brand_manager, Decision.APPROVE)
    return document


def _withdrawn(document, rep, brand_manager):
    document_submit(document, user=rep)
    document_withdraw(document, user=rep)
    return document


def _retired(document, rep, brand_manager):
    template_retire(template=document.template, user=brand_manager)
    document.refresh_from_db()
    return document


@pytest.mark.parametrize(
    "reach", [_needs_approval, _in_review, _changes_requested, _rejected, _approved, _withdrawn, _retired]
)
def test_submit_is_offered_exactly_when_the_service_accepts_it(reviewed_template, rep, brand_manager, reach):
    document = document_create(template=reviewed_template, owner=rep, values={"subheadline": "Ours"}, check_fit=False)
    document = reach(document, rep, brand_manager)
    document.refresh_from_db()
    offered = DocumentApproval(document).can_submit

    try:
        document_submit(document, user=rep)
        accepted = True
    except ApprovalError:
        accepted = False

    assert offered is accepted


def test_a_retired_templates_documents_are_not_offered_an_upgrade(reviewed_template, rep, brand_manager):
    document = document_create(template=reviewed_template, owner=rep, values={}, check_fit=False)
    publish_change(reviewed_template, headline="A newer headline")
    template_retire(template=reviewed_template, user=brand_manager)
    document.refresh_from_db()

    assert DocumentRow(document, viewer=rep).has_newer_template is False


def test_a_newer_revision_is_offered_while_the_template_is_in_use(reviewed_template, rep):
    document = document_create(template=reviewed_template, owner=rep, values={}, check_fit=False)
    publish_change(reviewed_template, headline="A newer headline")
    document.refresh_from_db()

    assert DocumentRow(document, viewer=rep).has_newer_template is True
