"""Colour arithmetic for the brand kit: WCAG contrast between two colours, and a colour's CMYK
as the printer's ICC profile prints it (LittleCMS through Pillow's ImageCms). Pure functions."""

import io

from PIL import Image, ImageCms

AA_NORMAL_TEXT = 4.5
AA_LARGE_TEXT = 3.0


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(value: str) -> float:
    r, g, b = (_linear(c) for c in hex_to_rgb(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def contrast_verdict(ratio: float) -> str:
    """What the ratio is good for under WCAG AA, in words."""
    if ratio >= AA_NORMAL_TEXT:
        return "Passes AA for all text"
    if ratio >= AA_LARGE_TEXT:
        return "AA for large text only"
    return "Fails AA"


def cmyk_from_hex(value: str, *, icc_profile: bytes) -> str:
    """The colour's CMYK percentages ("100, 60, 0, 20") as the printer's CMYK output profile
    prints it, converted from sRGB with a perceptual intent by LittleCMS."""
    transform = ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"),
        ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)),
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
    )
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), hex_to_rgb(value)), transform)
    return ", ".join(str(round(channel * 100 / 255)) for channel in pixel.getpixel((0, 0)))
