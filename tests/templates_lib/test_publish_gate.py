"""The publishing gate: required slots of the layout left empty, and text that would not fit,
refused at publish with each message on the field it concerns, in words that fit its mode.
Crafted POSTs to Wagtail's own create and edit views."""

import re

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from templates_lib.models import CollateralTemplate, PageSize, TemplateField
from templates_lib.services.publishing import empty_required_slots, template_publish_gate

from ..factories.templates_lib import changed_fields, default_fields, make_template
from .test_admin import URL, form_data

PUBLISH = {"action-publish": "publish"}


def _row_html(html: str, index: int) -> str:
    """The rendered part of the fields formset that belongs to row `index`."""
    start = html.index(f'name="fields-{index}-key"')
    following = re.search(rf'name="fields-{index + 1}-key"', html)
    return html[start : following.start() if following else len(html)]


def _row_index(template: CollateralTemplate, key: str) -> int:
    return [tf.key for tf in template.field_list()].index(key)


def _live_field(template: CollateralTemplate, key: str) -> TemplateField:
    template.refresh_from_db()
    return next(tf for tf in template.live_revision.as_object().field_list() if tf.key == key)


# --- The rule, without HTTP ---------------------------------------------------------------


def test_a_complete_template_leaves_no_required_slot_empty(onepager):
    assert empty_required_slots(template=onepager) == []


def test_a_layout_slot_that_no_field_fills_is_reported_by_its_label(db, brand_kit):
    fields = [spec for spec in default_fields() if spec["key"] != "stat_value"]
    template = make_template(fields=fields, publish=False)

    [problem] = empty_required_slots(template=template)

    assert problem.field_key == ""
    assert "“Key figure”" in problem.message
    assert "no field fills it" in problem.message


def test_an_image_field_without_a_starting_image_leaves_the_hero_empty(db, brand_kit):
    template = make_template(
        fields=changed_fields({"hero_image": {"lock_mode": "image", "default_image": None}}), publish=False
    )

    [problem] = empty_required_slots(template=template)

    assert (problem.field_key, problem.label, problem.attribute) == ("hero_image", "Hero image", "default_image")
    assert "choose the image users start with" in problem.message


def test_an_image_the_user_must_choose_fills_the_hero(db, brand_kit):
    template = make_template(
        fields=changed_fields({"hero_image": {"lock_mode": "image", "default_image": None, "is_required": True}}),
        publish=False,
    )

    assert empty_required_slots(template=template) == []


def test_a_free_headline_without_starting_text_is_worded_for_free_text(db, brand_kit):
    template = make_template(
        fields=changed_fields({"headline": {"lock_mode": "free", "default_text": "", "max_chars": 60}}),
        publish=False,
    )

    [problem] = empty_required_slots(template=template)

    assert problem.attribute == "default_text"
    assert "write the text users start with" in problem.message
    assert "maximum" not in problem.message


def test_every_chapter_of_a_brochure_needs_its_required_slots(db, brand_kit):
    from ..factories.brand import ImageFactory

    image = ImageFactory()
    template = CollateralTemplate(title="Brochure", layout="brochure", live=False)

    def locked(key, slot, section=1, **content):
        return TemplateField(key=key, label=key.title(), slot=slot, section=section, lock_mode="locked", **content)

    template.fields = [
        locked("title", "title", default_text="Atlas"),
        locked("cover", "cover_image", default_image=image),
        locked("ch1", "chapter_title", 1, default_text="One"),
        locked("ch1_image", "chapter_image", 1, default_image=image),
        locked("ch2", "chapter_title", 2, default_text="Two"),
        locked("contact", "contact"),
    ]
    template.save()

    [problem] = empty_required_slots(template=template)

    assert "“Chapter image” in chapter 2" in problem.message


def test_the_gate_refuses_before_laying_anything_out(db, brand_kit):
    fields = [spec for spec in default_fields() if spec["key"] not in ("stat_value", "stat_label")]
    template = make_template(fields=fields, publish=False)

    problems = template_publish_gate(template=template)

    assert len(problems) == 2
    assert all(problem.field_key == "" for problem in problems)


# --- Crafted POSTs to Wagtail's publish ------------------------------------------------------


def test_publishing_without_the_hero_image_field_is_refused_and_nothing_is_lost(brand_client, onepager):
    data = form_data(onepager, title="Renamed before publishing", **PUBLISH)
    data[f"fields-{_row_index(onepager, 'hero_image')}-DELETE"] = "1"

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    assert "Not published" in response.text
    assert "The layout’s “Hero image” slot must be filled, and no field fills it" in response.text
    assert "Renamed before publishing" in response.text
    onepager.refresh_from_db()
    assert onepager.title == "Test one-pager"
    assert _live_field(onepager, "hero_image").default_image_id is not None


def test_an_empty_image_field_gets_its_message_on_its_own_row(brand_client, onepager):
    index = _row_index(onepager, "hero_image")
    data = form_data(onepager, **PUBLISH)
    data.update({f"fields-{index}-lock_mode": "image", f"fields-{index}-default_image": ""})

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    assert "choose the image users start with" in _row_html(response.text, index)
    assert "Hero image: The layout needs an image here" in response.text  # the summary names it by its label
    assert _live_field(onepager, "hero_image").lock_mode == "choice"


def test_saving_a_draft_with_an_empty_required_slot_is_allowed(brand_client, onepager):
    index = _row_index(onepager, "hero_image")
    data = form_data(onepager)
    data.update({f"fields-{index}-lock_mode": "image", f"fields-{index}-default_image": ""})

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 302
    onepager.refresh_from_db()
    assert onepager.has_unpublished_changes


def test_creating_and_publishing_a_template_with_an_empty_stat_band_creates_nothing(brand_client, brand_kit):
    fields = [
        {
            **spec,
            "default_image": getattr(spec.get("default_image"), "pk", ""),
            "collection": getattr(spec.get("collection"), "pk", ""),
            "section": 1,
        }
        for spec in default_fields()
        if spec["key"] in ("headline", "hero_image", "contact")
    ]
    data = nested_form_data(
        {
            "title": "New one-pager",
            "layout": "onepager",
            "page_size": PageSize.A4,
            "orientation": "portrait",
            "fields": inline_formset(fields),
            **PUBLISH,
        }
    )

    response = brand_client.post(reverse(f"{URL}:add"), data)

    assert response.status_code == 200
    assert "“Key figure” slot must be filled" in response.text
    assert "“Key figure label” slot must be filled" in response.text
    assert "New one-pager" in response.text
    assert not CollateralTemplate.objects.filter(title="New one-pager").exists()


@pytest.mark.slow
def test_a_locked_field_that_does_not_fit_is_not_told_about_a_maximum_length(brand_client, onepager):
    index = _row_index(onepager, "headline")
    data = form_data(onepager, **PUBLISH)
    data[f"fields-{index}-default_text"] = "Know which deals will close, and why, every quarter. " * 12

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    row = _row_html(response.text, index)
    assert "Its text does not fit its space." in row
    assert "Shorten it." in row
    assert "maximum" not in row
    assert _live_field(onepager, "headline").default_text == "Know which deals will close."


@pytest.mark.slow
def test_a_free_field_that_would_overflow_at_its_maximum_is_told_on_its_row(brand_client, onepager):
    index = _row_index(onepager, "subheadline")
    data = form_data(onepager, field_subheadline={"max_chars": 400, "max_lines": ""}, **PUBLISH)

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    row = _row_html(response.text, index)
    assert "At its maximum length this field would overflow (400 characters)." in row
    assert "Lower its maximum." in row
    assert 'value="400"' in row  # what was typed is kept
    assert _live_field(onepager, "subheadline").max_chars == 80


@pytest.mark.slow
def test_a_template_that_passes_the_gate_is_published(brand_client, onepager):
    data = form_data(onepager, field_subheadline={"max_chars": 60}, **PUBLISH)

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 302
    assert _live_field(onepager, "subheadline").max_chars == 60
