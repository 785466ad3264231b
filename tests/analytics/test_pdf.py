"""PDF rendering: Japanese in an embedded font, charts drawn, nothing fetched from the network."""

from __future__ import annotations

import base64
import copy
import ctypes
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from ouendan.analytics.charts import Series, bar_chart, line_chart, line_chart_table
from ouendan.analytics.pdf import (
    PdfResourceRefused,
    PdfUnavailable,
    fetch_offline,
    pdf_url_fetcher,
    render_pdf,
    require_japanese_font,
)
from tests.conftest import require_service
from tests.local_http import LocalServer, page

REPO = Path(__file__).resolve().parents[2]
TITLE = "四半期レポート"
ORGANIZATION = "株式会社みらい製作所"
CHART_BLUE = (0x00, 0x72, 0xB2)  # the first series' colour (charts.PALETTE)
# A 1×1 red PNG.
RED_PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408"
        "d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
    )
).decode()

SAMPLE = """\
{% extends "analytics/report/base_pdf.html" %}
{% block title %}四半期レポート{% endblock %}
{% block content %}
  <h1>四半期レポート</h1>
  <p>社員のシェアとクリックの推移です。</p>
  <figure>{{ chart }}</figure>
  {{ table }}
  {{ extra|safe }}
{% endblock %}
"""


@pytest.fixture
def pdf_ready() -> None:
    """The font and Pango must be there: ``make test`` installs them (CI); elsewhere skip."""
    try:
        require_japanese_font()
        import weasyprint  # noqa: F401
    except (PdfUnavailable, OSError) as error:
        require_service(False, f"PDF rendering unavailable: {error}")


@pytest.fixture
def templates(settings: Any, tmp_path: Path) -> Path:
    (tmp_path / "sample").mkdir()
    (tmp_path / "sample" / "report.html").write_text(SAMPLE, encoding="utf-8")
    engines = copy.deepcopy(settings.TEMPLATES)
    engines[0]["DIRS"] = [*engines[0]["DIRS"], tmp_path]
    settings.TEMPLATES = engines
    return tmp_path


def sample_context(extra: str = "") -> dict[str, Any]:
    labels = [f"{m}月" for m in range(4, 10)]
    series = [
        Series("クリック", [1200, 1800, None, 2400, 3100, 2900]),
        Series("シェア", [310, 420, 380, 500, 610, 580]),
    ]
    return {
        "organization": {"name": ORGANIZATION},
        "chart": line_chart(labels=labels, series=series, title="クリック数の推移", unit="件"),
        "table": line_chart_table(labels=labels, series=series, title="クリック数", hidden=False),
        "extra": extra,
    }


@pytest.fixture
def document(pdf_ready: None, templates: Path) -> Iterator[tuple[bytes, pdfium.PdfDocument]]:
    data = render_pdf(template_name="sample/report.html", context=sample_context(), language="ja")
    pdf = pdfium.PdfDocument(data)
    yield data, pdf
    pdf.close()


def page_text(pdf: pdfium.PdfDocument, index: int = 0) -> str:
    pdf_page = pdf[index]
    text_page = pdf_page.get_textpage()
    text = str(text_page.get_text_range())
    text_page.close()
    pdf_page.close()
    return text


def test_the_pdf_renders_japanese_and_the_chart(
    document: tuple[bytes, pdfium.PdfDocument],
) -> None:
    data, pdf = document
    assert data.startswith(b"%PDF")
    text = page_text(pdf)
    assert TITLE in text
    assert ORGANIZATION in text  # the running header
    assert "1 / 1" in text  # the page number in the footer
    assert "クリック" in text and "3,100" in text and "4,000件" in text  # legend, table, axis

    image = pdf[0].render(scale=1).to_pil().convert("RGB")
    width, height = image.size
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 portrait
    pixels = list(image.get_flattened_data())
    ink = sum(1 for p in pixels if sum(p) < 3 * 235)
    assert ink > 0.01 * len(pixels), "page 1 is (nearly) blank"
    blue = sum(
        1 for p in pixels if all(abs(a - b) < 40 for a, b in zip(p, CHART_BLUE, strict=True))
    )
    assert blue > 50, "the chart's first series was not drawn"


def test_the_fonts_are_embedded(document: tuple[bytes, pdfium.PdfDocument]) -> None:
    _data, pdf = document
    fonts: dict[str, bool] = {}
    first_page = pdf[0]  # kept: the raw handle dies with it
    page_handle = first_page.raw
    for i in range(pdfium_c.FPDFPage_CountObjects(page_handle)):
        obj = pdfium_c.FPDFPage_GetObject(page_handle, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        font = pdfium_c.FPDFTextObj_GetFont(obj)
        size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
        fonts[buffer.value.decode()] = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
    assert fonts, "no text objects on page 1"
    assert all(fonts.values()), f"fonts not embedded: {fonts}"
    assert any("NotoSansCJKJP" in name.replace("-", "").replace(" ", "") for name in fonts), fonts


def test_the_charts_text_is_in_the_language_asked_for(pdf_ready: None, templates: Path) -> None:
    context = sample_context()
    context["chart"] = lambda: bar_chart(rows=[("Sales", 1234)], title="By department")
    data = render_pdf(template_name="sample/report.html", context=context, language="en")
    pdf = pdfium.PdfDocument(data)
    try:
        assert "Sales" in page_text(pdf) and "1,234" in page_text(pdf)
    finally:
        pdf.close()


def test_the_url_fetcher_refuses_the_network() -> None:
    fetcher = pdf_url_fetcher()
    for url in (
        "http://127.0.0.1:9/image.png",
        "https://example.com/style.css",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "https://pdf.ouendan.invalid/media/logo.png",
        "https://pdf.ouendan.invalid/static/../settings.py",
        "https://pdf.ouendan.invalid/static/%2e%2e/settings.py",
    ):
        with pytest.raises(PdfResourceRefused):
            fetcher(url)


def test_the_url_fetcher_answers_data_urls_and_our_static_files() -> None:
    content, mime_type = fetch_offline(f"data:image/png;base64,{RED_PIXEL}")
    assert content.startswith(b"\x89PNG") and mime_type == "image/png"
    assert fetch_offline("data:,a%20b") == (b"a b", "text/plain")
    response = pdf_url_fetcher()("https://pdf.ouendan.invalid/static/analytics/report_pdf.css")
    assert b"@page" in response.read() and response.content_type == "text/css"
    response.close()


def test_rendering_reaches_nothing_over_http(
    pdf_ready: None, templates: Path, server: LocalServer
) -> None:
    server.routes["/pixel.png"] = page(base64.b64decode(RED_PIXEL), "image/png")
    server.routes["/style.css"] = page("body { background: red }", "text/css")
    extra = (
        f'<img src="{server.url("/pixel.png")}" alt="">'
        f'<link rel="stylesheet" href="{server.url("/style.css")}">'
        f'<img src="data:image/png;base64,{RED_PIXEL}" alt="" class="inline">'
    )
    data = render_pdf(
        template_name="sample/report.html", context=sample_context(extra), language="ja"
    )
    assert data.startswith(b"%PDF")
    assert server.requests == []


def test_without_the_font_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    """A real fontconfig that knows no font (an empty configuration), in a process of its own."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    script = textwrap.dedent(
        """
        import django
        django.setup()
        from ouendan.analytics.pdf import PdfUnavailable, render_pdf
        try:
            render_pdf(template_name="analytics/report/base_pdf.html",
                       context={"organization": {"name": "x"}}, language="ja")
        except PdfUnavailable as error:
            print(error)
        else:
            print("rendered")
        """
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "DJANGO_SETTINGS_MODULE": "ouendan.settings",
        "OUENDAN_DEMO": "1",
        "PYTHONPATH": str(REPO / "src"),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "apt-get install fonts-noto-cjk" in result.stdout, result.stdout + result.stderr
    assert "Noto Sans CJK JP" in result.stdout
