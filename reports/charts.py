"""Server-drawn SVG charts for the reports: no JavaScript, nothing that needs a hover to be read.

Build a chart object here and draw it with the `report_charts` template tags::

    chart = interval_chart(points, caption="Win rate by template, 95% intervals", reference=0.38,
                           reference_label="All templates")
    {% load report_charts %}{% interval_chart chart %}

Every coordinate is computed here and handed to the template as a string (a localised float in a template
would print "12,5"). Labels are untrusted text (template titles, organisation names): they stay plain
strings and the templates autoescape them.

Each chart is a `<figure>` with a `<figcaption>` and an SVG with `role="img"` and a `<title>` summary;
the page renders the data table behind the chart. The SVG scales to its container (viewBox, width 100%);
text and axes use `currentColor`, so they follow the page's colour (light or dark); the data colours keep
3:1 contrast against white and against a dark background, and nothing is told by colour alone (greyed
rows and bars outside a band are also labelled in text).
"""

import math
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 400  # viewBox units; text stays readable when a phone shows the chart about 340 px wide
PAD = 8  # keeps a dot at 0% or 100% inside the drawing
FONT_CHAR = 7.8  # average width of a 14-unit character, for fitting labels
SMALL_CHAR = 7  # the same for 12-unit text

SERIES = "#3a78c4"
GREY = "#767676"
ALERT = "#c4620a"


# Inputs


@dataclass(frozen=True)
class IntervalPoint:
    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    greyed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""


# What the templates draw


@dataclass(frozen=True)
class Label:
    text: str  # possibly shortened
    full: str  # the whole label, for <title> when shortened

    @property
    def truncated(self) -> bool:
        return self.text != self.full


@dataclass(frozen=True)
class Tick:
    at: str  # the x of a vertical gridline, or the y of a horizontal one
    label: str
    anchor: str = "middle"
    text_at: str = ""  # the y of a horizontal gridline's label


@dataclass(frozen=True)
class VerticalLine:
    x: str
    path: str  # drawn only across the rows' plot strips, so it never crosses a label
    label: str = ""
    label_x: str = ""
    label_y: str = ""
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    caption: str
    summary: str
    height: str
    rows: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    grid_top: str = "0"
    grid_path: str = ""
    axis_y: str = "0"
    tick_y: str = "0"
    reference: VerticalLine | None = None
    zero: VerticalLine | None = None
    extra: dict = field(default_factory=dict)
    width: str = str(WIDTH)
    kind: str = ""
    id: str = field(default_factory=lambda: f"chart-{uuid.uuid4().hex[:8]}")
    colours: dict = field(default_factory=lambda: {"series": SERIES, "grey": GREY, "alert": ALERT})

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class IntervalRow:
    y: str
    label: Label
    text: str
    note: str
    greyed: bool
    value_x: str | None
    low_x: str | None
    high_x: str | None
    note_y: str = "44"


@dataclass(frozen=True)
class BarRow:
    y: str
    label: Label
    text: str
    x: str
    width: str
    outside: bool = False


@dataclass(frozen=True)
class Column:
    x: str
    y: str
    width: str
    height: str
    centre: str
    value_text: str
    value_y: str
    label: Label | None
    value: float | None
    label_x: str = ""
    label_anchor: str = "middle"


# Numbers and text


def _c(number: float) -> str:
    """A coordinate, rounded to a tenth, without a trailing .0."""
    rounded = round(number, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def _minus(text: str) -> str:
    return text.replace("-", "\u2212")


def _number(value: float) -> str:
    if float(value).is_integer():
        return _minus(f"{int(value):,}")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return _minus(text)


def _parts(value: float, value_format: str) -> tuple[str, str]:
    """(number, unit) for a value: percent 0.42 -> ("42", "%"); points 0.12 -> ("+12", " pts")."""
    if value_format == "percent":
        return _minus(f"{value * 100:.0f}"), "%"
    if value_format == "points":
        rounded = round(value * 100)
        return (f"+{rounded}" if rounded > 0 else _minus(str(rounded))), " pts"
    return _number(value), ""


def format_value(value: float | None, value_format: str = "number") -> str:
    if value is None:
        return "\u2014"
    number, unit = _parts(value, value_format)
    return number + unit


def format_range(low: float, high: float, value_format: str) -> str:
    (low_text, unit), (high_text, _) = _parts(low, value_format), _parts(high, value_format)
    if value_format == "points" or low < 0 or high < 0:
        return f"{low_text} to {high_text}{unit}"
    return f"{low_text}\u2013{high_text}{unit}"


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _char_width(char: str) -> int:
    """In average-character units: a wide (CJK) character is two, a combining mark none."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _label(text: str, max_chars: int) -> Label:
    """The label cut to fit `max_chars` average characters, ending in an ellipsis when cut. Works on the
    plain text; the template escapes it afterwards, so an entity is never cut in half."""
    full = _clean(text)
    budget = max(max_chars, 8)
    if sum(_char_width(char) for char in full) <= budget:
        return Label(full, full)
    used, end = 0, 0
    for index, char in enumerate(full):
        width = _char_width(char)
        if used + width > budget - 1:  # room for the ellipsis
            break
        used += width
        end = index + 1
    return Label(full[:end].rstrip() + "\u2026", full)


def _fit(width_left: float, char_width: float = FONT_CHAR) -> int:
    return int(width_left // char_width)


class _Scale:
    def __init__(self, domain: tuple[float, float], left: float, right: float):
        self.low, self.high = float(domain[0]), float(domain[1])
        if self.high <= self.low:
            raise ValueError(f"Empty domain {domain!r}")
        self.left, self.right = left, right

    def clamp(self, value: float) -> float:
        return min(max(value, self.low), self.high)

    def x(self, value: float) -> float:
        share = (self.clamp(value) - self.low) / (self.high - self.low)
        return self.left + share * (self.right - self.left)

    def contains(self, value: float) -> bool:
        return self.low < value < self.high


def _nice_step(span: float, target: int = 4, *, whole: bool = False) -> float:
    """A round step for about `target` ticks; `whole` (counts) never goes below 1."""
    raw = span / target
    if whole and raw <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if whole and (multiple * magnitude) % 1:
            continue
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _nice_max(value: float, *, whole: bool = False) -> float:
    if value <= 0:
        return 1.0
    step = _nice_step(value, whole=whole)
    return math.ceil(value / step - 1e-9) * step


def _tick_values(low: float, high: float, *, whole: bool = False) -> list[float]:
    step = _nice_step(high - low, whole=whole)
    first = math.ceil(low / step - 1e-9)
    values = []
    index = first
    while index * step <= high + step * 1e-9:
        values.append(round(index * step, 10))
        index += 1
    return values


def _ticks(scale: _Scale, value_format: str) -> list[Tick]:
    values = _tick_values(scale.low, scale.high, whole=value_format == "number")
    ticks = []
    for value in values:
        x = scale.x(value)
        anchor = "start" if x - scale.left < 12 else "end" if scale.right - x < 12 else "middle"
        ticks.append(Tick(_c(x), format_value(value, value_format), anchor))
    return ticks


def _strip_path(xs: Sequence[float], strips: Sequence[tuple[float, float]]) -> str:
    """Vertical segments at each x across each (top, bottom) strip, as one SVG path."""
    return "".join(f"M{_c(x)} {_c(top)}V{_c(bottom)}" for x in xs for top, bottom in strips)


def _grid_path(scale: _Scale, strips, axis_y: float, *, whole: bool = False) -> str:
    xs = [scale.x(value) for value in _tick_values(scale.low, scale.high, whole=whole)]
    return _strip_path(xs, [*strips, (axis_y - 4, axis_y)])


def _reference(scale: _Scale, value: float, label: str, value_format: str, strips) -> VerticalLine:
    x = scale.x(value)
    text = _clean(f"{label} {format_value(value, value_format)}")
    right_side = x > WIDTH * 0.6
    return VerticalLine(
        x=_c(x),
        path=_strip_path([x], [(16, 18), *strips]),
        label=text,
        label_x=_c(x - 4 if right_side else x + 4),
        label_y="12",
        anchor="end" if right_side else "start",
    )


# Interval charts


def interval_chart(
    points: Sequence[IntervalPoint],
    *,
    caption: str,
    domain: tuple[float, float] = (0.0, 1.0),
    reference: float | None = None,
    reference_label: str = "",
    value_format: str = "percent",
    summary: str | None = None,
) -> Chart:
    """One row per point: label and "42% (31–54%) n=57" above a line from low to high with a dot at the value.

    Greyed points are drawn in grey with their note printed; `reference` draws a labelled dashed line
    (e.g. the comparison group's rate). A domain that spans zero (a difference chart, (-1, 1) with
    value_format="points") gets a zero line. Values outside the domain are drawn at its edge.
    """
    scale = _Scale(domain, PAD, WIDTH - PAD)
    top = 22.0 if reference is not None else 4.0
    rows = []
    strips = []
    y = top
    for point in points:
        text = _interval_text(point, value_format)
        label_room = WIDTH - len(text) * FONT_CHAR - 20
        strips.append((y + 17, y + 35))
        has_line = point.low is not None and point.high is not None
        rows.append(
            IntervalRow(
                y=_c(y),
                label=_label(point.label, _fit(label_room)),
                text=text,
                note=_clean(point.note),
                greyed=point.greyed,
                value_x=_c(scale.x(point.value)) if point.value is not None else None,
                low_x=_c(scale.x(point.low)) if has_line else None,
                high_x=_c(scale.x(point.high)) if has_line else None,
            )
        )
        y += 52 if point.note else 36
    axis_y = y + 2
    chart = Chart(
        kind="interval",
        caption=_clean(caption),
        summary=summary or _interval_summary(caption, points, reference, reference_label, value_format),
        height=_c(axis_y + 18),
        rows=rows,
        ticks=_ticks(scale, value_format),
        grid_top=_c(top),
        grid_path=_grid_path(scale, strips, axis_y),
        axis_y=_c(axis_y),
        tick_y=_c(axis_y + 14),
        reference=(
            _reference(scale, reference, reference_label, value_format, strips) if reference is not None else None
        ),
        zero=(
            VerticalLine(x=_c(scale.x(0)), path=_strip_path([scale.x(0)], strips))
            if scale.contains(0) and reference != 0
            else None
        ),
    )
    return chart


def _interval_text(point: IntervalPoint, value_format: str) -> str:
    parts = []
    if point.value is not None:
        parts.append(format_value(point.value, value_format))
    if point.low is not None and point.high is not None:
        parts.append(f"({format_range(point.low, point.high, value_format)})")
    parts.append(f"n={point.n:,}")
    return " ".join(parts)


def _interval_summary(caption, points, reference, reference_label, value_format) -> str:
    sentences = [_clean(caption)]
    judged = [point for point in points if point.value is not None and not point.greyed]
    if judged:
        highest = max(judged, key=lambda point: point.value)
        lowest = min(judged, key=lambda point: point.value)
        sentences.append(f"Highest: {_clean(highest.label)}, {_interval_text(highest, value_format)}")
        if lowest is not highest:
            sentences.append(f"Lowest: {_clean(lowest.label)}, {_interval_text(lowest, value_format)}")
    greyed = sum(1 for point in points if point.greyed)
    if greyed:
        sentences.append(f"{greyed} of {len(points)} greyed out")
    if reference is not None:
        sentences.append(f"Reference line: {_clean(f'{reference_label} {format_value(reference, value_format)}')}")
    return ". ".join(sentences) + "."


# Bar charts


def bar_chart(
    bars: Sequence[Bar],
    *,
    caption: str,
    value_format: str = "number",
    band: tuple[float, float] | None = None,
    band_label: str = "",
    summary: str | None = None,
) -> Chart:
    """Horizontal bars, the value printed at the end of each row. With `band` (e.g. (0.6, 0.7)) the band is
    shaded behind the bars, and bars outside it are drawn in the alert colour and say "below"/"above"."""
    values = [bar.value for bar in bars if bar.value is not None]
    high = (
        max([1.0, *values])
        if value_format == "percent"
        else _nice_max(max(values, default=0), whole=value_format == "number")
    )
    scale = _Scale((0.0, high), PAD, WIDTH - PAD)
    top = 22.0 if band else 4.0
    rows = []
    strips = []
    y = top
    for bar in bars:
        outside = ""
        if band and bar.value is not None:
            outside = "below" if bar.value < band[0] else "above" if bar.value > band[1] else ""
        text = " \u00b7 ".join(
            part
            for part in (format_value(bar.value, value_format), _clean(bar.note), outside and f"{outside} band")
            if part
        )
        label_room = WIDTH - len(text) * FONT_CHAR - 20
        strips.append((y + 18, y + 34))
        end = scale.x(bar.value) if bar.value is not None else scale.left
        rows.append(
            BarRow(
                y=_c(y),
                label=_label(bar.label, _fit(label_room)),
                text=text,
                x=_c(scale.left),
                width=_c(max(end - scale.left, 0)),
                outside=bool(outside),
            )
        )
        y += 40
    axis_y = y + 2
    extra = {}
    if band:
        low_x, high_x = scale.x(band[0]), scale.x(band[1])
        band_text = _clean(f"{band_label} {format_range(band[0], band[1], value_format)}")
        right_side = low_x > WIDTH * 0.6
        extra["band"] = {
            "x": _c(low_x),
            "width": _c(high_x - low_x),
            "height": _c(axis_y - top),
            "high_x": _c(high_x),
            "label": band_text,
            "edges": _strip_path([low_x, high_x], strips),
            "label_x": _c(high_x if right_side else low_x),
            "anchor": "end" if right_side else "start",
        }
    return Chart(
        kind="bar",
        caption=_clean(caption),
        summary=summary or _bar_summary(caption, bars, value_format, band, band_label),
        height=_c(axis_y + 18),
        rows=rows,
        ticks=_ticks(scale, value_format),
        grid_top=_c(top),
        grid_path=_grid_path(scale, strips, axis_y, whole=value_format == "number"),
        axis_y=_c(axis_y),
        tick_y=_c(axis_y + 14),
        extra=extra,
    )


def band_chart(
    bars: Sequence[Bar],
    *,
    caption: str,
    band: tuple[float, float],
    band_label: str = "",
    summary: str | None = None,
) -> Chart:
    """Percentage bars against a reference band, e.g. band=(0.6, 0.7), band_label="Expected"."""
    return bar_chart(bars, caption=caption, value_format="percent", band=band, band_label=band_label, summary=summary)


def _bar_summary(caption, bars, value_format, band, band_label) -> str:
    sentences = [_clean(caption)]
    valued = [bar for bar in bars if bar.value is not None]
    if valued:
        highest = max(valued, key=lambda bar: bar.value)
        lowest = min(valued, key=lambda bar: bar.value)
        sentences.append(f"Highest: {_clean(highest.label)}, {format_value(highest.value, value_format)}")
        if lowest is not highest:
            sentences.append(f"Lowest: {_clean(lowest.label)}, {format_value(lowest.value, value_format)}")
    if band:
        outside = sum(1 for bar in valued if not band[0] <= bar.value <= band[1])
        band_text = _clean(f"{band_label} band {format_range(band[0], band[1], value_format)}")
        sentences.append(f"{outside} of {len(valued)} outside the {band_text}")
    return ". ".join(sentences) + "."


# Trend charts


TREND_LEFT = 44
TREND_TOP = 20
TREND_PLOT_HEIGHT = 160


def trend_chart(
    points: Sequence[tuple[str, float | None]],
    caption: str,
    *,
    value_format: str = "number",
    summary: str | None = None,
) -> Chart:
    """Columns over time (e.g. downloads a month), y gridlines labelled on the left. Every value is printed
    above its column when there is room; otherwise the highest and the latest are. X labels are thinned
    from the latest backwards so they do not overlap."""
    values = [value for _, value in points if value is not None]
    high = (
        1.0
        if value_format == "percent" and max(values, default=0) <= 1
        else _nice_max(max(values, default=0), whole=value_format == "number")
    )
    bottom = TREND_TOP + TREND_PLOT_HEIGHT
    y_scale = _Scale((0.0, high), bottom, TREND_TOP)  # upside down: larger values higher
    label_chars = min(max((len(_clean(label)) for label, _ in points), default=1), 10)
    left, right = TREND_LEFT, WIDTH - max(4, label_chars * SMALL_CHAR / 2 - 8)  # room for the last label
    slot = (right - left) / max(len(points), 1)
    column_width = max(slot * 0.7, 1)

    texts = [format_value(value, value_format) if value is not None else "\u2013" for _, value in points]
    all_fit = all(len(text) * SMALL_CHAR <= slot for text in texts)
    shown = set(range(len(points))) if all_fit else _highest_and_latest(points)
    every = max(1, math.ceil((label_chars * SMALL_CHAR + 14) / slot))

    columns = []
    for index, (label, value) in enumerate(points):
        centre = left + slot * (index + 0.5)
        top = y_scale.x(value) if value is not None else bottom
        labelled = (len(points) - 1 - index) % every == 0
        label = _label(label, 10) if labelled else None
        label_x, label_anchor = centre, "middle"
        if label and centre + len(label.text) * SMALL_CHAR / 2 > right:
            label_x, label_anchor = right, "end"
        elif label and centre - len(label.text) * SMALL_CHAR / 2 < left:
            label_x, label_anchor = left, "start"
        columns.append(
            Column(
                x=_c(centre - column_width / 2),
                y=_c(top),
                width=_c(column_width),
                height=_c(bottom - top),
                centre=_c(centre),
                value_text=texts[index] if index in shown else "",
                value_y=_c(top - 4),  # a missing value's dash sits on the baseline
                label=label,
                value=value,
                label_x=_c(label_x),
                label_anchor=label_anchor,
            )
        )
    ticks = [
        Tick(
            at=_c(y_scale.x(value)),
            label=format_value(value, value_format),
            anchor="end",
            text_at=_c(y_scale.x(value) + 4),
        )
        for value in _tick_values(0.0, high, whole=value_format == "number")
    ]
    return Chart(
        kind="trend",
        caption=_clean(caption),
        summary=summary or _trend_summary(caption, points, value_format),
        height=_c(bottom + 22),
        rows=columns,
        ticks=ticks,
        tick_y=_c(bottom + 16),
        grid_top=_c(TREND_TOP),
        axis_y=_c(bottom),
        extra={"left": _c(left), "right": _c(right), "tick_x": _c(left - 4)},
    )


def _highest_and_latest(points) -> set[int]:
    valued = [index for index, (_, value) in enumerate(points) if value is not None]
    if not valued:
        return set()
    return {max(valued, key=lambda index: points[index][1]), valued[-1]}


def _trend_summary(caption, points, value_format) -> str:
    sentences = [_clean(caption)]
    valued = [(label, value) for label, value in points if value is not None]
    if valued:
        sentences.append(f"{len(points)} periods, {_clean(points[0][0])} to {_clean(points[-1][0])}")
        label, value = max(valued, key=lambda point: point[1])
        sentences.append(f"Highest: {_clean(label)}, {format_value(value, value_format)}")
        label, value = valued[-1]
        sentences.append(f"Latest: {_clean(label)}, {format_value(value, value_format)}")
    return ". ".join(sentences) + "."
