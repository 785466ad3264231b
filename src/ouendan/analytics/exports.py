"""Exports of every analytics table as CSV or XLSX: the same selectors as the pages and the API,
the whole table (not a page of it), headers in the active language.

Bounded, not streamed: a table has one row per content item, advocate, department, network,
campaign or period (read from the rollups whole, to be sorted), so its size is that of the
organization, and the file is built from it in one go (under ASGI, Django would consume a
synchronous stream in one go anyway). CSV is UTF-8 with a byte-order mark, so Excel in Japan
opens it as UTF-8. XLSX is written by XlsxWriter in constant-memory mode.

Formula injection: a spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and
some read tab and carriage return the same way). Text cells come from people (content titles,
nicknames, department names), so in CSV such a cell is prefixed with an apostrophe, and in XLSX
every text cell is written as a string (never parsed as a formula, a number or a link).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter  # type: ignore[import-untyped]  # ships no type hints
from django.http import HttpResponse
from django.utils.translation import gettext as _

from ouendan.accounts.permissions import Actor
from ouendan.analytics.metrics import METRICS
from ouendan.analytics.naming import labels_for
from ouendan.analytics.selectors import (
    LAST_TOUCH,
    Figures,
    Filters,
    Row,
    currency_of,
    ranking,
    summary,
    trend,
)
from ouendan.tracking.models import AttributionModel

TABLES = ("summary", "trend", "content", "advocates", "departments", "networks", "campaigns")
FORMATS = ("csv", "xlsx")
# The page and API name of a ranking table → the selector's dimension.
DIMENSION_OF = {
    "content": "content",
    "advocates": "advocate",
    "departments": "department",
    "networks": "network",
    "campaigns": "campaign",
}
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_RISKY_FIRST = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | dt.date | None


@dataclass(frozen=True)
class Table:
    key: str  # one of TABLES
    title: str
    columns: list[str]
    rows: Iterable[Sequence[Cell]]


# --- What each table holds --------------------------------------------------------------------


def _label(key: str) -> str:
    return str(METRICS[key].label)


def _money(key: str, currency: str) -> str:
    return f"{_label(key)} ({currency})"


def _figure_columns(currency: str, attribution: str) -> list[str]:
    conversions = _label("conversions")
    if attribution != LAST_TOUCH:
        conversions = f"{conversions} ({AttributionModel(attribution).label})"
    return [
        _label("shares"),
        _label("clicks"),
        _label("unique_clicks"),
        _label("ctr"),
        conversions,
        _money("conversion_value", currency),
        _money("emv", currency),
        _label("engagement"),
    ]


def _figure_cells(figures: Figures) -> list[Cell]:
    return [
        figures.shares,
        figures.clicks,
        figures.unique_clicks,
        figures.ctr,
        round(figures.conversions, 4),
        figures.conversion_value,
        figures.emv,
        figures.engagement,
    ]


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 2)


def table_title(key: str) -> str:
    return {
        "summary": _("Summary"),
        "trend": _("Trend"),
        "content": _("Content"),
        "advocates": _("Advocates"),
        "departments": _("Departments"),
        "networks": _("Networks"),
        "campaigns": _("Campaigns"),
    }[key]


def export_table(
    *,
    actor: Actor,
    filters: Filters,
    table: str,
    order: str = "clicks",
    attribution: str = LAST_TOUCH,
    grain: str | None = None,
) -> Table:
    """The whole table, read now (errors, such as an unknown order, are raised before any byte
    of the file is written)."""
    currency = currency_of(actor)
    title = table_title(table)
    if table == "summary":
        figures = summary(actor=actor, filters=filters)
        keys = (
            "shares",
            "clicks",
            "unique_clicks",
            "conversions",
            "conversion_value",
            "emv",
            "potential_reach",
            "participation_rate",
            "active_advocates",
            "enrolled_advocates",
        )
        rows: list[Sequence[Cell]] = []
        for key in keys:
            value: Cell = getattr(figures, key)
            if key == "participation_rate":
                value = _percent(figures.participation_rate)
            unit = (
                currency
                if METRICS[key].kind == "money"
                else "%"
                if METRICS[key].kind == "percent"
                else ""
            )
            rows.append([_label(key), value, unit, str(METRICS[key].definition)])
        return Table(table, title, [_("Figure"), _("Value"), _("Unit"), _("Definition")], rows)
    if table == "trend":
        points = trend(actor=actor, filters=filters, grain=grain)
        return Table(
            table,
            title,
            [_("Period starting"), *_figure_columns(currency, LAST_TOUCH)],
            [[point.start, *_figure_cells(point.figures)] for point in points],
        )
    dimension = DIMENSION_OF[table]
    found = ranking(
        actor=actor,
        filters=filters,
        dimension=dimension,
        order=order,
        limit=None,
        labels=labels_for(actor),
        attribution=attribution,
    )
    columns = [
        _("ID"),
        row_heading(dimension),
        *_figure_columns(currency, attribution),
        _label("potential_reach"),
    ]
    if dimension == "department":
        columns += [
            _label("active_advocates"),
            _label("enrolled_advocates"),
            f"{_label('participation_rate')} (%)",
        ]
    return Table(table, title, columns, [_ranking_cells(row) for row in found.rows])


def row_heading(dimension: str) -> str:
    return {
        "content": _("Content"),
        "advocate": _("Advocate"),
        "department": _("Department"),
        "network": _("Network"),
        "campaign": _("Campaign"),
    }[dimension]


def _ranking_cells(row: Row) -> list[Cell]:
    cells: list[Cell] = [
        "" if row.key is None else str(row.key),
        row.label,
        *_figure_cells(row.figures),
        row.figures.potential_reach,
    ]
    if row.enrolled_advocates is not None:
        cells += [row.active_advocates, row.enrolled_advocates, _percent(row.participation_rate)]
    return cells


# --- Writing ----------------------------------------------------------------------------------


def safe_text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_RISKY_FIRST) else value


def _csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):  # 15000.00 → "15000", 12.50 → "12.5" (never 1.5E+4)
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes (one line at a time)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV, a line at a time, the byte-order mark first."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(table.columns)
    for row in table.rows:
        yield writer.writerow([_csv_cell(cell) for cell in row])


def _sheet_name(title: str) -> str:
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip("' ")
    return cleaned[:31] or "Sheet1"


def xlsx_bytes(table: Table) -> bytes:
    """The table as an XLSX workbook."""
    target = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet(_sheet_name(table.title))
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for column, heading in enumerate(table.columns):
        sheet.write_string(0, column, heading, bold)
    sheet.freeze_panes(1, 0)
    for index, row in enumerate(table.rows, start=1):
        for column, cell in enumerate(row):
            if cell is None or cell == "":
                continue
            if isinstance(cell, str):
                sheet.write_string(index, column, cell)
            elif isinstance(cell, dt.date):
                sheet.write_datetime(index, column, dt.datetime.combine(cell, dt.time.min), day)
            else:
                sheet.write_number(index, column, float(cell))
    workbook.close()
    return target.getvalue()


def export_filename(table: Table, filters: Filters, fmt: str) -> str:
    """``ouendan-content-2026-10-01_2026-10-31.csv``: the table and its period, ASCII only."""
    return f"ouendan-{table.key}-{filters.start:%Y-%m-%d}_{filters.end:%Y-%m-%d}.{fmt}"


def export_response(table: Table, filters: Filters, fmt: str) -> HttpResponse:
    """A download of the table (``fmt``: csv or xlsx)."""
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE)
    else:
        response = HttpResponse("".join(csv_lines(table)), content_type=CSV_TYPE)
    name = export_filename(table, filters, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
