"""The editor's save is one service in one transaction: uploads, "withdraw and save", the update
and the queued render either all happen or none does."""

import pathlib
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.images import get_image_model

import pytest

from approvals.selectors import pending_uploads
from approvals.services import document_create, document_save, document_submit
from templates_lib.models import ApprovalState, CollateralDocument
from templates_lib.services.documents import DocumentFrozenError, DocumentValuesError

from ..factories.brand import png_bytes
from ..factories.templates_lib import default_fields, make_template


@pytest.fixture
def upload_template(db, brand_kit):
    fields = default_fields()
    for spec in fields:
        if spec["key"] == "side_image":
            spec["allow_upload"] = True
        if spec["key"] == "subheadline":
            spec["needs_review"] = True
    return make_template(title="Uploadable", fields=fields)


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("team.png", png_bytes(), content_type="image/png")


def test_a_save_stores_the_upload_as_the_fields_value(upload_template, rep):
    result = document_save(
        user=rep, template=upload_template, values={}, title="Mine", uploads={"side_image": _upload()}, check_fit=False
    )

    image = get_image_model().objects.get(uploaded_by_user=rep)
    assert result.created
    assert result.document.values["side_image"] == image.pk


def _stored_files() -> set[str]:
    """Every file in the media root and in the private root, where uploads go."""
    roots = [pathlib.Path(settings.MEDIA_ROOT), pathlib.Path(settings.LASTMILE_PRIVATE_MEDIA_ROOT)]
    return {str(path) for root in roots for path in root.rglob("*") if path.is_file()}


def test_a_rejected_save_keeps_no_upload_in_the_database_storage_or_review_queue(upload_template, rep, brand_manager):
    files_before = _stored_files()

    with pytest.raises(DocumentValuesError) as refused:
        document_save(
            user=rep,
            template=upload_template,
            values={"subheadline": "x" * 500},
            title="Mine",
            uploads={"side_image": _upload()},
            check_fit=False,
        )

    assert "subheadline" in refused.value.errors
    assert not get_image_model().objects.filter(uploaded_by_user=rep).exists()
    assert not pending_uploads(brand_manager).exists()
    assert not CollateralDocument.objects.filter(owner=rep).exists()
    assert _stored_files() == files_before


def test_a_save_without_a_name_is_refused_and_changes_nothing(upload_template, rep):
    with pytest.raises(DocumentValuesError) as refused:
        document_save(user=rep, template=upload_template, values={}, title="  \n ", check_fit=False)

    assert refused.value.errors == {"title": ["Give the document a name."]}
    assert not CollateralDocument.objects.filter(owner=rep).exists()


def test_saving_a_document_in_review_is_refused_unless_withdrawn_first(upload_template, rep):
    document = document_create(template=upload_template, owner=rep, values={"subheadline": "New words"})
    document_submit(document, user=rep)

    with pytest.raises(DocumentFrozenError):
        document_save(user=rep, document=document, values={"subheadline": "Newer"}, title="Mine", check_fit=False)

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.IN_REVIEW
    assert document.values["subheadline"] == "New words"


def test_withdraw_and_save_takes_it_out_of_review_and_saves(upload_template, rep):
    document = document_create(template=upload_template, owner=rep, values={"subheadline": "New words"})
    document_submit(document, user=rep)

    result = document_save(
        user=rep, document=document, values={"subheadline": "Newer"}, title="Mine", withdraw_first=True, check_fit=False
    )

    document.refresh_from_db()
    assert result.withdrawn
    assert document.approval_state == ApprovalState.NEEDS_APPROVAL
    assert document.values["subheadline"] == "Newer"


def test_a_rejected_withdraw_and_save_leaves_the_document_in_review(upload_template, rep):
    document = document_create(template=upload_template, owner=rep, values={"subheadline": "New words"})
    document_submit(document, user=rep)

    with pytest.raises(DocumentValuesError):
        document_save(
            user=rep,
            document=document,
            values={"subheadline": "x" * 500},
            title="Mine",
            withdraw_first=True,
            check_fit=False,
        )

    document.refresh_from_db()
    assert document.approval_state == ApprovalState.IN_REVIEW
    assert document.values["subheadline"] == "New words"


def test_only_the_owner_saves(upload_template, rep, partner_user):
    document = document_create(template=upload_template, owner=rep, values={})

    with pytest.raises(PermissionDenied):
        document_save(user=partner_user, document=document, values={"subheadline": "Mine now"}, title="x")

    document.refresh_from_db()
    assert document.values.get("subheadline") != "Mine now"


def test_a_save_queues_the_default_downloads_render_only_after_commit(
    upload_template, rep, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("approvals.tasks.render_final_pdf", SimpleNamespace(enqueue=lambda *args: queued.append(args)))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = document_save(user=rep, template=upload_template, values={}, title="Mine", check_fit=False)
        assert queued == []
    for callback in callbacks:
        callback()

    assert result.document.approval_state == ApprovalState.APPROVED
    # The default download is the PDF for email and screen: the one worth rendering ahead.
    assert queued == [(result.document.pk, "digital")]
