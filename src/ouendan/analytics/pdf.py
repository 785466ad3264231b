"""PDF documents from Django templates, rendered by WeasyPrint without touching the network.

``render_pdf(template_name=…, context=…, language=…)`` renders a template that extends
``analytics/report/base_pdf.html`` (A4 portrait, the organization's name in the header, page
numbers in the footer, Japanese in Noto Sans CJK JP embedded in the file) and returns the PDF's
bytes. Only ``data:`` URLs and our own static files (read from disk through the staticfiles
finders) are loaded; anything else (``http:``, ``file:``, media) is refused.

Charts (``analytics.charts``) are drawn in the active language: build them inside
``translation.override(language)``, or pass them in the context as callables, which the
template calls while ``render_pdf`` has the language switched on.

WeasyPrint is imported on first use, so a machine without Pango can still serve every page;
it is then told how to install what is missing.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import functools
import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# The font the reports are set in (Debian: fonts-noto-cjk; elsewhere Google's Noto Sans JP).
FONT_FAMILIES = ("Noto Sans CJK JP", "Noto Sans JP")
FONT_PACKAGE = "fonts-noto-cjk"
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
# Relative URLs (``{% static %}`` gives ``/static/…``) resolve against this origin; ``.invalid``
# never resolves, and the fetcher answers it from disk.
BASE_URL = "https://pdf.ouendan.invalid/"


class PdfUnavailable(ImproperlyConfigured):
    """This machine cannot make PDFs (a font or a library is missing); the message says how."""


class PdfResourceRefused(ValueError):
    """A document asked for something other than a ``data:`` URL or one of our static files."""


def render_pdf(*, template_name: str, context: dict[str, Any], language: str) -> bytes:
    """Render ``template_name`` with ``context`` in ``language`` and return the PDF's bytes."""
    require_japanese_font()
    weasyprint = _weasyprint()
    with translation.override(language):
        html = render_to_string(template_name, context)
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=pdf_url_fetcher())
        pdf: bytes = document.write_pdf()
    return pdf


def pdf_url_fetcher() -> Any:
    """WeasyPrint's fetcher for our documents: ``data:`` URLs and our static files only."""
    return _fetcher_class()()


def fetch_offline(url: str) -> tuple[bytes, str]:
    """``(content, mime type)`` of ``url`` from memory or disk; ``PdfResourceRefused`` otherwise."""
    if url.startswith("data:"):
        return _decode_data_url(url)
    name = _static_name(url)
    if name is None:
        raise PdfResourceRefused(f"PDF rendering loads nothing from the network: refused {url}")
    path = finders.find(name)
    if not path or isinstance(path, list):
        raise PdfResourceRefused(f"no static file {name!r} (for {url})")
    mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Path(path).read_bytes(), mime_type


def _static_name(url: str) -> str | None:
    """The static file's name for ``https://pdf.ouendan.invalid/static/x.css`` (or an absolute
    ``STATIC_URL``), else None. Names that climb out (``..``) are refused."""
    static_url = str(settings.STATIC_URL or "/static/")
    prefixes = [static_url] if "://" in static_url else []
    prefixes.append(BASE_URL.rstrip("/") + "/" + static_url.lstrip("/"))
    for prefix in prefixes:
        if url.startswith(prefix):
            name = unquote(urlsplit(url[len(prefix) :]).path)
            parts = name.split("/")
            if not name or name.startswith("/") or "\\" in name or ".." in parts:
                raise PdfResourceRefused(f"not a static file name: {url}")
            return name
    return None


def _decode_data_url(url: str) -> tuple[bytes, str]:
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise PdfResourceRefused("malformed data: URL")
    mime_type = header.split(";")[0] or "text/plain"
    if header.endswith(";base64"):
        return base64.b64decode(unquote(payload)), mime_type
    return unquote_to_bytes(payload), mime_type


@functools.cache
def _fetcher_class() -> type:
    urls = _weasyprint().urls

    class OfflineURLFetcher(urls.URLFetcher):  # type: ignore[name-defined]
        """Answers from ``fetch_offline``; a refusal is logged and the resource left out."""

        def fetch(self, url: str, headers: object = None) -> Any:
            try:
                content, mime_type = fetch_offline(url)
            except PdfResourceRefused:
                logger.warning("pdf.resource_refused", extra={"url": url[:200]})
                raise
            return urls.URLFetcherResponse(url, content, {"Content-Type": mime_type})

    return OfflineURLFetcher


def _weasyprint() -> Any:
    try:
        import weasyprint  # loads Pango: only when a PDF is made
        import weasyprint.urls
    except OSError as error:
        raise PdfUnavailable(
            f"PDF reports need Pango and HarfBuzz ({error}). On Debian or Ubuntu: "
            f"apt-get install {PANGO_PACKAGES} (or run `make install` as root)."
        ) from error
    return weasyprint


def require_japanese_font() -> None:
    """Fail with the way to install it when no Noto CJK JP font is known to fontconfig, rather
    than make a PDF whose Japanese is a row of empty boxes."""
    if not _japanese_font_installed():
        raise PdfUnavailable(
            f"PDF reports need the font {FONT_FAMILIES[0]!r}, which fontconfig does not know. "
            f"On Debian or Ubuntu: apt-get install {FONT_PACKAGE} (or run `make install` as "
            f"root); elsewhere install Noto Sans CJK JP or Noto Sans JP."
        )


_font_found = False


def _japanese_font_installed() -> bool:
    """Asks fontconfig (the library Pango uses) once it has answered yes; until then each time,
    so that a font installed while the server runs is found without a restart."""
    global _font_found
    if not _font_found:
        _font_found = any(_fontconfig_has_family(family) for family in FONT_FAMILIES)
    return _font_found


class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


@functools.cache
def _fontconfig() -> ctypes.CDLL | None:
    for name in ("libfontconfig.so.1", ctypes.util.find_library("fontconfig")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.FcInitBringUptoDate.restype = ctypes.c_int
        lib.FcPatternCreate.restype = ctypes.c_void_p
        lib.FcPatternAddString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
        lib.FcObjectSetCreate.restype = ctypes.c_void_p
        lib.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
        lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.FcFontList.restype = ctypes.POINTER(_FcFontSet)
        lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]
        return lib
    return None


def _fontconfig_has_family(family: str) -> bool:
    lib = _fontconfig()
    if lib is None:
        return False
    lib.FcInitBringUptoDate()
    pattern = lib.FcPatternCreate()
    object_set = lib.FcObjectSetCreate()
    try:
        lib.FcPatternAddString(pattern, b"family", family.encode())
        lib.FcObjectSetAdd(object_set, b"family")
        fonts = lib.FcFontList(None, pattern, object_set)
        if not fonts:
            return False
        count = int(fonts.contents.nfont)
        lib.FcFontSetDestroy(fonts)
        return count > 0
    finally:
        lib.FcObjectSetDestroy(object_set)
        lib.FcPatternDestroy(pattern)
