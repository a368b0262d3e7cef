"""Brand-kit colour arithmetic: WCAG contrast and CMYK through the printer's ICC profile."""

from pathlib import Path

import pytest

from brand.colour import cmyk_from_hex, contrast_ratio, contrast_verdict
from brand.models import parse_cmyk

PRINTER_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc").read_bytes()  # libgs-common


def test_black_on_white_is_the_largest_contrast():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)


def test_contrast_does_not_depend_on_the_order():
    assert contrast_ratio("#1F4E8C", "#FFFFFF") == pytest.approx(contrast_ratio("#ffffff", "#1f4e8c"))


@pytest.mark.parametrize(
    ("foreground", "background", "verdict"),
    [
        ("#1F4E8C", "#FFFFFF", "Passes AA for all text"),
        ("#767676", "#FFFFFF", "Passes AA for all text"),  # the classic 4.54:1 grey
        ("#949494", "#FFFFFF", "AA for large text only"),
        ("#CCCCCC", "#FFFFFF", "Fails AA"),
    ],
)
def test_the_verdict_follows_wcag_aa(foreground, background, verdict):
    assert contrast_verdict(contrast_ratio(foreground, background)) == verdict


def test_white_prints_as_no_ink():
    assert cmyk_from_hex("#FFFFFF", icc_profile=PRINTER_PROFILE) == "0, 0, 0, 0"


def test_a_blue_prints_mostly_cyan_and_is_a_valid_cmyk_value():
    cyan, magenta, yellow, black = parse_cmyk(cmyk_from_hex("#1F4E8C", icc_profile=PRINTER_PROFILE))

    assert cyan > magenta > yellow
    assert cyan > 60


def test_black_prints_with_black_ink():
    *_, black = parse_cmyk(cmyk_from_hex("#000000", icc_profile=PRINTER_PROFILE))

    assert black > 50
