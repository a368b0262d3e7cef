"""Demo imagery drawn with Pillow, so the repository ships no binary assets."""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = ("/usr/share/fonts/truetype/lato/", "/usr/share/fonts/truetype/dejavu/")


def _font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    for name in ("Lato-Black.ttf", "Lato-Bold.ttf") if bold else ("Lato-Regular.ttf",):
        for folder in FONT_DIRS:
            try:
                return ImageFont.truetype(folder + name, size)
            except OSError:
                continue
    return ImageFont.truetype("DejaVuSans-Bold.ttf", size)


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


def logo(name: str, subtitle: str, primary: str, accent: str, *, mono: bool = False) -> bytes:
    """A mark (a rising chevron in a roundel) and a wordmark, on a transparent background."""
    scale = 4
    width, height = 300 * scale, 80 * scale
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ink = (255, 255, 255, 255) if mono else (*_hex(primary), 255)
    roundel = (255, 255, 255, 255) if mono else (*_hex(primary), 255)
    draw.ellipse((4 * scale, 4 * scale, 76 * scale, 76 * scale), fill=roundel)
    chevron = (*_hex(primary), 255) if mono else (255, 255, 255, 255)
    cx, cy = 40 * scale, 42 * scale
    draw.polygon(
        [
            (cx - 16 * scale, cy + 18 * scale),
            (cx, cy - 20 * scale),
            (cx + 16 * scale, cy + 18 * scale),
            (cx + 8 * scale, cy + 18 * scale),
            (cx, cy - 2 * scale),
            (cx - 8 * scale, cy + 18 * scale),
        ],
        fill=chevron,
    )
    if not mono:
        draw.ellipse((cx + 12 * scale, cy - 24 * scale, cx + 20 * scale, cy - 16 * scale), fill=(*_hex(accent), 255))
    draw.text((90 * scale, 8 * scale), name, font=_font(38 * scale), fill=ink)
    sub_ink = (255, 255, 255, 220) if mono else (*_hex(accent if False else primary), 200)
    draw.text((92 * scale, 52 * scale), subtitle.upper(), font=_font(12 * scale, bold=False), fill=sub_ink)
    return _png(image.resize((width // 2, height // 2), Image.LANCZOS))


def skyline(primary: str, accent: str, *, seed: int, width: int = 2000, height: int = 900, dusk: bool = True) -> bytes:
    """A city skyline at dusk: gradient sky, layered towers with lit windows, a park strip."""
    rng = random.Random(seed)
    sky_top = _hex("#7DA7D9") if not dusk else _hex("#3B5B8C")
    sky_bottom = _hex("#DCE8F5") if not dusk else _hex("#F2C28B")
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(sky_top, sky_bottom, strict=True))
        )
    ground = int(height * 0.82)
    for layer, (shade, min_h, max_h) in enumerate(((0.55, 0.25, 0.55), (0.35, 0.35, 0.75))):
        x = rng.randint(-40, 0)
        base = _hex(primary)
        colour = tuple(int(c * shade + 30 * (1 - shade)) for c in base)
        while x < width:
            w = rng.randint(90, 190)
            h = int(height * rng.uniform(min_h, max_h))
            top = ground - h
            draw.rectangle([x, top, x + w, ground], fill=colour)
            if layer == 1:
                for wy in range(top + 18, ground - 20, 34):
                    for wx in range(x + 14, x + w - 20, 28):
                        if rng.random() < 0.55:
                            lit = (255, 214, 120) if rng.random() < 0.8 else (255, 240, 200)
                            draw.rectangle([wx, wy, wx + 12, wy + 18], fill=lit)
            x += w + rng.randint(6, 30)
    draw.rectangle([0, ground, width, height], fill=(58, 110, 62))
    for _ in range(60):
        tx = rng.randint(0, width)
        r = rng.randint(14, 30)
        draw.ellipse([tx - r, ground - r // 2, tx + r, ground + r], fill=(46, 96, 52))
    return _jpeg(image.filter(ImageFilter.SMOOTH))


def chart(primary: str, secondary: str, accent: str, *, width: int = 1200, height: int = 800) -> bytes:
    """A rising bar chart with a trend line, on the brand's tinted surface."""
    image = Image.new("RGB", (width, height), _hex("#F1F5FA"))
    draw = ImageDraw.Draw(image)
    bars = [0.32, 0.44, 0.56, 0.70, 0.86]
    base_y = int(height * 0.86)
    bar_w = 130
    gap = (width - 200 - bar_w * len(bars)) // (len(bars) - 1)
    points = []
    for i, value in enumerate(bars):
        x = 100 + i * (bar_w + gap)
        top = base_y - int(value * height * 0.72)
        fill = _hex(accent) if i == len(bars) - 1 else _hex(secondary)
        draw.rounded_rectangle([x, top, x + bar_w, base_y], radius=10, fill=fill)
        points.append((x + bar_w // 2, top - 50))
    draw.line(points, fill=_hex(primary), width=9)
    for px, py in points:
        draw.ellipse([px - 14, py - 14, px + 14, py + 14], fill=_hex(primary))
    draw.line([(70, base_y), (width - 70, base_y)], fill=(160, 170, 185), width=4)
    return _png(image)


def portrait(primary: str, *, seed: int, size: int = 600) -> bytes:
    """An abstract head-and-shoulders avatar for demo users."""
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size), _hex("#E4EBF3"))
    draw = ImageDraw.Draw(image)
    tone = rng.choice([(241, 200, 170), (198, 146, 110), (141, 96, 70), (224, 180, 150)])
    draw.ellipse([size * 0.18, size * 0.62, size * 0.82, size * 1.25], fill=_hex(primary))
    draw.ellipse([size * 0.32, size * 0.2, size * 0.68, size * 0.62], fill=tone)
    return _jpeg(image)


def pattern(primary: str, secondary: str, accent: str, *, seed: int, width: int = 1600, height: int = 1000) -> bytes:
    """Soft overlapping waves: a neutral background for flyers and covers."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), _hex(primary))
    draw = ImageDraw.Draw(image, "RGBA")
    for band in range(7):
        colour = _hex(secondary if band % 2 else accent)
        alpha = 40 + band * 12
        offset = rng.uniform(0, math.pi)
        amp = rng.randint(40, 110)
        base = int(height * (0.25 + band * 0.1))
        pts = [(x, base + int(amp * math.sin(x / 210 + offset))) for x in range(0, width + 20, 20)]
        draw.polygon([*pts, (width, height), (0, height)], fill=(*colour, alpha))
    return _jpeg(image.filter(ImageFilter.GaussianBlur(2)))
