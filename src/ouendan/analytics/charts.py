"""Charts drawn on the server as inline SVG: readable without JavaScript, on a phone and in a PDF.

``line_chart``, ``bar_chart``, ``progress_bar`` and ``sparkline`` return markup to put in a
template as it is; ``line_chart_table`` and ``bar_chart_table`` give the same numbers as a
``<table>`` (visually hidden by default, for screen readers; shown in a PDF with
``hidden=False``). Each SVG scales to its container (``viewBox``, ``width="100%"``), names itself
for assistive technology (``role="img"``, a ``<title>`` and a ``<desc>`` that sums the data up)
and needs no inline style: colours are SVG presentation attributes that ``analytics/charts.css``
overrides with CSS custom properties (``--chart-1`` …), so the CSP's ``style-src 'self'`` holds
and a PDF without that stylesheet still has colour. Series differ by colour (a palette safe for
colour-blind readers), dash and marker. The SVG does not draw its title: the page's heading does.
Text is escaped by ElementTree; numbers follow the active language (Babel). Pages that show
charts link ``{% static "analytics/charts.css" %}``.
"""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from babel.numbers import format_compact_decimal, format_decimal
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

WIDTH = 360  # the viewBox's width, about a phone's: text keeps its size there
FONT_SIZE = 12
SMALL_FONT_SIZE = 11
FONT_FAMILY = '"Noto Sans CJK JP", "Noto Sans JP", sans-serif'
TEXT_COLOUR = "#4a4543"
GRID_COLOUR = "#e3dedb"
AXIS_COLOUR = "#8a8380"
TRACK_COLOUR = "#ebe7e5"
GOOD_COLOUR = "#007a5a"
ELLIPSIS = "…"
NO_VALUE = "–"

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a name for the legend and a value per label (None: no data)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class _Look:
    colour: str  # the fallback of ``--chart-N``; each has at least 3:1 contrast on white
    dash: str | None
    marker: str


# Okabe-Ito's colours (darkened where they had less than 3:1 against white), each with its own
# dash and marker, so that series differ without colour too.
PALETTE = (
    _Look("#0072b2", None, "circle"),
    _Look("#d55e00", "6 3", "square"),
    _Look("#009e73", "2 3", "triangle"),
    _Look("#cc79a7", "8 3 2 3", "diamond"),
    _Look("#a66b00", "4 4", "triangle-down"),
    _Look("#1d1b1a", "1 3", "plus"),
)


# --- numbers and text ----------------------------------------------------------------------------


def _babel_locale() -> str:
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def format_number(value: float, *, unit: str = "", decimals: int | None = None) -> str:
    """``1234567.8`` → ``1,234,568`` in the active language; small numbers keep a decimal or two."""
    if decimals is None:
        magnitude = abs(value)
        decimals = (
            0 if float(value).is_integer() or magnitude >= 100 else 1 if magnitude >= 1 else 2
        )
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    text = format_decimal(value, format=pattern, locale=_babel_locale())
    if text in {"-0", "−0"}:
        text = "0"
    return _with_unit(text, unit)


def _compact_number(value: float, *, unit: str = "", decimals: int = 0) -> str:
    """Axis ticks: ``1,200,000`` → ``120万`` / ``1.2M``; below a million as ``format_number``."""
    if abs(value) < 1_000_000:
        return format_number(value, unit=unit, decimals=decimals)
    text = format_compact_decimal(
        value, format_type="short", locale=_babel_locale(), fraction_digits=1
    )
    return _with_unit(text, unit)


def _with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    # "12 USD", but "12%" and "12件"
    return f"{text} {unit}" if unit[0].isascii() and unit[0].isalpha() else f"{text}{unit}"


def _clean(text: object) -> str:
    """Text as XML can carry it (ElementTree escapes markup but not control characters)."""
    return _CONTROL_CHARACTERS.sub("", str(text))


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _text_width(text: str, font_size: float) -> float:
    """A generous estimate: wide (CJK) characters take 1 em, the others 0.6 em."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text) * font_size


def _truncate(text: str, max_width: float, font_size: float) -> str:
    if _text_width(text, font_size) <= max_width:
        return text
    while text and _text_width(text + ELLIPSIS, font_size) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _n(number: float) -> str:
    """A coordinate, to a tenth."""
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ticks(low: float, high: float, *, count: int = 5) -> list[float]:
    """About ``count`` round ticks (steps of 1, 2 or 5 × 10ⁿ) covering ``low``…``high``."""
    if low > high:
        low, high = high, low
    if low == high == 0:
        return [0.0, 1.0]  # nothing but zeros: an axis from 0 to 1, not 0, 0.2, 0.4…
    if low == high:
        low, high = min(0.0, low), max(0.0, high)
    raw_step = (high - low) / max(count - 1, 1)
    if not math.isfinite(raw_step) or raw_step <= 0:
        return [low, high]
    magnitude = 10 ** math.floor(math.log10(raw_step))
    fraction = raw_step / magnitude  # 1 ≤ fraction < 10: round it to 1, 2, 5 or 10
    step = magnitude * (1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10)
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    steps = round((stop - start) / step)
    if steps > 50:  # float precision lost (values far from zero, span tiny): ends only
        return [low, high]
    decimals = max(0, -math.floor(math.log10(step)))
    return [round(start + i * step, decimals) + 0.0 for i in range(steps + 1)]


def _tick_decimals(ticks: Sequence[float]) -> int:
    if len(ticks) < 2:
        return 0
    step = abs(ticks[1] - ticks[0])
    return max(0, -math.floor(math.log10(step))) if step else 0


# --- SVG scaffolding -----------------------------------------------------------------------------


def _el(
    parent: ET.Element, tag: str, text: str | None = None, /, **attributes: object
) -> ET.Element:
    """A child element; numbers become coordinates, ``stroke_width`` → ``stroke-width``,
    ``class_`` → ``class``; None leaves the attribute out."""
    element = ET.SubElement(
        parent,
        tag,
        {
            name.rstrip("_").replace("_", "-"): _n(value)
            if isinstance(value, float | int)
            else str(value)
            for name, value in attributes.items()
            if value is not None
        },
    )
    if text is not None:
        element.text = _clean(text)
    return element


def _svg(*, height: float, title: str, desc: str, kind: str, width: float = WIDTH) -> ET.Element:
    chart_id = f"chart-{uuid.uuid4().hex[:10]}"
    svg = ET.Element("svg")
    svg.attrib.update(
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {_n(width)} {_n(height)}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": f"chart chart-{kind}",
            "font-family": FONT_FAMILY,
            "font-size": str(FONT_SIZE),
        }
    )
    _el(svg, "title", title, id=f"{chart_id}-title")
    _el(svg, "desc", desc, id=f"{chart_id}-desc")
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, **attributes: object) -> ET.Element:
    return _el(parent, "text", text, x=x, y=y, fill=TEXT_COLOUR, **attributes)


def _render(svg: ET.Element) -> SafeString:
    # ElementTree escaped every text and attribute.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def _empty(*, title: str, height: float, kind: str, width: float = WIDTH) -> SafeString:
    message = _("No data to show yet.")
    svg = _svg(height=height, width=width, title=title, desc=message, kind=f"{kind} chart-empty")
    _el(svg, "rect", x=0.5, y=0.5, width=width - 1, height=height - 1, rx=6, fill="none",
        stroke=GRID_COLOUR, stroke_dasharray="4 4", class_="chart-grid")  # fmt: skip
    if kind != "sparkline":
        _text(svg, width / 2, height / 2, message, text_anchor="middle", dy="0.35em")
    return _render(svg)


def _marker(parent: ET.Element, look: _Look, slot: int, x: float, y: float) -> ET.Element:
    paint = {"fill": look.colour, "class_": f"chart-mark series-{slot}"}
    r = 3.5
    if look.marker == "circle":
        return _el(parent, "circle", cx=x, cy=y, r=r, **paint)
    if look.marker == "square":
        return _el(parent, "rect", x=x - r, y=y - r, width=2 * r, height=2 * r, **paint)
    r, t = r + 0.8, 1.3
    points = {
        "triangle": [(0, -r), (r, r * 0.8), (-r, r * 0.8)],
        "triangle-down": [(0, r), (r, -r * 0.8), (-r, -r * 0.8)],
        "diamond": [(0, -r), (r, 0), (0, r), (-r, 0)],
        "plus": [(-t, -r), (t, -r), (t, -t), (r, -t), (r, t), (t, t),
                 (t, r), (-t, r), (-t, t), (-r, t), (-r, -t), (-t, -t)],
    }[look.marker]  # fmt: skip
    path = "M" + " L".join(f"{_n(x + dx)},{_n(y + dy)}" for dx, dy in points) + " Z"
    return _el(parent, "path", d=path, **paint)


def _stroke(look: _Look, slot: int, width: float = 2) -> dict[str, object]:
    return {
        "fill": "none",
        "stroke": look.colour,
        "stroke_width": width,
        "stroke_dasharray": look.dash,
        "stroke_linejoin": "round",
        "stroke_linecap": "round",
        "class_": f"chart-line series-{slot}",
    }


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """``M…L…`` through the points, lifting the pen at each None (a gap)."""
    commands: list[str] = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{_n(point[0])},{_n(point[1])}")
        pen_down = True
    return " ".join(commands)


# --- line chart ----------------------------------------------------------------------------------


def line_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    unit: str = "",
    height: int = 220,
) -> SafeString:
    """Several series over the same labels (days, weeks…); None leaves a gap in its line.

    The y axis starts at zero (or below, for negative values) and has round ticks; x labels
    are thinned so that none overlaps the next; each series has a colour, a dash and a marker
    of its own, named in the legend above the plot.
    """
    labels = [_clean(label) for label in labels]
    lines = [(_clean(s.name), [_finite(v) for v in s.values]) for s in series]
    for name, values in lines:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    present = [v for _name, values in lines for v in values if v is not None]
    if not labels or not present:
        return _empty(title=title, height=height, kind="line")
    looks = [(PALETTE[i % len(PALETTE)], i % len(PALETTE) + 1) for i in range(len(lines))]

    # The legend first, wrapped into rows: the plot goes under it.
    svg = _svg(height=height, title=title, desc=_line_desc(labels, lines, unit), kind="line")
    legend = _el(svg, "g", class_="chart-legend", font_size=SMALL_FONT_SIZE)
    x, y = 2.0, 8.0
    for (name, _values), (look, slot) in zip(lines, looks, strict=True):
        item_width = 30 + _text_width(name, SMALL_FONT_SIZE) + 14
        if x > 2 and x + item_width > WIDTH:
            x, y = 2.0, y + 18
        _el(legend, "line", x1=x, y1=y, x2=x + 24, y2=y, **_stroke(look, slot))
        _marker(legend, look, slot, x + 12, y)
        _text(legend, x + 30, y, name, dy="0.35em")
        x += item_width
    top = y + 18
    height = max(height, round(top) + 80)  # a long legend makes the chart taller, not unreadable
    svg.set("viewBox", f"0 0 {WIDTH} {height}")

    ticks = nice_ticks(min(0.0, *present), max(0.0, *present))
    decimals = _tick_decimals(ticks)
    tick_texts = [_compact_number(t, unit=unit, decimals=decimals) for t in ticks]
    label_widths = [_text_width(label, SMALL_FONT_SIZE) for label in labels]
    left = max(
        max(_text_width(t, SMALL_FONT_SIZE) for t in tick_texts) + 10, label_widths[0] / 2 + 2
    )
    right = WIDTH - max(10.0, label_widths[-1] / 2 + 4)
    bottom = height - 22.0
    count = len(labels)
    spacing = (right - left) / (count - 1) if count > 1 else 0.0
    low, high = ticks[0], ticks[-1]

    def at(i: int, value: float) -> tuple[float, float]:
        x = left + i * spacing if count > 1 else (left + right) / 2
        return x, bottom - (value - low) / (high - low) * (bottom - top)

    grid = _el(svg, "g", class_="chart-gridlines")
    axis = _el(svg, "g", class_="chart-axis-labels", font_size=SMALL_FONT_SIZE)
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = at(0, tick)[1]
        kind = "chart-axis" if tick == 0 else "chart-grid"
        colour = AXIS_COLOUR if tick == 0 else GRID_COLOUR
        _el(grid, "line", x1=left, x2=right, y1=y, y2=y, stroke=colour, class_=kind)
        _text(axis, left - 6, y, text, text_anchor="end", dy="0.35em")
    # Every k-th x label, k such that a label never reaches the next one shown.
    every = max(1, math.ceil((max(label_widths) + 8) / spacing)) if count > 1 else 1
    for i in range(0, count, every):
        _text(axis, at(i, low)[0], bottom + 15, labels[i], text_anchor="middle")

    with_markers = count == 1 or spacing >= 12  # closer, markers would touch
    for (name, values), (look, slot) in zip(lines, looks, strict=True):
        group = _el(svg, "g", class_=f"chart-series series-{slot}")
        _el(group, "path", d=_path([None if v is None else at(i, v) for i, v in enumerate(values)]),
            **_stroke(look, slot))  # fmt: skip
        for i, value in enumerate(values):
            if value is None:
                continue
            alone = (i == 0 or values[i - 1] is None) and (i == count - 1 or values[i + 1] is None)
            if with_markers or alone:  # a point between two gaps shows only as its marker
                mark = _marker(group, look, slot, *at(i, value))
                _el(mark, "title", f"{name} · {labels[i]}: {format_number(value, unit=unit)}")
    return _render(svg)


def _line_desc(labels: list[str], lines: list[tuple[str, list[float | None]]], unit: str) -> str:
    parts = [
        _("%(count)s points from %(first)s to %(last)s.")
        % {"count": format_number(len(labels)), "first": labels[0], "last": labels[-1]}
    ]
    for name, values in lines:
        known = [v for v in values if v is not None]
        if not known:
            parts.append(_("%(name)s: no data.") % {"name": name})
            continue
        parts.append(
            _("%(name)s: latest %(latest)s, lowest %(lowest)s, highest %(highest)s.")
            % {
                "name": name,
                "latest": format_number(known[-1], unit=unit),
                "lowest": format_number(min(known), unit=unit),
                "highest": format_number(max(known), unit=unit),
            }
        )
    return " ".join(parts)


# --- bar chart -----------------------------------------------------------------------------------


def bar_chart(*, rows: Sequence[tuple[str, float]], title: str, unit: str = "") -> SafeString:
    """Horizontal bars in the order given; a long label ends in "…" (the whole of it is in the
    row's ``<title>``); values in a right-aligned column."""
    cleaned = [(_clean(label), _finite(value)) for label, value in rows]
    known = [(label, v) for label, v in cleaned if v is not None]
    row_height, top = 26, 4
    height = top + len(cleaned) * row_height + 4
    if not known:
        return _empty(title=title, height=max(height, 80), kind="bar")

    best, worst = max(known, key=lambda r: r[1]), min(known, key=lambda r: r[1])
    desc = _("%(count)s rows; highest: %(high_label)s (%(high)s), lowest: %(low_label)s (%(low)s).")
    svg = _svg(
        height=height,
        title=title,
        desc=desc
        % {
            "count": format_number(len(cleaned)),
            "high_label": best[0],
            "high": format_number(best[1], unit=unit),
            "low_label": worst[0],
            "low": format_number(worst[1], unit=unit),
        },
        kind="bar",
    )
    value_texts = [NO_VALUE if v is None else format_number(v, unit=unit) for _label, v in cleaned]
    value_width = max(_text_width(t, FONT_SIZE) for t in value_texts) + 8
    label_width = min(max(_text_width(label, FONT_SIZE) for label, _v in cleaned) + 8, WIDTH * 0.4)
    bar_left, bar_right = label_width, WIDTH - value_width - 4
    low, high = min(0.0, *(v for _l, v in known)), max(0.0, *(v for _l, v in known))
    high = high if high > low else 1.0

    def x_of(value: float) -> float:
        return bar_left + (value - low) / (high - low) * (bar_right - bar_left)

    zero = x_of(0.0)
    for i, ((label, value), value_text) in enumerate(zip(cleaned, value_texts, strict=True)):
        middle = top + i * row_height + row_height / 2
        group = _el(svg, "g", class_="chart-row")
        _el(group, "title", f"{label}: {value_text}")
        _text(group, 0, middle, _truncate(label, label_width - 8, FONT_SIZE), dy="0.35em")
        if value:
            start, end = sorted((zero, x_of(value)))
            _el(group, "rect", x=start, y=middle - 8, width=max(end - start, 1), height=16, rx=2,
                fill=PALETTE[0].colour, class_="chart-bar series-1")  # fmt: skip
        _text(group, WIDTH - 2, middle, value_text, text_anchor="end", dy="0.35em")
    _el(
        svg,
        "line",
        x1=zero,
        x2=zero,
        y1=top,
        y2=height - 4,
        stroke=AXIS_COLOUR,
        class_="chart-axis",
    )
    return _render(svg)


# --- progress towards a goal ---------------------------------------------------------------------


def progress_bar(*, value: float, target: float, label: str, unit: str = "") -> SafeString:
    """A KPI against its goal; past 100 % the bar is full, green, and a tick marks the goal."""
    value = _finite(value) or 0.0
    target = _finite(target) or 0.0
    percent = value / target * 100 if target > 0 else None
    shown = format_number(value, unit=unit)
    if percent is None:
        desc = _("%(value)s; no goal set.") % {"value": shown}
        figures = shown
    else:
        rounded = format_number(percent, decimals=0)
        desc = _("%(value)s of the goal of %(target)s: %(percent)s%%.") % {
            "value": shown,
            "target": format_number(target, unit=unit),
            "percent": rounded,
        }
        if percent >= 100:
            desc += " " + _("Goal reached.")
        figures = f"{shown} / {format_number(target, unit=unit)} ({rounded}%)"
    svg = _svg(height=48, title=label, desc=desc, kind="progress")
    figures_width = _text_width(figures, FONT_SIZE)
    _text(svg, 0, 14, _truncate(_clean(label), WIDTH - figures_width - 12, FONT_SIZE))
    _text(svg, WIDTH, 14, figures, text_anchor="end", font_weight="bold")
    _el(
        svg,
        "rect",
        x=0,
        y=24,
        width=WIDTH,
        height=14,
        rx=4,
        fill=TRACK_COLOUR,
        class_="chart-track",
    )
    scale = max(value, target)
    if value > 0 and percent is not None:  # no goal, no bar: a full one would read as 100 %
        reached = percent >= 100
        _el(svg, "rect", x=0, y=24, width=max(value / scale * WIDTH, 2), height=14, rx=4,
            fill=GOOD_COLOUR if reached else PALETTE[0].colour,
            class_="chart-good" if reached else "chart-bar series-1")  # fmt: skip
    if percent is not None and value > target:
        x = target / scale * WIDTH
        _el(svg, "line", x1=x, x2=x, y1=21, y2=41, stroke="#1d1b1a", stroke_width=2,
            class_="chart-target")  # fmt: skip
    return _render(svg)


# --- sparkline -----------------------------------------------------------------------------------


def sparkline(values: Sequence[float | None], *, label: str = "", unit: str = "") -> SafeString:
    """A small trend line without axes (None: a gap); the last known value is dotted."""
    points = [_finite(v) for v in values]
    known = [v for v in points if v is not None]
    title = label or _("Trend")
    width, height, pad = 120, 28, 3
    if not known:
        return _empty(title=title, height=height, width=width, kind="sparkline")
    desc = _("From %(first)s to %(last)s; lowest %(lowest)s, highest %(highest)s.") % {
        "first": format_number(known[0], unit=unit),
        "last": format_number(known[-1], unit=unit),
        "lowest": format_number(min(known), unit=unit),
        "highest": format_number(max(known), unit=unit),
    }
    svg = _svg(height=height, width=width, title=title, desc=desc, kind="sparkline")
    low, high = min(known), max(known)
    count = len(points)

    def at(i: int, value: float) -> tuple[float, float]:
        x = pad + i * (width - 2 * pad) / (count - 1) if count > 1 else width / 2
        y = (
            height - pad - (value - low) / (high - low) * (height - 2 * pad)
            if high > low
            else height / 2
        )
        return x, y

    look = PALETTE[0]
    path = _path([None if v is None else at(i, v) for i, v in enumerate(points)])
    _el(svg, "path", d=path, **_stroke(look, 1, width=1.5))
    last = max(i for i, v in enumerate(points) if v is not None)
    cx, cy = at(last, known[-1])
    _el(svg, "circle", cx=cx, cy=cy, r=2.5, fill=look.colour, class_="chart-mark series-1")
    return _render(svg)


# --- the same numbers as a table -----------------------------------------------------------------


def chart_table(
    *,
    caption: str,
    corner: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str]]],
    hidden: bool = True,
) -> SafeString:
    """A ``<table>`` (``analytics/charts/table.html``): a header row, then a label and its cells
    per row. Hidden, it is there for screen readers only (``visually-hidden``)."""
    return render_to_string(
        "analytics/charts/table.html",
        {
            "caption": caption,
            "corner": corner,
            "columns": columns,
            "rows": [{"label": label, "cells": cells} for label, cells in rows],
            "hidden": hidden,
        },
    )


def line_chart_table(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    unit: str = "",
    label_name: str = "",
    hidden: bool = True,
) -> SafeString:
    """The numbers of ``line_chart``: a row per label (under ``label_name``), a column per
    series."""
    columns = [[_finite(v) for v in s.values] for s in series]

    def cell(column: list[float | None], i: int) -> str:
        value = column[i] if i < len(column) else None
        return NO_VALUE if value is None else format_number(value, unit=unit)

    return chart_table(
        caption=title,
        corner=label_name,
        columns=[s.name for s in series],
        rows=[(label, [cell(c, i) for c in columns]) for i, label in enumerate(labels)],
        hidden=hidden,
    )


def bar_chart_table(
    *,
    rows: Sequence[tuple[str, float]],
    title: str,
    unit: str = "",
    label_name: str = "",
    value_name: str = "",
    hidden: bool = True,
) -> SafeString:
    """The numbers of ``bar_chart``: a row per bar."""
    return chart_table(
        caption=title,
        corner=label_name,
        columns=[value_name or _("Value")],
        rows=[
            (label, [NO_VALUE if (v := _finite(value)) is None else format_number(v, unit=unit)])
            for label, value in rows
        ],
        hidden=hidden,
    )
