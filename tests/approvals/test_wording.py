"""Lastmile's language in Wagtail admin: the audit trail and history say what happened to a
document ("changes requested", not Wagtail's "reject task"), a template's usage counts the
documents made from it, and the admin carries Lastmile's name and mark with no Gravatar request."""

import re

from django.urls import reverse

from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

import pytest

from approvals.services import Decision
from tests.factories.approvals import decide, document_in_review, make_document

pytestmark = pytest.mark.django_db


def workflow_entries(document, action):
    return ModelLogEntry.objects.filter(object_id=str(document.pk), action=action)


def message_of(entry) -> str:
    return str(registry.get_formatter(entry).format_message(entry))


def test_wagtails_workflow_labels_are_replaced():
    labels = {action: str(label) for action, label in registry.get_choices() if action.startswith("wagtail.workflow")}

    assert labels["wagtail.workflow.reject"] == "Changes requested or rejected"
    assert labels["wagtail.workflow.start"] == "Sent to brand review"
    assert "task" not in " ".join(labels.values()).lower()


def test_each_workflow_action_is_offered_once_in_the_filters():
    actions = [action for action, _ in registry.get_choices()]

    assert actions.count("wagtail.workflow.reject") == 1


def test_a_changes_request_reads_as_changes_requested(reviewed_template, rep, brand_manager):
    document = document_in_review(reviewed_template, rep)
    decide(document, brand_manager, Decision.REQUEST_CHANGES, comment="Shorter", field_comments={})

    entry = workflow_entries(document, "wagtail.workflow.reject").get()

    assert message_of(entry) == "Changes requested by the brand team"


def test_a_rejection_reads_as_rejected(reviewed_template, rep, brand_manager):
    document = document_in_review(reviewed_template, rep)
    decide(document, brand_manager, Decision.REJECT, comment="Not for this market")

    entry = workflow_entries(document, "wagtail.workflow.reject").get()

    assert message_of(entry) == "Rejected by the brand team"


def test_an_approval_reads_as_approved_by_the_brand_team(reviewed_template, rep, brand_manager):
    document = document_in_review(reviewed_template, rep)
    decide(document, brand_manager, Decision.APPROVE)

    messages = {message_of(entry) for entry in workflow_entries(document, "wagtail.workflow.approve")}

    assert messages == {"Checked against the brand rules", "Approved by the brand team"}


def test_the_audit_trail_shows_lastmiles_words(brand_client, reviewed_template, rep, brand_manager):
    document = document_in_review(reviewed_template, rep)
    decide(document, brand_manager, Decision.REQUEST_CHANGES, comment="Shorter", field_comments={})

    html = brand_client.get(reverse("approvals_admin:audit-document", args=[document.pk])).content.decode()

    assert "Changes requested by the brand team" in html
    assert "reject task" not in html.lower()
    assert "Rejected at" not in html


def test_the_audit_trail_shows_a_rich_text_edit_with_its_formatting(brand_client, reviewed_template, rep):
    from approvals.services import document_update

    document = make_document(reviewed_template, rep)
    document_update(document=document, values={"body": "<p>Our <strong>bold</strong> story.</p>"}, check_fit=False)

    html = brand_client.get(reverse("approvals_admin:audit-document", args=[document.pk])).content.decode()

    assert re.search(r"<ins>\s*<strong>bold</strong>\s*</ins>", html)
    assert "**bold**" not in html


# --- "Used N times" ------------------------------------------------------------------------------


def template_edit(template) -> str:
    return reverse("wagtailsnippets_templates_lib_collateraltemplate:edit", args=[template.pk])


def test_a_templates_usage_counts_the_documents_made_from_it(brand_client, reviewed_template, rep):
    make_document(reviewed_template, rep)
    make_document(reviewed_template, rep)

    html = brand_client.get(template_edit(reviewed_template)).content.decode()

    assert "Used to make 2 documents" in html
    assert f"{reverse('approvals_admin:audit-documents')}?template={reviewed_template.pk}" in html


def test_deleted_documents_are_not_counted(brand_client, reviewed_template, rep):
    from django.utils import timezone

    document = make_document(reviewed_template, rep)
    type(document).objects.filter(pk=document.pk).update(deleted_at=timezone.now())

    html = brand_client.get(template_edit(reviewed_template)).content.decode()

    assert "No documents made yet" in html


# --- Lastmile's name and mark; no Gravatar ------------------------------------------------------


def test_admin_pages_carry_lastmiles_name_and_mark(brand_client):
    html = brand_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "- Lastmile</title>" in html
    assert "approvals/lastmile-mark.svg" in html
    assert "- Wagtail</title>" not in html


def test_the_admin_sign_in_page_is_lastmiles(client, db):
    html = client.get(reverse("wagtailadmin_login")).content.decode()

    assert "Sign in to Lastmile" in html
    assert "Sign in to Wagtail" not in html
    assert "approvals/lastmile-mark.svg" in html


def test_no_admin_page_asks_gravatar_for_an_avatar(brand_client, reviewed_template):
    for url in (
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_account"),
        template_edit(reviewed_template),
        reverse("approvals_admin:queue"),
    ):
        html = brand_client.get(url).content.decode()
        assert "gravatar.com" not in html, url
        assert "default-user-avatar" in html, url


def test_wagtails_own_emails_say_lastmile_without_a_remote_image(brand_manager):
    from django.template.loader import render_to_string

    html = render_to_string("wagtailadmin/notifications/base.html", {"user": brand_manager})

    assert "Lastmile" in html
    assert "email-header.jpg" not in html
