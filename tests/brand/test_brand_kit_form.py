"""The brand kit's colours in Wagtail settings: a swatch, a picker and the contrast against the
kit's text colours; the CMYK follows the hex through the printer's profile unless set by hand.
Crafted POSTs to Wagtail's settings view."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from brand.colour import cmyk_from_hex
from brand.models import BrandColour

PRINTER_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc").read_bytes()  # libgs-common


def _url(brand_kit):
    return reverse("wagtailsettings:edit", args=["brand", "brandkit", brand_kit.pk])


def _form(brand_kit, *, hex="#1B2F4E", cmyk="", by_hand=False, **extra) -> dict:
    colours = []
    for i, colour in enumerate(brand_kit.colours.all()):
        row = {"id": colour.pk, "role": colour.role, "name": colour.name, "hex": hex, "cmyk": cmyk, "ORDER": i}
        if by_hand:
            row["cmyk_set_by_hand"] = "on"
        colours.append(row)
    return nested_form_data(
        {"brand_name": "Example Corp", "colours": inline_formset(colours, initial=len(colours)), **extra}
    )


def _profile_upload():
    return SimpleUploadedFile("printer.icc", PRINTER_PROFILE, content_type="application/vnd.iccprofile")


def _primary(brand_kit) -> BrandColour:
    return brand_kit.colours.get(role="primary")


def test_the_colour_has_a_swatch_a_picker_and_a_contrast_line(brand_client, brand_kit):
    BrandColour.objects.create(brand_kit=brand_kit, role="text", name="Ink", hex="#222222")

    response = brand_client.get(_url(brand_kit))

    assert response.status_code == 200
    assert '<input type="color" value="#1b2f4e" aria-label="Pick the colour"' in response.text
    assert "lm-colour__swatch" in response.text
    assert "&quot;name&quot;: &quot;Ink&quot;, &quot;hex&quot;: &quot;#222222&quot;" in response.text
    assert "brand/colour.js" in response.text


def test_with_a_printer_profile_the_cmyk_follows_a_changed_hex(brand_client, brand_kit):
    response = brand_client.post(
        _url(brand_kit), _form(brand_kit, hex="#E8702A", cmyk="1, 2, 3, 4", print_icc_profile=_profile_upload())
    )

    assert response.status_code == 302
    primary = _primary(brand_kit)
    assert primary.hex == "#E8702A"
    assert primary.cmyk == cmyk_from_hex("#E8702A", icc_profile=PRINTER_PROFILE)


def test_the_stored_profile_is_used_when_only_the_hex_changes(brand_client, brand_kit):
    brand_client.post(_url(brand_kit), _form(brand_kit, print_icc_profile=_profile_upload()))

    brand_client.post(_url(brand_kit), _form(brand_kit, hex="#FFFFFF"))

    assert _primary(brand_kit).cmyk == "0, 0, 0, 0"


def test_a_cmyk_set_by_hand_is_kept_when_the_hex_changes(brand_client, brand_kit):
    response = brand_client.post(
        _url(brand_kit),
        _form(brand_kit, hex="#E8702A", cmyk="0, 60, 90, 0", by_hand=True, print_icc_profile=_profile_upload()),
    )

    assert response.status_code == 302
    primary = _primary(brand_kit)
    assert primary.cmyk == "0, 60, 90, 0"
    assert primary.cmyk_set_by_hand


def test_without_a_profile_the_cmyk_is_kept_as_typed(brand_client, brand_kit):
    response = brand_client.post(_url(brand_kit), _form(brand_kit, hex="#E8702A", cmyk="0, 60, 90, 0"))

    assert response.status_code == 302
    assert _primary(brand_kit).cmyk == "0, 60, 90, 0"


def test_a_hex_that_is_not_a_colour_is_refused_and_kept_as_typed(brand_client, brand_kit):
    response = brand_client.post(_url(brand_kit), _form(brand_kit, hex='"><i>z'))

    assert response.status_code == 200
    assert "Enter a colour as #RRGGBB" in response.text
    assert "<i>z" not in response.text
    assert "&quot;&gt;&lt;i&gt;z" in response.text
    assert '<input type="color" value="#000000"' in response.text
    assert _primary(brand_kit).hex == "#1B2F4E"
