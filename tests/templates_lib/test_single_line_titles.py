"""Document and template titles are stored on one line on every path, including rows stored
before that was so (migration templates_lib 0005)."""

from importlib import import_module

from django.apps import apps
from django.db import connection

from approvals.services import document_create
from templates_lib.models import CollateralDocument, CollateralTemplate

from ..factories.templates_lib import make_template


def _store_raw(model, pk: int, title: str) -> None:
    """Write a title as an older version could have, past the field's own cleaning."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET title = %s WHERE id = %s", [title, pk])  # noqa: S608


def test_a_template_title_is_stored_on_one_line(brand_kit):
    template = make_template(title="Spring\r\nlaunch\x00")

    template.refresh_from_db()
    assert template.title == "Spring launch"


def test_a_document_title_given_to_the_service_is_stored_on_one_line(onepager, rep):
    document = document_create(template=onepager, owner=rep, values={}, title="A\nB\x1bC", check_fit=False)

    document.refresh_from_db()
    assert document.title == "A BC"


def test_the_migration_cleans_titles_stored_before(onepager, rep):
    document = document_create(template=onepager, owner=rep, values={}, title="Fine", check_fit=False)
    _store_raw(CollateralDocument, document.pk, "Fjord\r\nBcc: x")
    _store_raw(CollateralTemplate, onepager.pk, "One\u2028pager")

    import_module("templates_lib.migrations.0005_clean_stored_titles").clean_titles(apps, None)

    assert CollateralDocument.objects.values_list("title", flat=True).get(pk=document.pk) == "Fjord Bcc: x"
    assert CollateralTemplate.objects.values_list("title", flat=True).get(pk=onepager.pk) == "One pager"
