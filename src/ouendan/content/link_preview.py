"""Link previews: a pasted URL's Open Graph data (title, description, image, site, language).

The page is fetched through ``content.fetching`` (the SSRF guard); this module only decodes and
parses it. Only ``text/html`` and ``application/xhtml+xml`` are parsed, with Beautiful Soup on
the standard library's ``html.parser``. The charset comes from a BOM, the ``Content-Type``
header, the document's ``<meta charset>``, then detection (Shift_JIS is read as CP932, its
common superset).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import charset_normalizer
from bs4 import BeautifulSoup, Tag
from bs4.dammit import EncodingDetector

from ouendan.content.fetching import (
    MAX_URL_LENGTH,
    TIMEOUT_SECONDS,
    FetchError,
    FetchKind,
    guarded_fetch,
)

MAX_BYTES = FetchKind.PAGE.value.max_bytes
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels browsers know that Python's codec registry does not.
CHARSET_ALIASES = {"x-sjis": "cp932", "windows-31j": "cp932", "x-euc-jp": "euc_jp"}

__all__ = ["FetchError", "LinkPreview", "link_preview_fetch"]


@dataclass(frozen=True)
class LinkPreview:
    url: str  # after redirects
    title: str
    description: str
    image_url: str
    site_name: str
    language: str


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    try:
        codec = codecs.lookup(CHARSET_ALIASES.get(label, label)).name
    except LookupError:
        return None
    # Pages labelled Shift_JIS are nearly always Windows' superset (①, ㈱, NEC extensions).
    return "cp932" if codec == "shift_jis" else codec


def _decode(body: bytes, header_charset: str | None) -> str:
    for bom, bom_codec in BOMS:
        if body.startswith(bom):
            return body.decode(bom_codec, errors="replace")
    declared = EncodingDetector.find_declared_encoding(body, is_html=True)
    codec = _codec(header_charset) or _codec(declared)
    if codec is None:
        best = charset_normalizer.from_bytes(body[:65536]).best()
        codec = _codec(best.encoding if best else None)
    return body.decode(codec or "utf-8", errors="replace")


def _meta(soup: BeautifulSoup, *names: str) -> str:
    wanted = {name.lower() for name in names}
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        if not isinstance(tag, Tag):
            continue
        key = str(tag.get("property") or tag.get("name") or "").strip().lower()
        content = tag.get("content")
        if key in wanted and key not in found and isinstance(content, str) and content.strip():
            found[key] = " ".join(content.split())
    return next((found[name.lower()] for name in names if name.lower() in found), "")


def _parse(html: str, *, final_url: str) -> LinkPreview:
    soup = BeautifulSoup(html, "html.parser")
    title = _meta(soup, "og:title", "twitter:title")
    if not title and soup.title is not None:
        title = " ".join(soup.title.get_text().split())
    image = _meta(soup, "og:image", "og:image:url", "og:image:secure_url", "twitter:image")
    image_url = urljoin(final_url, image) if image else ""
    if urlsplit(image_url).scheme not in {"http", "https"}:
        image_url = ""
    language = ""
    if soup.html is not None and isinstance(soup.html.get("lang"), str):
        language = str(soup.html.get("lang")).strip()
    if not language:
        language = _meta(soup, "og:locale").replace("_", "-")
    return LinkPreview(
        url=final_url,
        title=title[:300],
        description=_meta(soup, "og:description", "description", "twitter:description")[:1000],
        image_url=image_url[:MAX_URL_LENGTH],
        site_name=_meta(soup, "og:site_name")[:200],
        language=language[:35],
    )


def link_preview_fetch(
    *, url: str, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES
) -> LinkPreview:
    """Fetch ``url`` through the guard and return its preview; ``FetchError`` otherwise."""
    page = guarded_fetch(url=url, kind=FetchKind.PAGE, timeout=timeout, max_bytes=max_bytes)
    return _parse(_decode(page.body, page.charset), final_url=page.url)
