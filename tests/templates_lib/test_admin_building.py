"""Building a template in Wagtail admin: the layout shown with its slots, and the field list
filled from the layout in one click."""

from django.urls import reverse

import pytest

from templates_lib.services.building import missing_layout_fields

from ..factories.templates_lib import default_fields, make_template
from .test_admin import URL


def _fill(client, template):
    return client.post(reverse(f"{URL}:fill_from_layout", args=[template.pk]))


def test_missing_fields_cover_every_slot_without_one(onepager):
    missing = {tf.slot: tf for tf in missing_layout_fields(template=onepager)}

    assert set(missing) == {"intro_heading", "benefits_heading", "quote", "quote_author", "partner_logo"}
    assert missing["quote"].lock_mode == "free"
    assert missing["quote"].max_chars == 80
    assert missing["partner_logo"].lock_mode == "image"
    assert missing["partner_logo"].allow_upload
    assert missing["quote"].label == "Customer quote"


def test_the_edit_page_shows_the_layout_and_its_slots(brand_client, onepager):
    response = brand_client.get(reverse(f"{URL}:edit", args=[onepager.pk]))

    assert response.status_code == 200
    assert "Layout: Harbour one-pager" in response.text
    assert "<strong>Customer quote</strong> <code>quote</code>" in response.text
    assert "5 without a field" in response.text
    assert reverse("templates_lib_layout_thumbnail", args=["onepager"]) in response.text
    assert "Fill the field list from the layout (5 fields)" in response.text


def test_filling_from_the_layout_adds_the_missing_fields_as_a_draft(brand_client, onepager):
    response = _fill(brand_client, onepager)

    assert response.status_code == 302
    onepager.refresh_from_db()
    draft = onepager.latest_revision.as_object()
    assert len(draft.field_list()) == len(default_fields()) + 5
    assert len(onepager.live_revision.as_object().field_list()) == len(default_fields())
    assert missing_layout_fields(template=draft) == []


def test_filling_twice_adds_nothing_more(brand_client, onepager):
    _fill(brand_client, onepager)

    response = _fill(brand_client, onepager)

    assert response.status_code == 302
    onepager.refresh_from_db()
    assert len(onepager.latest_revision.as_object().field_list()) == len(default_fields()) + 5


def test_a_draft_template_is_filled_too(brand_client, brand_kit):
    template = make_template(publish=False)

    _fill(brand_client, template)

    template.refresh_from_db()
    assert len(template.latest_revision.as_object().field_list()) == len(default_fields()) + 5


def test_filling_is_post_only(brand_client, onepager):
    response = brand_client.get(reverse(f"{URL}:fill_from_layout", args=[onepager.pk]))

    assert response.status_code == 405


def test_a_rep_cannot_fill_a_template(rep_client, onepager):
    response = _fill(rep_client, onepager)

    assert response.status_code in (302, 403)
    onepager.refresh_from_db()
    assert len(onepager.latest_revision.as_object().field_list()) == len(default_fields())


def test_an_unknown_template_is_404(brand_client, onepager):
    response = brand_client.post(reverse(f"{URL}:fill_from_layout", args=[999999]))

    assert response.status_code == 404


def test_an_unknown_layout_thumbnail_is_404(brand_client, brand_kit):
    response = brand_client.get(reverse("templates_lib_layout_thumbnail", args=["nope"]))

    assert response.status_code == 404


@pytest.mark.slow
def test_the_layout_thumbnail_is_a_png(brand_client, brand_kit):
    response = brand_client.get(reverse("templates_lib_layout_thumbnail", args=["onepager"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
