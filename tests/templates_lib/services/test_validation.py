import pytest

from templates_lib.services.validation import document_values_clean
from templates_lib.tokens import TokenContext

from ...factories.brand import ImageFactory, collection
from ...factories.templates_lib import HEADLINE, changed_fields, make_template


def clean(template, user=None, **submitted):
    return document_values_clean(
        template=template.live_revision.as_object(),
        submitted=submitted,
        token_context=TokenContext(user=user),
        check_fit=False,
    )


@pytest.fixture
def template(db, brand_kit):
    return make_template()


def test_values_for_locked_fields_are_ignored(template, rep):
    result = clean(template, rep, headline="50% off everything")

    assert result.is_valid
    assert "headline" not in result.values
    assert result.ignored == ["headline"]


def test_values_for_token_fields_are_ignored(template, rep):
    result = clean(template, rep, contact={"name": "Mallory"}, cta_heading="Call Mallory")

    assert "contact" not in result.values
    assert "cta_heading" not in result.values
    assert result.ignored == ["contact", "cta_heading"]


def test_unknown_keys_are_ignored(template, rep):
    result = clean(template, rep, organisation_id="42")

    assert result.is_valid
    assert result.ignored == ["organisation_id"]


def test_missing_editable_values_take_the_template_defaults(template, rep):
    result = clean(template, rep)

    assert result.values["subheadline"] == "Forecasts you can defend."
    assert result.values["eyebrow"] == "For sales teams"


def test_a_choice_outside_the_variants_is_an_error(template, rep):
    result = clean(template, rep, eyebrow="For everyone, free")

    assert result.errors == {"eyebrow": ["Choose one of the approved options for Eyebrow."]}


def test_a_choice_among_the_variants_is_accepted(template, rep):
    result = clean(template, rep, eyebrow="For partners")

    assert result.values["eyebrow"] == "For partners"


def test_text_over_the_character_limit_is_an_error(template, rep):
    result = clean(template, rep, subheadline="x" * 81)

    assert result.errors["subheadline"] == ["Subheadline is 81 characters; the limit is 80."]


def test_text_at_exactly_the_character_limit_is_accepted(template, rep):
    result = clean(template, rep, subheadline="x" * 80)

    assert result.is_valid


def test_text_over_the_line_limit_is_an_error(template, rep):
    result = clean(template, rep, benefits="one\ntwo\nthree\nfour\nfive")

    assert result.errors["benefits"] == ["Benefits has 5 lines; the limit is 4."]


def test_a_required_field_left_empty_is_an_error(db, brand_kit, rep):
    template = make_template(fields=changed_fields({"subheadline": {"is_required": True}}))

    result = clean(template, rep, subheadline="   ")

    assert result.errors["subheadline"] == ["Subheadline is required."]


def test_markup_outside_the_allowed_formatting_is_an_error(template, rep):
    result = clean(template, rep, body="<p>Fine and <em>emphasised</em></p>")

    assert result.errors["body"] == ["Formatting not allowed here: <em>."]


def test_allowed_formatting_is_kept(template, rep):
    result = clean(template, rep, body="<p>Fine and <strong>bold</strong></p>")

    assert result.values["body"] == "<p>Fine and <strong>bold</strong></p>"


def test_links_must_use_a_safe_scheme(db, brand_kit, rep):
    template = make_template(fields=changed_fields({"body": {"allow_links": True}}))

    result = clean(template, rep, body='<p><a href="javascript:alert(1)">x</a></p>')

    assert result.errors["body"] == ["Links must start with https:, mailto: or tel:."]


def test_control_characters_are_removed_from_free_text(template, rep):
    result = clean(template, rep, subheadline="Hello\x00 world\x1b")

    assert result.values["subheadline"] == "Hello world"


def test_an_image_outside_the_collection_is_an_error(template, rep):
    stranger = ImageFactory(collection=collection("Private"))

    result = clean(template, rep, hero_image=str(stranger.pk))

    assert result.errors["hero_image"] == ["Choose an image from the approved collection for Hero image."]


def test_an_image_from_the_collection_is_accepted(template, rep):
    allowed = ImageFactory(collection=collection("Hero images"))

    result = clean(template, rep, hero_image=str(allowed.pk))

    assert result.values["hero_image"] == allowed.pk


def test_a_non_numeric_image_id_is_an_error(template, rep):
    result = clean(template, rep, side_image="../../etc/passwd")

    assert "side_image" in result.errors


def test_the_locked_headline_renders_whatever_was_submitted(template, rep):
    from templates_lib.rendering.html import render_collateral_html

    result = clean(template, rep, headline="50% off everything")
    html = render_collateral_html(
        template=template.live_revision.as_object(), values={**result.values, "headline": "50% off"}
    )

    assert HEADLINE in html
    assert "50% off" not in html


# --- Bounded input: markup is not free ---------------------------------------------------------
# The default one-pager's "body" is a free rich-text field of 650 visible characters with bold.


def test_kilobytes_of_empty_paragraphs_are_refused_before_they_are_parsed(template, rep):
    result = clean(template, rep, body="<p></p>" * 4300)

    assert result.errors["body"] == ["Story is too long: 29 KB; the limit is 16 KB."]


def test_a_field_of_empty_tags_under_the_size_limit_is_refused_for_its_tag_count(template, rep):
    result = clean(template, rep, body="<strong></strong>" * 900)

    assert result.errors["body"] == ["This text has too much formatting: 1800 tags; the limit is 400."]


def test_stray_closing_tags_count_as_tags(template, rep):
    result = clean(template, rep, body="x" + "</strong>" * 1500)

    assert result.errors["body"] == ["This text has too much formatting: 1500 tags; the limit is 400."]


def test_deeply_nested_formatting_is_refused(template, rep):
    result = clean(template, rep, body="<p>" + "<strong>" * 12 + "deep" + "</strong>" * 12 + "</p>")

    assert result.errors["body"] == ["Formatting is nested too deeply here: 13 levels; the limit is 8."]


def test_unclosed_tags_nest_as_deep_as_they_open(template, rep):
    result = clean(template, rep, body="<strong>x" * 40)

    assert result.errors["body"] == ["Formatting is nested too deeply here: 40 levels; the limit is 8."]


def test_a_plain_text_field_is_bounded_in_bytes_too(template, rep):
    result = clean(template, rep, subheadline="x" * 20_000)

    assert result.errors["subheadline"] == ["Subheadline is too long: 20 KB; the limit is 16 KB."]


def test_ordinary_formatting_is_accepted(template, rep):
    story = "<p>Fjord Maritime runs <strong>40 vessels</strong> on three continents.</p><p>Second paragraph.</p>"

    result = clean(template, rep, body=story)

    assert result.is_valid
    assert result.values["body"] == story


def test_elements_left_empty_are_dropped_when_sanitising(template, rep):
    result = clean(template, rep, body="<p>Kept</p><p></p><p><strong> </strong></p><strong></strong>")

    assert result.values["body"] == "<p>Kept</p>"
