import re

from django.template import Context, Template
from django.utils import translation

import pytest

from reports.charts import Bar, IntervalPoint, band_chart, bar_chart, format_value, interval_chart, trend_chart

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"

POINTS = [
    IntervalPoint("Partner one-pager", 0.42, 0.31, 0.54, 57),
    IntervalPoint("Case study", 0.5, 0.09, 0.91, 2, greyed=True, note="too few to judge"),
]


def render(tag, chart):
    return Template("{% load report_charts %}{% " + tag + " chart %}").render(Context({"chart": chart}))


def row(html, index):
    """The markup of the index-th row group."""
    return re.findall(r'<g class="row[^"]*".*?</g>', html)[index]


# Interval charts


def test_interval_chart_is_a_figure_with_caption_and_labelled_image():
    html = render("interval_chart", interval_chart(POINTS, caption="Win rate by template"))

    assert html.startswith('<figure class="report-chart report-chart--interval"><figcaption>Win rate by template')
    assert 'role="img"' in html
    chart_id = re.search(r'aria-labelledby="([^"]+)"', html).group(1)
    # the summary leaves out the greyed row (50%, too few to judge)
    assert (
        f'<title id="{chart_id}">Win rate by template. Highest: Partner one-pager, 42% (31–54%) n=57. 1 of 2 greyed out.</title>'
        in html
    )


def test_interval_chart_scales_to_its_container():
    html = render("interval_chart", interval_chart(POINTS, caption="c"))

    assert re.search(r'viewBox="0 0 400 \d+(\.\d)?" width="100%"', html)


def test_interval_chart_draws_the_interval_and_the_value_at_their_coordinates():
    html = row(render("interval_chart", interval_chart(POINTS, caption="c")), 0)

    # 0.31, 0.54 and 0.42 of the 384 units between x=8 and x=392
    assert 'd="M127 26H215.4M127 21v10M215.4 21v10"' in html
    assert '<circle class="value" cx="169.3" cy="26"' in html


def test_interval_chart_prints_value_interval_and_n():
    html = row(render("interval_chart", interval_chart(POINTS, caption="c")), 0)

    assert ">42% (31–54%) n=57</text>" in html


def test_interval_chart_greys_a_row_and_prints_its_note():
    html = render("interval_chart", interval_chart(POINTS, caption="c"))

    assert 'class="row is-greyed"' in row(html, 1)
    assert 'stroke="#767676"' in row(html, 1)
    assert ">too few to judge</text>" in row(html, 1)
    assert "is-greyed" not in row(html, 0)


def test_interval_chart_draws_a_labelled_reference_line():
    chart = interval_chart(POINTS, caption="c", reference=0.38, reference_label="All templates")
    html = render("interval_chart", chart)

    reference = re.search(r'<g class="reference"><path d="([^"]+)".*?>([^<]*)</text></g>', html)
    assert reference.group(1).startswith("M153.9 ")
    assert reference.group(2) == "All templates 38%"


def test_interval_chart_without_reference_has_no_reference_line():
    assert 'class="reference"' not in render("interval_chart", interval_chart(POINTS, caption="c"))


def test_difference_chart_has_a_zero_line_and_signed_points():
    chart = interval_chart(
        [IntervalPoint("Mid-market", -0.12, -0.3, 0.05, 80)],
        caption="Difference from other templates",
        domain=(-1, 1),
        value_format="points",
    )
    html = render("interval_chart", chart)

    assert re.search(r'<path class="zero" d="M200 ', html)
    assert ">−12 pts (−30 to +5 pts) n=80</text>" in html


def test_percentage_chart_has_no_zero_line():
    assert 'class="zero"' not in render("interval_chart", interval_chart(POINTS, caption="c"))


def test_interval_chart_clamps_values_outside_the_domain_to_its_edge():
    html = render("interval_chart", interval_chart([IntervalPoint("x", 0.1, -0.2, 0.3, 9)], caption="c"))

    assert 'd="M8 26H' in html


def test_interval_chart_escapes_labels_notes_and_caption():
    chart = interval_chart(
        [IntervalPoint(SCRIPT, 0.5, 0.4, 0.6, 10, greyed=True, note=SCRIPT)],
        caption=SCRIPT,
        reference=0.5,
        reference_label=SCRIPT,
    )
    html = render("interval_chart", chart)

    assert "<script>" not in html
    assert f"<figcaption>{ESCAPED_SCRIPT}</figcaption>" in html
    assert f'<text y="14">{ESCAPED_SCRIPT}</text>' in html
    assert f'font-style="italic">{ESCAPED_SCRIPT}</text>' in html


def test_interval_chart_shortens_a_long_label_and_keeps_the_whole_in_title():
    label = "Partner one-pager for the northern region & its resellers, autumn edition"
    html = render("interval_chart", interval_chart([IntervalPoint(label, 0.42, 0.31, 0.54, 57)], caption="c"))

    shown = re.search(r'<text y="14">([^<]*)<title>([^<]*)</title></text>', html)
    assert shown.group(1).endswith("…")
    assert len(shown.group(1)) < len(label)
    assert shown.group(2) == "Partner one-pager for the northern region &amp; its resellers, autumn edition"


def test_interval_chart_leaves_a_short_label_without_title():
    html = row(render("interval_chart", interval_chart(POINTS, caption="c")), 0)

    assert '<text y="14">Partner one-pager</text>' in html


def test_chart_coordinates_are_not_localised():
    with translation.override("de"):
        html = render("interval_chart", interval_chart(POINTS, caption="c"))

    assert 'cx="169.3"' in html


def test_empty_chart_says_there_is_no_data():
    html = render("interval_chart", interval_chart([], caption="Win rate"))

    assert "<svg" not in html
    assert "No data to chart." in html


# Bar charts


def test_bar_chart_bar_length_is_proportional_to_the_value():
    html = render("bar_chart", bar_chart([Bar("A", 100), Bar("B", 50)], caption="Downloads"))

    # an axis to 100 over 384 units
    assert '<rect class="bar" x="8" y="20" width="384"' in row(html, 0)
    assert '<rect class="bar" x="8" y="20" width="192"' in row(html, 1)


def test_bar_chart_prints_values_and_notes():
    html = render("bar_chart", bar_chart([Bar("A", 1234, note="retired")], caption="Downloads"))

    assert ">1,234 · retired</text>" in html


def test_bar_chart_escapes_labels():
    html = render("bar_chart", bar_chart([Bar(SCRIPT, 3, note="<b>")], caption=SCRIPT))

    assert "<script>" not in html
    assert f'<text y="14">{ESCAPED_SCRIPT}</text>' in html
    assert ">3 · &lt;b&gt;</text>" in html


def test_band_chart_shades_the_band():
    html = render("bar_chart", band_chart([Bar("A", 0.65)], caption="c", band=(0.6, 0.7), band_label="Expected"))

    assert '<g class="band"><rect x="238.4" y="22" width="38.4"' in html
    assert ">Expected 60–70%</text>" in html


def test_band_chart_marks_bars_outside_the_band_in_text_and_colour():
    chart = band_chart([Bar("In", 0.65), Bar("Low", 0.4), Bar("High", 0.9)], caption="c", band=(0.6, 0.7))
    html = render("bar_chart", chart)

    assert "is-outside" not in row(html, 0)
    assert 'class="row is-outside"' in row(html, 1)
    assert ">40% · below band</text>" in row(html, 1)
    assert 'fill="#c4620a"' in row(html, 1)
    assert ">90% · above band</text>" in row(html, 2)


def test_bar_chart_without_band_draws_no_band():
    assert 'class="band"' not in render("bar_chart", bar_chart([Bar("A", 1)], caption="c"))


# Trend charts


def test_trend_chart_column_heights_follow_the_values():
    html = render("trend_chart", trend_chart([("Jan", 50), ("Feb", 100)], "Downloads a month"))

    heights = re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/>', html)
    assert heights == ["80", "160"]


def test_trend_chart_prints_values_and_period_labels():
    html = render("trend_chart", trend_chart([("Jan", 50), ("Feb", 100)], "Downloads a month"))

    assert re.findall(r'<g class="values"[^>]*>(.*?)</g>', html)[0].count("<text") == 2
    assert ">Jan</text>" in html
    assert ">Feb</text>" in html


def test_trend_chart_leaves_a_gap_for_a_missing_value():
    html = render("trend_chart", trend_chart([("Jan", 5), ("Feb", None), ("Mar", 7)], "c"))

    assert len(re.findall(r"<rect ", html)) == 2
    assert ">–</text>" in html


def test_trend_chart_thins_labels_from_the_latest_backwards():
    points = [(f"2025-{month:02d}", month) for month in range(1, 13)]
    html = render("trend_chart", trend_chart(points, "c"))

    labels = re.findall(r">(2025-\d\d)</text>", html)
    assert labels[-1] == "2025-12"
    assert len(labels) < 12


def test_trend_chart_escapes_labels():
    html = render("trend_chart", trend_chart([(SCRIPT, 1)], SCRIPT))

    assert "<script>" not in html
    assert ESCAPED_SCRIPT in html


# Formatting


@pytest.mark.parametrize(
    ("value", "value_format", "expected"),
    [
        (0.42, "percent", "42%"),
        (-0.05, "percent", "−5%"),
        (0.12, "points", "+12 pts"),
        (-0.3, "points", "−30 pts"),
        (0, "points", "0 pts"),
        (1234, "number", "1,234"),
        (2.5, "number", "2.5"),
        (None, "number", "—"),
    ],
)
def test_format_value(value, value_format, expected):
    assert format_value(value, value_format) == expected


def test_count_axes_tick_whole_numbers():
    chart = bar_chart([Bar("Used", 2), Bar("Never used", 1)], caption="Templates")

    assert [tick.label for tick in chart.ticks] == ["0", "1", "2"]
