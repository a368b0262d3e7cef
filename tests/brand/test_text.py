import unicodedata
from importlib import import_module

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brand.models import BrandImage, BrandKit
from brand.services import user_image_upload
from brand.text import SingleLineFormField, single_line

from ..factories.brand import ImageFactory, png_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Q3 Promo\r\nContent-Type: text/html", "Q3 Promo Content-Type: text/html"),
        ("Harbour\tNavy", "Harbour Navy"),
        ("one\u2028two\u2029three\x85four", "one two three four"),
        ("nul\x00byte, bell\x07, escape\x1b[31m, delete\x7f", "nulbyte, bell, escape[31m, delete"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("  spaced   out  ", "spaced out"),
        ("Café — 🧑\u200d💻 Ünïcode", "Café — 🧑\u200d💻 Ünïcode"),
    ],
)
def test_single_line_keeps_text_on_one_line(value, expected):
    assert single_line(value) == expected


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=st.text())
def test_single_line_never_leaves_a_break_or_control_character(value):
    cleaned = single_line(value)

    assert not any(unicodedata.category(c) in {"Cc", "Zl", "Zp"} for c in cleaned)
    assert cleaned == cleaned.strip()
    assert single_line(cleaned) == cleaned


def test_the_form_field_checks_required_after_cleaning():
    field = SingleLineFormField(required=True)

    with pytest.raises(Exception, match="required"):
        field.clean("\r\n\x00")


def test_an_image_title_is_stored_on_one_line(db):
    image = ImageFactory(title="Hero\r\nBcc: everyone@example.com")

    image.refresh_from_db()
    assert image.title == "Hero Bcc: everyone@example.com"


def test_an_uploaded_images_title_is_stored_on_one_line(rep):
    image = user_image_upload(user=rep, file=SimpleUploadedFile("x.png", png_bytes()), title="Mine\n\x00")

    assert BrandImage.objects.get(pk=image.pk).title == "Mine"


def test_an_update_query_stores_single_line_text_too(db):
    image = ImageFactory(title="Plain")

    BrandImage.objects.filter(pk=image.pk).update(title="Line\none")

    image.refresh_from_db()
    assert image.title == "Line one"


def test_the_brand_name_is_stored_on_one_line(db):
    kit = BrandKit.load()
    kit.brand_name = "Example\r\nCorp"
    kit.save()

    kit.refresh_from_db()
    assert kit.brand_name == "Example Corp"


def test_the_migration_cleans_image_titles_and_brand_names_stored_before(db):
    image = ImageFactory(title="Plain")
    kit = BrandKit.load()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE brand_brandimage SET title = %s WHERE id = %s", ["Hero\r\nshot", image.pk])
        cursor.execute("UPDATE brand_brandkit SET brand_name = %s WHERE id = %s", ["Example\x07 Corp", kit.pk])

    import_module("brand.migrations.0004_clean_stored_titles").clean_titles(apps, None)

    assert BrandImage.objects.values_list("title", flat=True).get(pk=image.pk) == "Hero shot"
    assert BrandKit.objects.values_list("brand_name", flat=True).get(pk=kit.pk) == "Example Corp"
