"""The server-drawn SVG charts: well-formed, escaped, accessible, honest about gaps and scale."""

from __future__ import annotations

import itertools
import math
import random
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation

from ouendan.analytics.charts import (
    PALETTE,
    Series,
    bar_chart,
    bar_chart_table,
    format_number,
    line_chart,
    line_chart_table,
    nice_ticks,
    progress_bar,
    sparkline,
)
from ouendan.core.middleware import CONTENT_SECURITY_POLICY

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & 株式会社'


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg"
    return root


def find_all(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(f"{SVG}{tag}"))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in find_all(root, "text")]


def all_charts() -> list[str]:
    labels = ["4月", "5月", "6月"]
    return [
        line_chart(labels=labels, series=[Series("シェア", [1, 2, 3])], title="推移"),
        line_chart(labels=[], series=[], title="空"),
        bar_chart(rows=[("営業部", 10), ("開発部", 3)], title="部署別"),
        bar_chart(rows=[], title="空"),
        progress_bar(value=80, target=100, label="目標"),
        sparkline([1, 4, 2]),
        sparkline([]),
    ]


@pytest.mark.parametrize("index", range(7))
def test_every_chart_is_an_accessible_svg_that_scales(index: int) -> None:
    markup = all_charts()[index]
    root = parse(markup)
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox") or "")
    assert root.get("role") == "img"
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    title = next(e for e in root if e.get("id") == title_id)
    desc = next(e for e in root if e.get("id") == desc_id)
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert title.text and desc.text
    # Under our CSP (style-src 'self', no 'unsafe-inline') an inline style would be dropped.
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert not [e for e in root.iter() if "style" in e.attrib]
    assert not find_all(root, "style") and not find_all(root, "script")


def test_each_chart_has_ids_of_its_own() -> None:
    first, second = (parse(sparkline([1, 2])) for _ in range(2))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_labels_and_names_are_escaped_not_markup() -> None:
    markups = [
        line_chart(labels=[EVIL, "b"], series=[Series(EVIL, [1, 2])], title=EVIL),
        bar_chart(rows=[(EVIL, 5)], title=EVIL),
        progress_bar(value=1, target=2, label=EVIL),
        sparkline([1, 2], label=EVIL),
        line_chart_table(labels=[EVIL], series=[Series(EVIL, [1])], title=EVIL),
        bar_chart_table(rows=[(EVIL, 1)], title=EVIL),
    ]
    for markup in markups:
        assert "<script" not in markup
        assert "&lt;script&gt;" in markup
    root = parse(markups[0])
    assert EVIL in texts(root)  # the legend shows the text as it was, once parsed
    assert root.find(f"{SVG}title").text == EVIL  # type: ignore[union-attr]


def test_control_characters_do_not_break_the_xml() -> None:
    parse(line_chart(labels=["a\x00b", "c\x1b"], series=[Series("x\x0c", [1, 2])], title="t\x01"))


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 1234, [0, 500, 1000, 1500]),
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (0, 0.37, [0, 0.1, 0.2, 0.3, 0.4]),
        (0, 0, [0, 1]),
        (0, 7, [0, 2, 4, 6, 8]),
        (-30, 45, [-40, -20, 0, 20, 40, 60]),
    ],
)
def test_ticks_are_round(low: float, high: float, expected: list[float]) -> None:
    assert nice_ticks(low, high) == pytest.approx(expected)


def test_ticks_step_by_one_two_or_five_and_cover_the_data() -> None:
    rng = random.Random(7)
    for _ in range(500):
        high = 10 ** rng.uniform(-3, 15)
        low = rng.choice([0.0, -high * rng.random()])
        ticks = nice_ticks(low, high)
        assert ticks[0] <= low and ticks[-1] >= high
        assert 3 <= len(ticks) <= 11
        steps = {
            round(b - a, 9 - math.floor(math.log10(b - a))) for a, b in itertools.pairwise(ticks)
        }
        assert len(steps) == 1
        step = steps.pop()
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in {1, 2, 5}


def test_the_y_axis_shows_the_ticks_with_separators() -> None:
    root = parse(line_chart(labels=["a", "b"], series=[Series("s", [0, 2400])], title="t"))
    assert {"0", "500", "1,000", "1,500", "2,000", "2,500"} <= set(texts(root))


def test_none_leaves_a_gap_and_a_point_between_gaps_keeps_its_marker() -> None:
    labels = [str(d) for d in range(1, 41)]  # too many points for markers on every one
    values: list[float | None] = [float(d) for d in range(40)]
    values[10] = values[20] = values[22] = None  # value 21 stands alone between two gaps
    root = parse(line_chart(labels=labels, series=[Series("s", values)], title="t"))
    path = next(p for p in find_all(root, "path") if "chart-line" in (p.get("class") or ""))
    assert path.get("d", "").count("M") == 4  # 0–9, 11–19, 21 alone, 23–39
    marks = [m for m in root.iter() if "chart-mark" in (m.get("class") or "")]
    legend_marks = list(root.find(f"{SVG}g[@class='chart-legend']").iter())  # type: ignore[union-attr]
    plot_marks = [m for m in marks if m not in legend_marks]
    assert len(plot_marks) == 1
    assert "21" in (plot_marks[0].find(f"{SVG}title").text or "")  # type: ignore[union-attr]


def test_nan_and_infinity_are_gaps_too() -> None:
    root = parse(
        line_chart(labels=["a", "b", "c"], series=[Series("s", [1, math.nan, math.inf])], title="t")
    )
    assert "nan" not in ET.tostring(root, encoding="unicode").lower()


def test_one_point_and_no_points() -> None:
    one = parse(line_chart(labels=["4月"], series=[Series("s", [5])], title="t"))
    assert len([e for e in one.iter() if "chart-mark" in (e.get("class") or "")]) == 2  # + legend
    assert "4月" in texts(one)
    for empty in (
        line_chart(labels=[], series=[Series("s", [])], title="t"),
        line_chart(labels=["a", "b"], series=[Series("s", [None, None])], title="t"),
        line_chart(labels=["a"], series=[], title="t"),
        bar_chart(rows=[("a", math.nan)], title="t"),
        sparkline([None, None]),
    ):
        root = parse(empty)
        assert "chart-empty" in (root.get("class") or "")


def test_huge_numbers_stay_readable() -> None:
    huge = 1.234e15
    root = parse(line_chart(labels=["a", "b"], series=[Series("s", [1, huge])], title="t"))
    markup = ET.tostring(root, encoding="unicode")
    assert "e+" not in markup and "E+" not in markup
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "1,234,000,000,000,000" in desc
    axis = root.find(f"{SVG}g[@class='chart-axis-labels']")
    assert axis is not None
    assert all(len(t.text or "") <= 8 for t in axis if t.get("text-anchor") == "end")
    bars = parse(bar_chart(rows=[("a", huge), ("b", 1)], title="t"))
    assert "1,234,000,000,000,000" in texts(bars)


def test_x_labels_are_thinned_so_that_they_never_overlap() -> None:
    labels = [f"2026-{m:02}-{d:02}" for m in range(1, 13) for d in range(1, 29)]
    root = parse(line_chart(labels=labels, series=[Series("s", range(len(labels)))], title="t"))
    shown = [t for t in find_all(root, "text") if t.get("text-anchor") == "middle"]
    assert 2 <= len(shown) < 12
    xs = [float(t.get("x") or 0) for t in shown]
    width = 10 * 0.6 * 11  # ten characters at the small font size
    assert all(b - a >= width for a, b in itertools.pairwise(xs))
    assert shown[0].text == labels[0]


def test_series_differ_by_colour_dash_and_marker() -> None:
    assert len({look.colour for look in PALETTE}) == len(PALETTE)
    assert len({look.dash for look in PALETTE}) == len(PALETTE)
    assert len({look.marker for look in PALETTE}) == len(PALETTE)
    series = [Series(f"s{i}", [i, i + 1]) for i in range(len(PALETTE) + 1)]
    root = parse(line_chart(labels=["a", "b"], series=series, title="t"))
    legend = root.find(f"{SVG}g[@class='chart-legend']")
    assert legend is not None
    lines = find_all(legend, "line")
    assert [(ln.get("stroke"), ln.get("stroke-dasharray")) for ln in lines][:6] == [
        (look.colour, look.dash) for look in PALETTE
    ]
    # A seventh series takes the first look again, with the class its colour comes from.
    assert lines[6].get("class") == "chart-line series-1"


def test_lines_and_legend_take_their_colour_from_custom_properties() -> None:
    css_path = finders.find("analytics/charts.css")
    assert isinstance(css_path, str)
    with open(css_path, encoding="utf-8") as file:
        css = file.read()
    for index, look in enumerate(PALETTE, start=1):
        assert f"var(--chart-{index}, {look.colour})" in css


def test_the_legend_wraps_and_the_chart_grows_to_keep_its_plot() -> None:
    series = [Series("とても長い系列の名前" * 2 + str(i), [1, 2]) for i in range(6)]
    root = parse(line_chart(labels=["a", "b"], series=series, title="t", height=120))
    assert float((root.get("viewBox") or "").split()[3]) > 120


def test_a_series_of_another_length_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        line_chart(labels=["a", "b", "c"], series=[Series("s", [1, 2])], title="t")


def test_bar_labels_are_truncated_with_the_full_text_in_a_title() -> None:
    long = "営業本部 第一営業部 東日本エリア営業課 首都圏チーム"
    root = parse(bar_chart(rows=[(long, 1234567), ("開発部", -20)], title="部署別", unit="件"))
    rows = [g for g in find_all(root, "g") if g.get("class") == "chart-row"]
    label = rows[0].find(f"{SVG}text")
    assert label is not None and label.text and label.text.endswith("…")
    assert len(label.text) < len(long)
    assert rows[0].find(f"{SVG}title").text == f"{long}: 1,234,567件"  # type: ignore[union-attr]
    assert "-20件" in texts(root)  # negative values draw left of the zero line
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert long in desc and "1,234,567件" in desc


def test_progress_beyond_the_goal() -> None:
    root = parse(progress_bar(value=1500, target=1000, label="シェア"))
    assert "1,500 / 1,000 (150%)" in texts(root)
    assert any("chart-good" in (e.get("class") or "") for e in root.iter())
    target = next(e for e in root.iter() if e.get("class") == "chart-target")
    assert float(target.get("x1") or 0) == pytest.approx(1000 / 1500 * 360, abs=0.1)
    below = parse(progress_bar(value=250, target=1000, label="シェア"))
    assert "250 / 1,000 (25%)" in texts(below)
    assert not any(e.get("class") == "chart-target" for e in below.iter())
    no_goal = parse(progress_bar(value=3, target=0, label="シェア"))
    assert "3" in texts(no_goal)
    assert not any("chart-bar" in (e.get("class") or "") for e in no_goal.iter())  # not "100 %"


def test_sparkline_gaps_and_single_value() -> None:
    root = parse(sparkline([1, None, 3, 4], label="クリック"))
    assert root.find(f"{SVG}title").text == "クリック"  # type: ignore[union-attr]
    path = next(iter(find_all(root, "path")))
    assert path.get("d", "").count("M") == 2
    parse(sparkline([7]))


def test_numbers_have_thousands_separators_in_both_languages() -> None:
    for language in ("ja", "en"):
        with translation.override(language):
            assert format_number(1234567) == "1,234,567"
            assert format_number(1234.5) == "1,234"  # ≥ 100: whole numbers
            assert format_number(12.345) == "12.3"
            assert format_number(0.125) == "0.12"
            assert format_number(3, unit="件") == "3件"
            assert format_number(3, unit="USD") == "3 USD"
            assert format_number(-0.001) == "0"


def test_the_table_lists_the_same_numbers() -> None:
    series = [Series("シェア", [1200, None]), Series("クリック", [5, 6])]
    markup = line_chart_table(
        labels=["4月", "5月"], series=series, title="推移", label_name="月", unit="件"
    )
    box = ET.fromstring(markup)  # noqa: S314
    # Hidden in a box: a table itself ignores the 1px width and would widen a phone's page.
    assert box.tag == "div" and box.get("class") == "visually-hidden"
    table = box.find("table")
    assert table is not None
    assert table.findtext("caption") == "推移"
    assert [th.text for th in table.iter("th")] == ["月", "シェア", "クリック", "4月", "5月"]
    assert [td.text for td in table.iter("td")] == ["1,200件", "5件", "–", "6件"]
    shown = ET.fromstring(bar_chart_table(rows=[("営業部", 3)], title="t", hidden=False))  # noqa: S314
    assert shown.tag == "table" and "visually-hidden" not in (shown.get("class") or "")
    assert [td.text for td in shown.iter("td")] == [None, "3"]  # the empty corner, then the value
