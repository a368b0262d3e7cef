from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brand.models import BrandColour, BrandKit, parse_cmyk
from brand.services import FALLBACK_COLOURS, brand_snapshot

NOT_CMYK = "Enter CMYK as four percentages separated by commas, for example 100, 60, 0, 20."


@pytest.mark.parametrize("value", ["#12345", "123456", "#GGGGGG", "red", "#1234567"])
def test_a_colour_that_is_not_six_digit_hex_is_refused(db, value):
    kit = BrandKit.load()
    colour = BrandColour(brand_kit=kit, role="accent", name="Accent", hex=value)

    with pytest.raises(ValidationError) as error:
        colour.full_clean()

    assert "hex" in error.value.message_dict


def test_a_cmyk_percentage_over_100_is_refused(db):
    colour = BrandColour(brand_kit=BrandKit.load(), role="accent", name="Accent", hex="#F08A24", cmyk="0, 55, 190, 0")

    with pytest.raises(ValidationError) as error:
        colour.full_clean()

    assert "cmyk" in error.value.message_dict


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "a, b, c, d",
        "1, 2, 3",
        "1, 2, 3, 4, 5",
        "100,,0,0",
        "1e2, 0, 0, 0",
        "-5, 0, 0, 0",
        "\u0661\u0660\u0660, 0, 0, 0",
    ],
)
def test_a_cmyk_value_that_is_not_four_percentages_is_refused_with_a_message(db, value):
    colour = BrandColour(brand_kit=BrandKit.load(), role="accent", name="Accent", hex="#F08A24", cmyk=value)

    with pytest.raises(ValidationError) as error:
        colour.full_clean()

    assert error.value.message_dict["cmyk"] == [NOT_CMYK]


def test_cmyk_percentages_with_decimals_and_spaces_are_read_as_numbers():
    assert parse_cmyk(" 100, 60.5 ,0,20 ") == (100.0, 60.5, 0.0, 20.0)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(value=st.text(max_size=30))
def test_any_cmyk_text_is_either_four_percentages_or_a_validation_error(value):
    try:
        parsed = parse_cmyk(value)
    except ValidationError:
        return

    assert len(parsed) == 4
    assert all(0 <= part <= 100 for part in parsed)


def _brand_kit_form(brand_kit, *, cmyk: str = "", **extra) -> dict:
    colours = [
        {"id": colour.pk, "role": colour.role, "name": colour.name, "hex": colour.hex, "cmyk": cmyk, "ORDER": i}
        for i, colour in enumerate(brand_kit.colours.all())
    ]
    return nested_form_data(
        {"brand_name": "Example Corp", "colours": inline_formset(colours, initial=len(colours)), **extra}
    )


def _post_brand_kit(client, brand_kit, data):
    return client.post(reverse("wagtailsettings:edit", args=["brand", "brandkit", brand_kit.pk]), data)


def test_the_brand_kit_form_refuses_a_cmyk_value_that_is_not_numbers(brand_client, brand_kit):
    response = _post_brand_kit(brand_client, brand_kit, _brand_kit_form(brand_kit, cmyk="cyan-ish"))

    assert response.status_code == 200
    assert NOT_CMYK in response.text
    assert not BrandColour.objects.filter(cmyk="cyan-ish").exists()


def test_a_stored_cmyk_value_that_does_not_parse_leaves_the_colour_to_its_hex(brand_kit):
    BrandColour.objects.filter(brand_kit=brand_kit, role="primary").update(cmyk="abc")

    primary = brand_snapshot().colour("primary")

    assert (primary.hex, primary.cmyk) == ("#1B2F4E", None)


def test_the_snapshot_fills_missing_colour_roles_with_fallbacks(db):
    BrandKit.load()

    snapshot = brand_snapshot()

    assert snapshot.colour("accent").hex == FALLBACK_COLOURS["accent"]
    assert len(snapshot.colours) == 6


def test_the_snapshot_version_changes_when_the_kit_is_edited(brand_kit):
    before = brand_snapshot().version

    brand_kit.legal_footer = "New legal words."
    brand_kit.save()

    assert brand_snapshot().version != before


def test_the_snapshot_version_changes_when_a_colour_changes(brand_kit):
    before = brand_snapshot().version

    BrandColour.objects.filter(brand_kit=brand_kit, role="primary").update(hex="#000000")

    assert brand_snapshot().version != before


def test_the_snapshot_version_is_stable_without_edits(brand_kit):
    assert brand_snapshot().version == brand_snapshot().version


def test_the_brand_kit_form_refuses_a_printer_profile_that_is_only_a_header(brand_client, brand_kit):
    header_only = bytearray(132)
    header_only[0:4] = (132).to_bytes(4, "big")
    header_only[12:24] = b"prtrCMYKLab "
    header_only[36:40] = b"acsp"
    upload = SimpleUploadedFile("printer.icc", bytes(header_only), content_type="application/vnd.iccprofile")

    response = _post_brand_kit(brand_client, brand_kit, _brand_kit_form(brand_kit, print_icc_profile=upload))

    brand_kit.refresh_from_db()
    assert response.status_code == 200
    assert "This CMYK profile is incomplete: it cannot convert colours for printing." in response.text
    assert not brand_kit.print_icc_profile
