"""Checks for files that brand managers and users upload: fonts, ICC profiles and images.

Each check reads the bytes (never the extension) and raises ValidationError with a
message a person can act on. Nothing here touches the database.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fontTools.ttLib import TTFont
from PIL import Image, ImageCms, ImageOps

FONT_FORMATS = {b"\x00\x01\x00\x00": "TrueType", b"true": "TrueType", b"OTTO": "OpenType", b"wOF2": "WOFF2"}
MAX_FONT_BYTES = 10 * 1024 * 1024
MAX_ICC_BYTES = 5 * 1024 * 1024

# Formats Pillow may decode from an upload. EPS, PSD, FITS, PDF, BDF and friends are
# refused before any decoder runs (EPS would start Ghostscript).
UPLOAD_IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def _read(file, limit: int, what: str) -> bytes:
    file.seek(0)
    data = file.read(limit + 1)
    file.seek(0)
    if len(data) > limit:
        raise ValidationError(f"This {what} is larger than {_size_text(limit)}.")
    return data


def validate_font_file(file) -> None:
    """Accept only real TrueType, OpenType or WOFF2 fonts that have a usable glyph map."""
    data = _read(file, MAX_FONT_BYTES, "font file")
    kind = FONT_FORMATS.get(data[:4])
    if kind is None:
        raise ValidationError("This is not a TrueType, OpenType or WOFF2 font file.")
    damaged = ValidationError(f"This {kind} font file is damaged and cannot be read.")
    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        if kind != "WOFF2" and any(entry.offset + entry.length > len(data) for entry in font.reader.tables.values()):
            raise damaged  # truncated: a table runs past the end of the file
        family = font["name"].getDebugName(1)
        has_cmap = font.getBestCmap() is not None
        font.close()
    except ValidationError:
        raise
    except Exception as exc:  # any parser failure (TTLibError, struct.error, brotli.error, ...) means a bad file
        raise damaged from exc
    if not family or not has_cmap:
        raise ValidationError(f"This {kind} font has no family name or character map.")


ICC_DEVICE_CLASSES = {
    b"scnr": "a scanner or camera (an input profile)",
    b"mntr": "a screen",
    b"link": "a link between two devices",
    b"spac": "a colour space",
    b"abst": "an effect",
    b"nmcl": "a list of named colours",
}


def validate_icc_profile(file) -> None:
    """Accept only an ICC profile that LittleCMS can use to print: a CMYK output (printer) profile
    that converts sRGB into the printer's CMYK. It becomes the PDF/X output intent, so a profile
    whose header merely claims CMYK is not enough."""
    data = _read(file, MAX_ICC_BYTES, "colour profile")
    if len(data) < 128 or data[36:40] != b"acsp":
        raise ValidationError("This is not an ICC colour profile.")
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError) as exc:
        raise ValidationError("This ICC colour profile is damaged and cannot be read.") from exc
    # The header fields LittleCMS read, taken as bytes: Pillow decodes them as ASCII, which a
    # damaged header need not be.
    if data[16:20] != b"CMYK":
        raise ValidationError("This ICC profile is not for CMYK output; ask your printer for their CMYK profile.")
    device_class = data[12:16]
    if device_class != b"prtr":
        described = ICC_DEVICE_CLASSES.get(device_class, "something other than a printer")
        raise ValidationError(
            f"This CMYK profile describes {described}, not a printing condition; "
            "ask your printer for their output (printer) profile."
        )
    try:
        ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"),
            profile,
            "RGB",
            "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        )
    except ImageCms.PyCMSError as exc:
        raise ValidationError(
            "This CMYK profile is incomplete: it cannot convert colours for printing. "
            "Ask your printer for their CMYK profile again."
        ) from exc


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}[self.format]

    def as_upload(self, stem: str) -> SimpleUploadedFile:
        content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[self.extension]
        return SimpleUploadedFile(f"{stem}.{self.extension}", self.content, content_type=content_type)


def clean_uploaded_image(file, *, max_bytes: int | None = None, max_pixels: int | None = None) -> CleanImage:
    """Sniff, bound and re-encode an uploaded image, dropping all metadata.

    Raises ValidationError for anything that is not a PNG/JPEG/WebP/GIF, is over the byte or
    pixel limit (checked from the header, before decoding), or fails to decode.
    """
    max_bytes = max_bytes or settings.LASTMILE_MAX_UPLOAD_IMAGE_BYTES
    max_pixels = max_pixels or settings.LASTMILE_MAX_UPLOAD_IMAGE_PIXELS
    data = _read(file, max_bytes, "image")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=UPLOAD_IMAGE_FORMATS) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        f"This image is {width} × {height} pixels; the limit is {max_pixels // 1_000_000} megapixels."
                    )
                source_format = image.format
                image = ImageOps.exif_transpose(image)
                image.load()
                return _reencode(image, source_format)
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(
                f"This image is too large to process; the limit is {max_pixels // 1_000_000} megapixels."
            ) from exc
        except Image.UnidentifiedImageError as exc:
            raise ValidationError("This file is not a PNG, JPEG, WebP or GIF image.") from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise ValidationError("This image is damaged and cannot be read.") from exc


def _reencode(image: Image.Image, source_format: str) -> CleanImage:
    """Write the pixels alone into a fresh file: EXIF, XMP, ICC profiles and comments are gone.

    Pillow's encoders copy some metadata from `image.info` unless told otherwise (a JPEG's
    comment, a PNG's ICC profile), so the info is emptied before saving."""
    out = io.BytesIO()
    if source_format == "JPEG":
        image = image.convert("RGB")
        fmt = "JPEG"
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA") or "transparency" in image.info:
            image = image.convert("RGBA")
        fmt = "WEBP" if source_format == "WEBP" else "PNG"
    image.info = {}
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=90, optimize=True)
    else:
        image.save(out, format=fmt, **({"lossless": True} if fmt == "WEBP" else {"optimize": True}))
    return CleanImage(out.getvalue(), fmt, image.width, image.height)
