"""Exports: every table as CSV (UTF-8 with a BOM) and XLSX, whole, named with its period, headed
in the person's language, the same numbers as the API, and never a formula."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from ouendan.analytics.exports import csv_lines, export_table, safe_text, xlsx_bytes
from ouendan.analytics.selectors import filters_for
from ouendan.content.models import ContentItem
from tests.analytics.program import Program, direct_rollups, program, tokyo_today
from tests.api_client import token_for
from tests.conftest import signed_in
from tests.factories import actor

__all__ = ["program"]

pytestmark = pytest.mark.django_db

TABLES = ("summary", "trend", "content", "advocates", "departments", "networks", "campaigns")
PAGE_OF = {
    "summary": "overview",
    "trend": "trends",
    "content": "content",
    "advocates": "advocates",
    "departments": "departments",
    "networks": "networks",
    "campaigns": "campaigns",
}
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def csv_rows(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would misread Japanese"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> tuple[list[list[str | float]], list[str]]:
    """The first sheet's cells (openpyxl is not installed: the XML read directly), and every
    formula found (there must be none)."""
    book = zipfile.ZipFile(io.BytesIO(data))
    names = book.namelist()
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        root = ET.fromstring(book.read("xl/sharedStrings.xml"))  # noqa: S314 (our own file)
        shared = ["".join(t.text or "" for t in si.iter(f"{MAIN}t")) for si in root]
    sheet = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314 (our own file)
    rows: list[list[str | float]] = []
    formulas = [f.text or "" for f in sheet.iter(f"{MAIN}f")]
    for row in sheet.iter(f"{MAIN}row"):
        cells: list[str | float] = []
        for cell in row.iter(f"{MAIN}c"):
            column = re.match(r"[A-Z]+", cell.get("r", "A")).group()  # type: ignore[union-attr]
            index = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(column))) - 1
            cells.extend([""] * (index - len(cells)))
            kind = cell.get("t")
            if kind == "s":
                cells.append(shared[int(cell.findtext(f"{MAIN}v") or 0)])
            elif kind == "inlineStr":
                cells.append("".join(t.text or "" for t in cell.iter(f"{MAIN}t")))
            elif kind == "str":
                cells.append(cell.findtext(f"{MAIN}v") or "")
            else:
                cells.append(float(cell.findtext(f"{MAIN}v") or 0))
        rows.append(cells)
    return rows, formulas


def export(client: Client, table: str, **query: object):
    return client.get(f"/api/v1/analytics/export/{table}", query)


@pytest.mark.parametrize("table", TABLES)
def test_every_table_exports_as_csv_and_xlsx_from_the_api_and_the_page(
    program: Program, table: str
):
    client = signed_in(program.pm, language="en")
    today = tokyo_today()
    start = today.replace(day=1) if today.day > 1 else today
    period = {"from": start.isoformat(), "to": today.isoformat()}
    name = f"ouendan-{table}-{start:%Y-%m-%d}_{today:%Y-%m-%d}"
    by_api = export(client, table, format="csv", **period)
    assert by_api.status_code == 200
    assert by_api["Content-Type"] == "text/csv; charset=utf-8"
    assert by_api["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    rows = csv_rows(by_api)
    by_page = client.get(reverse(f"analytics:{PAGE_OF[table]}"), {"format": "csv", **period})
    assert csv_rows(by_page) == rows
    workbook = export(client, table, format="xlsx", **period)
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert workbook["Content-Disposition"] == f'attachment; filename="{name}.xlsx"'
    cells, formulas = xlsx_rows(workbook.content)
    assert formulas == []
    assert [str(c) for c in cells[0]] == rows[0]  # the same headers
    assert len(cells) == len(rows)
    for got, expected in zip(cells[1:], rows[1:], strict=True):
        for cell, text in zip(got, expected, strict=False):
            if isinstance(cell, float):
                if table == "trend" and cell == got[0]:
                    continue  # a date: Excel's serial number
                assert cell == pytest.approx(float(text))
            else:
                assert cell == text


def test_the_figures_are_the_apis(program: Program):
    client = signed_in(program.pm, language="en")
    summary = client.get("/api/v1/analytics/summary").json()
    rows = {row[0]: row[1] for row in csv_rows(export(client, "summary"))[1:]}
    assert float(rows["Clicks"]) == summary["clicks"]
    assert float(rows["Earned media value"]) == summary["emv"]
    assert float(rows["Participation rate"]) == pytest.approx(summary["participation_rate"] * 100)
    ranking = client.get("/api/v1/analytics/rankings/content").json()["items"]
    exported = csv_rows(export(client, "content"))
    header = exported[0]
    assert header[:3] == ["ID", "Content", "Shares"]
    for item, row in zip(ranking, exported[1:], strict=True):
        line = dict(zip(header, row, strict=True))
        assert line["Content"] == item["label"] and int(line["Clicks"]) == item["clicks"]
        assert int(line["Potential reach"]) == item["potential_reach"]


def test_headers_are_in_the_persons_language(program: Program):
    ja = csv_rows(export(signed_in(program.pm, language="ja"), "content"))[0]
    en = csv_rows(export(signed_in(program.pm, language="en"), "content"))[0]
    assert en[2] == "Shares"
    assert ja != en and ja[2] != "Shares"  # シェア数
    # A token has no browser language: the person's own language, else the organization's.
    program.pm.user.language = "en"
    program.pm.user.save(update_fields=["language"])
    by_token = Client(headers={"Authorization": f"Bearer {token_for(program.pm, ('read',))}"})
    assert csv_rows(by_token.get("/api/v1/analytics/export/content"))[0][2] == "Shares"


def test_the_whole_table_is_exported_not_a_page(org, admin):
    direct_rollups(org, rows=30)
    client = signed_in(admin, language="en")
    page = client.get(reverse("analytics:content"), {"page": 2, "format": "csv"})
    rows = csv_rows(page)
    assert len(rows) == 31
    assert rows[1][1] == "記事 29"  # the order of the page: most clicks first
    shares = csv_rows(export(client, "content", order="conversions"))
    conversions = [float(r[6]) for r in shares[1:]]
    assert conversions == sorted(conversions, reverse=True)


def test_no_cell_runs_as_a_formula(org, admin):
    direct_rollups(org, rows=4)
    risky = ['=HYPERLINK("https://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)"]
    for item, title in zip(ContentItem.objects.filter(organization=org), risky, strict=False):
        item.title = title
        item.save(update_fields=["title"])
    client = signed_in(admin, language="en")
    rows = csv_rows(export(client, "content"))
    titles = {row[1] for row in rows[1:]}
    assert titles == {"'" + title for title in risky}
    cells, formulas = xlsx_rows(export(client, "content", format="xlsx").content)
    assert formulas == []
    assert {row[1] for row in cells[1:]} == set(risky)  # as text, unchanged
    assert safe_text("\tcmd") == "'\tcmd" and safe_text("普通の題名") == "普通の題名"


def test_attribution_names_the_conversions_column(program: Program):
    client = signed_in(program.pm, language="en")
    rows = csv_rows(export(client, "content", attribution="linear"))
    assert rows[0][6] == "Conversions (Linear)"
    assert sorted(float(r[6]) for r in rows[1:]) == [0.5, 0.5]


def test_bad_requests_are_explained(program: Program):
    client = signed_in(program.pm, language="en")
    assert export(client, "content", format="pdf").status_code == 422
    assert export(client, "nothing").status_code == 422
    bad = export(client, "content", **{"from": "2026-13-01"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_filters"


def test_the_writers_directly(program: Program):
    pm = actor(program.pm)
    filters = filters_for(actor=pm)
    table = export_table(actor=pm, filters=filters, table="departments")
    lines = list(csv_lines(table))
    assert lines[0].startswith("\ufeff")
    assert len(lines) == 1 + len(list(table.rows))
    cells, _formulas = xlsx_rows(xlsx_bytes(table))
    assert len(cells) == len(lines)


def test_money_is_written_as_plain_numbers(program: Program):
    client = signed_in(program.pm, language="en")
    rows = csv_rows(export(client, "advocates"))
    values = {row[1]: row[7] for row in rows[1:]}  # conversion value
    assert values["たかちゃん"] == "30000"
    assert all("E" not in cell for row in rows[1:] for cell in row[2:])
