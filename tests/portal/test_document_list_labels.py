"""What the document list calls the documents, beyond their own, a user may read: an analyst's
read access to every document is not "shared with me"."""

from django.urls import reverse

import pytest

from approvals.selectors import OthersReach, others_reach
from approvals.services import document_create


@pytest.fixture
def rep_document(onepager, rep):
    return document_create(template=onepager, owner=rep, values={}, title="Dana's one-pager", check_fit=False)


def _others_page(client, user):
    client.force_login(user)
    return client.get(reverse("portal:documents") + "?scope=others")


def test_an_analyst_reads_every_document(analyst):
    assert others_reach(analyst) == OthersReach.EVERYONE


def test_a_partner_manager_reads_their_organisations_documents(manager):
    assert others_reach(manager) == OthersReach.ORGANISATION


def test_a_rep_reads_what_is_shared_with_them(rep):
    assert others_reach(rep) == OthersReach.SHARED


def test_the_analysts_tab_says_all_documents_read_only(client, analyst, rep_document):
    response = _others_page(client, analyst)

    text = response.content.decode()
    assert response.status_code == 200
    assert "All documents (read-only)" in text
    assert "Shared with me" not in text
    assert "Every document made in the portal" in text
    assert "Dana&#x27;s one-pager" in text


def test_a_partner_managers_tab_names_their_organisation(client, manager):
    text = _others_page(client, manager).content.decode()

    assert "My organisation’s documents" in text
    assert "Shared with me" not in text


def test_a_reps_tab_stays_shared_with_me(client, rep):
    text = _others_page(client, rep).content.decode()

    assert "Shared with me" in text
    assert "All documents" not in text


def test_the_analysts_read_only_page_leads_back_to_all_documents(client, analyst, rep_document):
    client.force_login(analyst)

    response = client.get(reverse("portal:document-edit", args=[rep_document.public_id]))

    assert response.status_code == 200
    assert "All documents (read-only)</a>" in response.content.decode()
