"""Text the portal sets in the brand's colours stays readable (WCAG AA) whatever the brand kit holds;
the brand kit itself, and so every document, is left as it is."""

from dataclasses import dataclass

from django.urls import reverse

import pytest

from brand.models import BrandColour
from portal.colours import PAGE_BACKGROUND, contrast, portal_colours, readable


@dataclass
class Colour:
    role: str
    hex: str


def test_a_readable_colour_is_left_as_it_is():
    assert readable("#1b2f4e") == "#1b2f4e"


@pytest.mark.parametrize("light", ["#2c7bb6", "#ffcc00", "#ffffff", "#abc"])
def test_a_light_colour_is_darkened_until_it_reads_at_aa_on_the_page(light):
    darker = readable(light)

    assert contrast(darker, PAGE_BACKGROUND) >= 4.5
    assert contrast(darker, "#ffffff") >= 4.5


def test_darkening_keeps_the_hue():
    red, green, blue = (int(readable("#2c7bb6")[i : i + 2], 16) for i in (1, 3, 5))

    assert blue > green > red


def test_something_that_is_not_a_colour_is_passed_through():
    assert readable("not-a-colour") == "not-a-colour"


def test_only_the_roles_used_for_text_are_changed():
    colours = [Colour("secondary", "#ffcc00"), Colour("surface", "#ffcc00")]

    assert portal_colours(colours) == [("secondary", readable("#ffcc00")), ("surface", "#ffcc00")]


def test_the_portal_pages_use_the_readable_colour_and_the_brand_kit_keeps_its_own(rep_client, brand_kit):
    BrandColour.objects.update_or_create(brand_kit=brand_kit, role="secondary", defaults={"hex": "#ffcc00"})

    text = rep_client.get(reverse("portal:library")).text

    assert f"--brand-secondary: {readable('#ffcc00')};" in text
    assert BrandColour.objects.get(brand_kit=brand_kit, role="secondary").hex == "#ffcc00"
