"""Upload checks for fonts, ICC profiles and images (SECURITY.md S17, S19, S20, S22, C.8).

Every payload is generated here; no binaries are committed. "Before decoding" is checked with
Pillow's own allocation counter (`Image.core.get_stats()["new_count"]`, images whose pixel memory
was allocated): tracemalloc cannot see Pillow's C buffers, so it only bounds the Python side.
"""

import io
import struct
import tracemalloc
import zlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import EpsImagePlugin, Image, ImageCms, PngImagePlugin

from brand.uploads import clean_uploaded_image, validate_font_file, validate_icc_profile

from ..factories.brand import LATO, png_bytes

LATO_REGULAR = (LATO / "Lato-Regular.ttf").read_bytes()
NOT_AN_IMAGE = "This file is not a PNG, JPEG, WebP or GIF image."
ARTIST = "Jane Photographer"
COMMENT = b"shot at 51.5N 0.12W by Jane"


# --- payload builders -------------------------------------------------------------------------


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _woff2(data: bytes = LATO_REGULAR) -> bytes:
    font = TTFont(io.BytesIO(data))
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _icc_header(colour_space: bytes, *, device_class: bytes = b"prtr") -> bytes:
    header = bytearray(128)
    struct.pack_into(">I", header, 0, 132)
    struct.pack_into(">I", header, 8, 0x04300000)
    header[12:16] = device_class
    header[16:20] = colour_space
    header[20:24] = b"Lab "
    header[36:40] = b"acsp"
    return bytes(header) + struct.pack(">I", 0)


def _picture() -> Image.Image:
    return Image.effect_mandelbrot((64, 48), (-2, -1.5, 1, 1.5), 40).convert("RGB")


def _encoded(fmt: str, image: Image.Image | None = None, **save_kwargs) -> bytes:
    out = io.BytesIO()
    (image or _picture()).save(out, format=fmt, **save_kwargs)
    return out.getvalue()


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = ARTIST  # Artist
    exif[0x0110] = "Secret Camera 9000"  # Model
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPS IFD
    return exif


def _jpeg_with_metadata() -> bytes:
    return _encoded("JPEG", exif=_exif(), comment=COMMENT, xmp=b"<x:xmpmeta>Jane's house</x:xmpmeta>")


def _png_with_metadata() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", ARTIST)
    text.add_itxt("Comment", COMMENT.decode())
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return _encoded("PNG", pnginfo=text, exif=_exif(), icc_profile=srgb)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _declared_png(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height RGB pixels, with one row of real data (a few hundred bytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * (1 + 3 * min(width, 64)), 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n%%EndComments\n"
    b"(/etc/passwd) (r) file pop\nnewpath 0 0 moveto 100 100 lineto stroke\nshowpage\n%%EOF\n"
)
SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)
BDF = (
    b"STARTFONT 2.1\nFONT -lastmile-bomb-medium-r-normal--16-160-75-75-c-80-iso10646-1\nSIZE 16 75 75\n"
    b"FONTBOUNDINGBOX 20000 20000 0 0\nCHARS 1\nSTARTCHAR A\nENCODING 65\nSWIDTH 500 0\nDWIDTH 8 0\n"
    b"BBX 20000 20000 0 0\nBITMAP\n00\nENDCHAR\nENDFONT\n"
)
FITS = b"".join(
    card.ljust(80).encode()
    for card in (
        "SIMPLE  =                    T",
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        "NAXIS1  =                   16",
        "NAXIS2  =                   16",
        "END",
    )
).ljust(2880) + bytes(2880)
PSD = b"8BPS\x00\x01" + bytes(6) + struct.pack(">HIIHH", 3, 16, 16, 8, 3) + bytes(12) + bytes(16 * 16 * 3)


# --- fonts ------------------------------------------------------------------------------------


def test_a_real_truetype_font_is_accepted():
    upload = _upload("Lato-Regular.ttf", LATO_REGULAR)

    accepted = validate_font_file(upload)

    assert accepted is None  # no ValidationError
    assert upload.read() == LATO_REGULAR  # left whole and rewound, ready to be stored


def test_a_real_woff2_font_is_accepted():
    woff2 = _woff2()
    upload = _upload("Lato-Regular.woff2", woff2)

    accepted = validate_font_file(upload)

    assert accepted is None  # no ValidationError
    assert upload.read() == woff2  # left whole and rewound, ready to be stored


BAD_FONTS = {
    "text file named .ttf": (
        "notes.ttf",
        b"This is not a font, honest.\n" * 20,
        "This is not a TrueType, OpenType or WOFF2 font file.",
    ),
    "png named .woff2": ("logo.woff2", png_bytes(), "This is not a TrueType, OpenType or WOFF2 font file."),
    "empty file": ("empty.ttf", b"", "This is not a TrueType, OpenType or WOFF2 font file."),
    "ttf cut in half": (
        "Lato.ttf",
        LATO_REGULAR[: len(LATO_REGULAR) // 2],
        "This TrueType font file is damaged and cannot be read.",
    ),
    "ttf missing its last bytes": (
        "Lato.ttf",
        LATO_REGULAR[:-10],
        "This TrueType font file is damaged and cannot be read.",
    ),
    "ttf header only": ("Lato.ttf", LATO_REGULAR[:12], "This TrueType font file is damaged and cannot be read."),
    "woff2 cut in half": ("Lato.woff2", _woff2()[:100_000], "This WOFF2 font file is damaged and cannot be read."),
}


@pytest.mark.parametrize(("name", "content", "message"), BAD_FONTS.values(), ids=BAD_FONTS.keys())
def test_a_file_that_is_not_a_whole_font_is_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as raised:
        validate_font_file(_upload(name, content))

    assert raised.value.messages == [message]


# --- ICC profiles -----------------------------------------------------------------------------


PRINTER_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc").read_bytes()  # libgs-common


def _with_device_class(profile: bytes, device_class: bytes) -> bytes:
    return profile[:12] + device_class + profile[16:]


def test_a_cmyk_output_profile_is_accepted():
    upload = _upload("printer.icc", PRINTER_PROFILE)

    validate_icc_profile(upload)

    assert upload.read() == PRINTER_PROFILE  # left whole and rewound, ready to be stored


def test_a_header_that_claims_cmyk_output_without_the_profile_behind_it_is_refused():
    with pytest.raises(ValidationError) as raised:
        validate_icc_profile(_upload("printer.icc", _icc_header(b"CMYK")))

    assert raised.value.messages == [
        "This CMYK profile is incomplete: it cannot convert colours for printing. "
        "Ask your printer for their CMYK profile again."
    ]


def test_a_cmyk_profile_cut_short_is_refused():
    with pytest.raises(ValidationError) as raised:
        validate_icc_profile(_upload("printer.icc", PRINTER_PROFILE[:5000]))

    assert "cannot convert colours for printing" in raised.value.messages[0]


@pytest.mark.parametrize(
    ("device_class", "described"),
    [(b"scnr", "a scanner or camera"), (b"mntr", "a screen"), (b"link", "a link between two devices")],
)
def test_a_cmyk_profile_that_is_not_for_a_printer_is_refused(device_class, described):
    with pytest.raises(ValidationError) as raised:
        validate_icc_profile(_upload("camera.icc", _with_device_class(PRINTER_PROFILE, device_class)))

    assert described in raised.value.messages[0]
    assert "ask your printer for their output (printer) profile" in raised.value.messages[0]


def test_a_profile_with_a_damaged_header_is_refused_with_a_message():
    damaged = (
        PRINTER_PROFILE[:4] + b"\x82\xff\x00\x01" + PRINTER_PROFILE[8:12] + b"\x82\x82\x82\x82" + PRINTER_PROFILE[16:]
    )

    with pytest.raises(ValidationError):
        validate_icc_profile(_upload("printer.icc", damaged))


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(changes=st.lists(st.tuples(st.integers(0, 131), st.integers(0, 255)), min_size=1, max_size=8))
def test_any_damage_to_a_profiles_header_gives_a_validation_error_or_a_usable_profile(changes):
    profile = bytearray(PRINTER_PROFILE)
    for position, value in changes:
        profile[position] = value

    try:
        validate_icc_profile(_upload("printer.icc", bytes(profile)))
    except ValidationError:
        return
    assert profile[12:20] == b"prtrCMYK"


def test_random_bytes_are_not_an_icc_profile():
    with pytest.raises(ValidationError) as raised:
        validate_icc_profile(_upload("printer.icc", bytes(range(256)) * 4))

    assert raised.value.messages == ["This is not an ICC colour profile."]


def test_a_file_shorter_than_an_icc_header_is_not_an_icc_profile():
    with pytest.raises(ValidationError) as raised:
        validate_icc_profile(_upload("printer.icc", _icc_header(b"CMYK")[:100]))

    assert raised.value.messages == ["This is not an ICC colour profile."]


@pytest.mark.parametrize(
    "profile",
    [_icc_header(b"RGB "), ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()],
    ids=["rgb header", "real srgb profile"],
)
def test_an_rgb_profile_is_refused_with_a_request_for_the_printers_cmyk_profile(profile):
    with pytest.raises(ValidationError) as raised:
        validate_icc_profile(_upload("screen.icc", profile))

    assert "not for CMYK output" in raised.value.messages[0]


# --- images: accepted and re-encoded ----------------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [("PNG", "PNG"), ("JPEG", "JPEG"), ("WEBP", "WEBP"), ("GIF", "PNG")])
def test_a_valid_image_is_accepted_and_re_encoded(source, expected):
    upload = _upload(f"picture.{source.lower()}", _encoded(source))

    clean = clean_uploaded_image(upload)

    reopened = Image.open(io.BytesIO(clean.content))
    assert (clean.format, reopened.format) == (expected, expected)
    assert (clean.width, clean.height) == (64, 48) == reopened.size


def test_a_jpeg_comes_out_without_exif_gps_xmp_or_comment():
    clean = clean_uploaded_image(_upload("photo.jpg", _jpeg_with_metadata()))

    reopened = Image.open(io.BytesIO(clean.content))
    assert dict(reopened.getexif()) == {}
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(reopened.info)
    assert ARTIST.encode() not in clean.content
    assert COMMENT not in clean.content
    assert b"Jane's house" not in clean.content


def test_a_png_comes_out_without_text_exif_or_icc_chunks():
    clean = clean_uploaded_image(_upload("logo.png", _png_with_metadata()))

    reopened = Image.open(io.BytesIO(clean.content))
    assert dict(reopened.getexif()) == {}
    assert not {"Author", "Comment", "exif", "icc_profile"} & set(reopened.info)
    assert ARTIST.encode() not in clean.content


# --- images: refused --------------------------------------------------------------------------


def _pillow_images_allocated() -> int:
    return Image.core.get_stats()["new_count"]


@pytest.mark.parametrize(
    ("width", "height"),
    [(20_000, 20_000), (10_000, 10_000), (7_000, 7_000)],
    ids=["over Pillow's bomb error", "over Pillow's bomb warning", "over our 40 MP limit only"],
)
def test_a_png_declaring_too_many_pixels_is_refused_before_decoding(width, height):
    upload = _upload("logo.png", _declared_png(width, height))
    allocated_before = _pillow_images_allocated()
    tracemalloc.start()

    try:
        with pytest.raises(ValidationError) as raised:
            clean_uploaded_image(upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "40 megapixels" in raised.value.messages[0]
    assert _pillow_images_allocated() == allocated_before
    assert peak < 50 * 1024 * 1024


def test_a_png_within_the_pixel_limit_is_still_decoded():
    allocated_before = _pillow_images_allocated()

    clean_uploaded_image(_upload("logo.png", _encoded("PNG")))

    assert _pillow_images_allocated() > allocated_before


REFUSED_FORMATS = {
    "eps named png": ("logo.png", EPS),
    "tiff": ("logo.png", _encoded("TIFF")),
    "bmp": ("logo.png", _encoded("BMP")),
    "pdf": ("logo.png", _encoded("PDF")),
    "fits": ("logo.png", FITS),
    "psd": ("logo.png", PSD),
    "bdf font": ("logo.png", BDF),
    "svg with script": ("logo.svg", SVG_WITH_SCRIPT),
}


@pytest.mark.parametrize(("name", "content"), REFUSED_FORMATS.values(), ids=REFUSED_FORMATS.keys())
def test_a_file_in_a_format_outside_the_allow_list_is_refused(name, content):
    with pytest.raises(ValidationError) as raised:
        clean_uploaded_image(_upload(name, content))

    assert raised.value.messages == [NOT_AN_IMAGE]


def test_eps_bytes_never_reach_the_eps_parser_or_ghostscript(monkeypatch):
    parsed = []
    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", lambda self: parsed.append(self))
    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", lambda *args, **kwargs: parsed.append(args))

    with pytest.raises(ValidationError):
        clean_uploaded_image(_upload("logo.png", EPS))

    assert parsed == []


@override_settings(LASTMILE_MAX_UPLOAD_IMAGE_BYTES=2048)
def test_an_image_over_the_byte_limit_is_refused_with_the_limit_in_the_message():
    content = _encoded("PNG", Image.effect_noise((128, 128), 80).convert("RGB"))
    assert len(content) > 2048

    with pytest.raises(ValidationError) as raised:
        clean_uploaded_image(_upload("logo.png", content))

    assert raised.value.messages == ["This image is larger than 2 KB."]


class _CountingFile(io.BytesIO):
    def __init__(self, content: bytes):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


@override_settings(LASTMILE_MAX_UPLOAD_IMAGE_BYTES=4096)
def test_an_oversize_upload_is_refused_after_reading_no_more_than_the_limit():
    upload = _CountingFile(png_bytes() + bytes(5 * 1024 * 1024))

    with pytest.raises(ValidationError):
        clean_uploaded_image(upload)

    assert upload.bytes_read <= 4097


# --- through the Wagtail admin ----------------------------------------------------------------


@pytest.fixture
def uploader_client(brand_client):
    """A brand manager: the role may add images in Wagtail (see accounts/roles.py)."""
    return brand_client


@pytest.fixture(params=["in memory", "temporary file"])
def upload_handling(request, settings):
    """Django keeps small uploads in memory and spools bigger ones to a temporary file."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440 if request.param == "in memory" else 0
    return request.param


def _stored_files() -> set[str]:
    try:
        return set(default_storage.listdir("original_images")[1])
    except FileNotFoundError:
        return set()


def _add_image(client, name: str, content: bytes, content_type: str, title: str = "Upload"):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": _upload(name, content, content_type),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def test_eps_uploaded_as_png_in_the_admin_shows_an_error_and_stores_nothing(uploader_client):
    files_before = _stored_files()

    response = _add_image(uploader_client, "logo.png", EPS, "image/png")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["form"].errors["file"][0] in response.content.decode()
    assert not get_image_model().objects.exists()
    assert _stored_files() == files_before


def test_a_pixel_flood_png_in_the_admin_shows_an_error_without_decoding(uploader_client):
    allocated_before = _pillow_images_allocated()

    response = _add_image(uploader_client, "logo.png", _declared_png(20_000, 20_000), "image/png")

    assert response.status_code == 200
    assert "too many pixels" in str(response.context["form"].errors["file"])
    assert not get_image_model().objects.exists()
    assert _pillow_images_allocated() == allocated_before


def test_a_jpeg_uploaded_in_the_admin_is_stored_without_exif(uploader_client, brand_manager, upload_handling):
    response = _add_image(uploader_client, "holiday.jpg", _jpeg_with_metadata(), "image/jpeg", title="Holiday")

    assert response.status_code == 302
    image = get_image_model().objects.get(title="Holiday")
    with image.file.open("rb") as handle:
        stored = handle.read()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert ARTIST.encode() not in stored
    assert COMMENT not in stored
    assert image.uploaded_by_user == brand_manager
    assert (image.width, image.height) == (64, 48)
    assert image.file_size == len(stored)


def test_a_jpeg_parked_by_the_multiple_uploader_is_stored_without_exif(uploader_client, upload_handling):
    # A title over 255 characters fails validation, so Wagtail parks the upload as an UploadedFile
    # and builds the image from it later, without the image form's file field.
    response = uploader_client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "title": "x" * 300,
            "collection": Collection.get_first_root_node().pk,
            "files[]": _upload("holiday.jpg", _jpeg_with_metadata(), "image/jpeg"),
        },
        headers={"X-Requested-With": "XMLHttpRequest"},
    )

    assert response.status_code == 200
    parked = UploadedFile.objects.get()
    with parked.file.open("rb") as handle:
        stored = handle.read()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert ARTIST.encode() not in stored
    assert COMMENT not in stored
