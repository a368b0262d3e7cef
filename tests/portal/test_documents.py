from django.urls import reverse
from django.utils import timezone

import pytest

from approvals.services import document_create
from templates_lib.models import CollateralDocument, DocumentUserGrant
from templates_lib.rendering.cache import cached_pdf_name, render_job_for_document, renders_storage
from templates_lib.rendering.profile import Profile


@pytest.fixture
def document(onepager, rep):
    return document_create(template=onepager, owner=rep, values={}, title="Fjord one-pager", check_fit=False)


def test_my_documents_lists_my_documents(rep_client, document):
    response = rep_client.get(reverse("portal:documents"))

    assert "Fjord one-pager" in response.text


def test_my_documents_searches_by_name(rep_client, document, onepager, rep):
    document_create(template=onepager, owner=rep, values={}, title="Borealis flyer", check_fit=False)

    response = rep_client.get(reverse("portal:documents"), {"q": "borealis"})

    assert "Borealis flyer" in response.text
    assert "Fjord one-pager" not in response.text


def test_my_documents_sorts_by_name(rep_client, document, onepager, rep):
    document_create(template=onepager, owner=rep, values={}, title="Aardvark proposal", check_fit=False)

    text = rep_client.get(reverse("portal:documents"), {"sort": "title"}).text

    assert text.index("Aardvark proposal") < text.index("Fjord one-pager")


def test_my_documents_has_an_empty_state(rep_client, db):
    assert "No documents yet" in rep_client.get(reverse("portal:documents")).text


def test_rename(rep_client, document):
    rep_client.post(reverse("portal:document-rename", args=[document.public_id]), {"title": "  Fjord   final "})

    document.refresh_from_db()
    assert document.title == "Fjord final"


def test_rename_to_nothing_is_refused(rep_client, document):
    response = rep_client.post(
        reverse("portal:document-rename", args=[document.public_id]), {"title": "  "}, follow=True
    )

    document.refresh_from_db()
    assert document.title == "Fjord one-pager"
    assert "Give the document a name." in response.text


def test_duplicate_makes_a_copy_with_the_same_values_and_revision(rep_client, document, rep):
    rep_client.post(reverse("portal:document-duplicate", args=[document.public_id]))

    copy = CollateralDocument.objects.get(owner=rep, title="Fjord one-pager (copy)")
    assert copy.values == document.values
    assert copy.template_revision_id == document.template_revision_id


def test_delete_asks_for_confirmation_first(rep_client, document):
    response = rep_client.get(reverse("portal:document-delete", args=[document.public_id]))

    document.refresh_from_db()
    assert "Delete “Fjord one-pager”?" in response.text
    assert document.deleted_at is None


def test_delete_is_soft_and_hides_the_document(rep_client, document):
    before = timezone.now()

    rep_client.post(reverse("portal:document-delete", args=[document.public_id]))

    document.refresh_from_db()
    assert before <= document.deleted_at <= timezone.now()
    assert rep_client.get(reverse("portal:document-edit", args=[document.public_id])).status_code == 404
    listing = rep_client.get(reverse("portal:documents")).text
    assert reverse("portal:document-edit", args=[document.public_id]) not in listing


@pytest.mark.slow
def test_download_of_a_one_pager_goes_straight_to_the_pdf(rep_client, document):
    response = rep_client.get(reverse("portal:document-download", args=[document.public_id]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:document-pdf", args=[document.public_id]))


@pytest.mark.slow
def test_saving_queues_the_final_render_so_the_download_is_cached(
    rep_client, onepager, rep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(
            reverse("portal:template-personalise", args=[onepager.public_id]),
            {"title": "Queued", "eyebrow": "For sales teams", "subheadline": "Hi"},
        )

    document = CollateralDocument.objects.get(owner=rep)
    name = cached_pdf_name(render_job_for_document(document, profile=Profile.DIGITAL))
    with renders_storage().open(name) as cached:
        assert cached.read(5) == b"%PDF-"


@pytest.mark.slow
def test_a_multi_page_document_renders_in_the_background_and_reports_progress(rep_client, rep, brand_kit, monkeypatch):
    from portal.views import downloads

    monkeypatch.setattr(downloads, "renders_in_background", lambda document: True)
    from ..factories.templates_lib import make_template

    document = document_create(template=make_template(), owner=rep, values={}, check_fit=False)

    page = rep_client.get(reverse("portal:document-download", args=[document.public_id]))
    status = rep_client.get(reverse("portal:document-status", args=[document.public_id]) + "?profile=digital")

    assert "Preparing your PDF" in page.text
    assert "Your PDF is ready" in status.text


@pytest.mark.slow
def test_png_of_page_one(rep_client, document):
    response = rep_client.get(reverse("portal:document-png", args=[document.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="fjord-one-pager.png"'
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_search_with_a_nul_byte_is_refused_with_a_message(rep_client, document):
    response = rep_client.get(reverse("portal:documents"), {"q": "Fjord\x00"})

    assert response.status_code == 400
    assert "Search: Null characters are not allowed." in response.text
    assert "Fjord one-pager" in response.text


def test_an_unknown_sort_is_refused_and_the_list_keeps_its_usual_order(rep_client, document, onepager, rep):
    document_create(template=onepager, owner=rep, values={}, title="Aardvark proposal", check_fit=False)

    response = rep_client.get(reverse("portal:documents"), {"sort": "password"})

    assert response.status_code == 400
    assert "Sort by: Choose an order from the list." in response.text
    assert response.text.index("Aardvark proposal") < response.text.index("Fjord one-pager")


def test_rename_drops_control_characters(rep_client, document):
    rep_client.post(reverse("portal:document-rename", args=[document.public_id]), {"title": "Fjord\x00 final\x1b[1m"})

    document.refresh_from_db()
    assert document.title == "Fjord final[1m"


def test_sharing_with_something_that_is_not_an_email_address_is_refused(rep_client, document):
    response = rep_client.post(
        reverse("portal:document-share", args=[document.public_id]), {"email": "colleague\x00@example.com"}, follow=True
    )

    assert "Enter an email address." in response.text
    assert not DocumentUserGrant.objects.filter(content_object=document).exists()
