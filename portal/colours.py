"""The portal's own use of the brand colours: text in the brand's primary and secondary colours
(links, quiet buttons, labels) and white text on primary buttons must stay readable, whatever
colours the brand kit holds. A colour that would be too light on the portal's page background is
darkened, keeping its hue, until it reads at WCAG AA (4.5:1). Documents are never touched: they
render the brand kit as it is."""

from collections.abc import Iterable

# portal.css: the page background (--bg), the darkest background text in brand colours sits on.
PAGE_BACKGROUND = "#f5f7fa"
AA_TEXT = 4.5
# Roles the portal sets text in (or white text on). Others (surface, ...) are backgrounds.
TEXT_ROLES = frozenset({"primary", "secondary"})


def _channels(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(2 * c for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(_channels(first)), _luminance(_channels(second))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable(hex_colour: str, *, background: str = PAGE_BACKGROUND, minimum: float = AA_TEXT) -> str:
    """`hex_colour`, darkened towards black in small steps until it reads at `minimum` on
    `background` (and so on white); unchanged when it already does, or is not a #rrggbb colour."""
    try:
        rgb = _channels(hex_colour)
    except ValueError:
        return hex_colour
    for step in range(21):
        scale = 1 - step * 0.05
        candidate = "#{:02x}{:02x}{:02x}".format(*(round(c * scale) for c in rgb))
        if contrast(candidate, background) >= minimum:
            return candidate
    return "#000000"


def portal_colours(colours: Iterable) -> list[tuple[str, str]]:
    """(role, hex) for the portal's CSS variables: the text roles made readable, the rest as they are."""
    return [(colour.role, readable(colour.hex) if colour.role in TEXT_ROLES else colour.hex) for colour in colours]
