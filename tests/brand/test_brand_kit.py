from django.core.exceptions import ValidationError

import pytest

from brand.models import BrandColour, BrandKit
from brand.services import FALLBACK_COLOURS, brand_snapshot


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
