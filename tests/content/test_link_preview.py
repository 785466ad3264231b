"""The link preview fetcher: Open Graph parsing against a real local server, and the SSRF guard.

The server listens on 127.0.0.1, so the tests that reach it turn ``LINK_PREVIEW_ALLOW_LOOPBACK``
on through pytest-django's ``settings`` fixture; every other test runs with loopback refused.
"""

from __future__ import annotations

import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from ouendan.content import fetching
from ouendan.content.fetching import FetchError, address_allowed
from ouendan.content.link_preview import link_preview_fetch
from tests.local_http import LocalServer, page, redirect


@pytest.fixture
def no_connection(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Fails the test if the fetcher opens any connection."""
    attempts: list[tuple[Any, ...]] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError("the fetcher connected")

    monkeypatch.setattr(fetching, "_connect", refuse)
    return attempts


def error_code(url: str, **kwargs: Any) -> str:
    with pytest.raises(FetchError) as caught:
        link_preview_fetch(url=url, **kwargs)
    assert caught.value.message
    return caught.value.code


JAPANESE_PAGE = """<!doctype html>
<html lang="ja"><head>
<meta charset="utf-8">
<title>フォールバックの題名</title>
<meta property="og:title" content="新卒採用説明会を開催します">
<meta property="og:description" content="2027年度の新卒採用について、社員がお話しします。">
<meta property="og:image" content="/images/setsumeikai.png">
<meta property="og:site_name" content="株式会社みらい製作所">
</head><body><p>本文</p></body></html>"""


# --- Parsing ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("loopback_allowed")
def test_open_graph_in_utf8_is_read_and_the_image_resolved(server: LocalServer) -> None:
    server.routes["/news/1"] = page(JAPANESE_PAGE)

    preview = link_preview_fetch(url=server.url("/news/1#top"))

    assert preview.url == server.url("/news/1")
    assert preview.title == "新卒採用説明会を開催します"
    assert preview.description == "2027年度の新卒採用について、社員がお話しします。"
    assert preview.image_url == server.url("/images/setsumeikai.png")
    assert preview.site_name == "株式会社みらい製作所"
    assert preview.language == "ja"


@pytest.mark.usefixtures("loopback_allowed")
def test_shift_jis_page_declared_in_meta_only_is_decoded(server: LocalServer) -> None:
    html = JAPANESE_PAGE.replace('<meta charset="utf-8">', '<meta charset="Shift_JIS">').replace(
        "株式会社",
        "㈱",  # NEC special character: CP932, not strict Shift_JIS
    )
    server.routes["/sjis"] = page(html.encode("cp932"), content_type="text/html")

    preview = link_preview_fetch(url=server.url("/sjis"))

    assert preview.title == "新卒採用説明会を開催します"
    assert preview.site_name == "㈱みらい製作所"


@pytest.mark.usefixtures("loopback_allowed")
def test_windows_31j_label_is_read_as_cp932(server: LocalServer) -> None:
    html = "<html><head><title>①採用イベント</title></head></html>"
    server.routes["/w31j"] = page(
        html.encode("cp932"), content_type="text/html; charset=Windows-31J"
    )

    assert link_preview_fetch(url=server.url("/w31j")).title == "①採用イベント"


@pytest.mark.usefixtures("loopback_allowed")
def test_euc_jp_charset_from_the_header_wins_over_the_meta(server: LocalServer) -> None:
    html = '<html><head><meta charset="utf-8"><title>技術ブログ：検索の話</title></head></html>'
    server.routes["/euc"] = page(html.encode("euc_jp"), content_type="text/html; charset=EUC-JP")

    assert link_preview_fetch(url=server.url("/euc")).title == "技術ブログ：検索の話"


@pytest.mark.usefixtures("loopback_allowed")
def test_fallbacks_without_open_graph(server: LocalServer) -> None:
    server.routes["/plain"] = page(
        """<html lang="en-US"><head><title>  Press
        release </title><meta name="description" content="Quarterly results."></head></html>""",
        content_type="application/xhtml+xml",
    )

    preview = link_preview_fetch(url=server.url("/plain"))

    assert preview.title == "Press release"
    assert preview.description == "Quarterly results."
    assert preview.image_url == ""
    assert preview.site_name == ""
    assert preview.language == "en-US"


@pytest.mark.usefixtures("loopback_allowed")
def test_image_with_a_non_web_scheme_is_dropped(server: LocalServer) -> None:
    server.routes["/js"] = page(
        '<html><head><meta property="og:image" content="javascript:alert(1)"></head></html>'
    )

    assert link_preview_fetch(url=server.url("/js")).image_url == ""


@pytest.mark.usefixtures("loopback_allowed")
def test_redirects_are_followed_to_the_final_url(server: LocalServer) -> None:
    server.routes["/old"] = redirect("/new", status=301)
    server.routes["/new"] = page(JAPANESE_PAGE)

    preview = link_preview_fetch(url=server.url("/old"))

    assert preview.url == server.url("/new")
    assert preview.image_url == server.url("/images/setsumeikai.png")


@pytest.mark.usefixtures("loopback_allowed")
def test_japanese_path_and_query_are_sent_percent_encoded(server: LocalServer) -> None:
    server.routes["/%E6%8E%A1%E7%94%A8?q=%E6%96%B0%E5%8D%92"] = redirect(
        "/記事/1".encode().decode("latin-1")  # raw UTF-8 bytes in the header, as some servers do
    )
    server.routes["/%E8%A8%98%E4%BA%8B/1"] = page(JAPANESE_PAGE)

    preview = link_preview_fetch(url=server.url("/採用?q=新卒"))

    assert preview.title == "新卒採用説明会を開催します"
    assert preview.url == server.url("/記事/1")


@pytest.mark.usefixtures("loopback_allowed")
def test_connects_to_the_checked_address_and_sends_the_original_host(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One lookup per hop; a second, rebinding answer is never asked for."""
    lookups: list[str] = []

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        answer = "127.0.0.1" if len(lookups) == 1 else "169.254.169.254"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", resolve)
    server.routes["/"] = page(JAPANESE_PAGE)

    preview = link_preview_fetch(url=f"http://news.example:{server.port}/")

    assert preview.title == "新卒採用説明会を開催します"
    assert lookups == ["news.example"]
    assert server.requests == [{"path": "/", "host": f"news.example:{server.port}"}]


# --- The address check --------------------------------------------------------------------------

REFUSED = [
    "127.0.0.1",
    "127.8.8.8",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "169.254.1.1",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2001:db8::1",
    "not an address",
]


@pytest.mark.parametrize("address", REFUSED)
def test_address_check_refuses(address: str) -> None:
    assert not address_allowed(address=address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5", "::ffff:8.8.8.8"])
def test_address_check_allows_public_addresses(address: str) -> None:
    assert address_allowed(address=address)


def test_allowing_loopback_allows_loopback_only() -> None:
    assert address_allowed(address="127.0.0.1", allow_loopback=True)
    assert address_allowed(address="::1", allow_loopback=True)
    refused = ("10.0.0.1", "169.254.169.254", "fd00:ec2::254", "0.0.0.0", "192.168.0.1")  # noqa: S104
    for address in refused:
        assert not address_allowed(address=address, allow_loopback=True)


LITERAL_HOSTS = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    "[::1]",
    "[fe80::1]",
    "[fc00::1]",
    "[::ffff:127.0.0.1]",
]


@pytest.mark.parametrize("host", LITERAL_HOSTS)
def test_fetch_refuses_literal_addresses_before_connecting(
    host: str, no_connection: list[tuple[Any, ...]]
) -> None:
    assert error_code(f"http://{host}:8080/latest/meta-data/") == "address_refused"
    assert no_connection == []


@pytest.mark.usefixtures("loopback_allowed")
def test_metadata_address_is_refused_even_with_loopback_allowed(
    no_connection: list[tuple[Any, ...]],
) -> None:
    assert error_code("http://169.254.169.254/latest/meta-data/") == "address_refused"
    assert error_code("http://[fd00:ec2::254]/") == "address_refused"


def test_a_name_with_any_refused_address_is_refused(
    monkeypatch: pytest.MonkeyPatch, no_connection: list[tuple[Any, ...]]
) -> None:
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", resolve)

    assert error_code("https://intranet.example/") == "address_refused"


# --- Redirects ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0:8000/",
    ],
)
def test_redirect_into_a_refused_address_is_refused(server: LocalServer, location: str) -> None:
    server.routes["/go"] = redirect(location)

    assert error_code(server.url("/go")) == "address_refused"


def test_redirect_into_loopback_is_refused_when_loopback_is_not_allowed(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """The first hop reaches the local server (allowed); the redirect back to it is not."""
    settings.LINK_PREVIEW_ALLOW_LOOPBACK = True
    server.routes["/go"] = redirect(server.url("/internal"))
    server.routes["/internal"] = page(JAPANESE_PAGE)
    original = fetching._exchange
    hops = 0

    def exchange(*args: Any, **kwargs: Any) -> Any:
        nonlocal hops
        hops += 1
        if hops == 2:
            settings.LINK_PREVIEW_ALLOW_LOOPBACK = False
        return original(*args, **kwargs)

    monkeypatch.setattr(fetching, "_exchange", exchange)

    assert error_code(server.url("/go")) == "address_refused"
    assert [request["path"] for request in server.requests] == ["/go"]


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize(
    ("location", "code"),
    [
        ("ftp://files.example/secret", "url_scheme"),
        ("file:///etc/passwd", "url_scheme"),
        ("http://admin:hunter2@news.example/", "url_invalid"),
    ],
)
def test_redirect_to_a_refused_url_is_refused(
    server: LocalServer, location: str, code: str
) -> None:
    server.routes["/go"] = redirect(location)

    assert error_code(server.url("/go")) == code


@pytest.mark.usefixtures("loopback_allowed")
def test_five_redirects_are_followed_and_the_sixth_is_not(server: LocalServer) -> None:
    for hop in range(6):
        server.routes[f"/hop/{hop}"] = redirect(f"/hop/{hop + 1}")
    server.routes["/hop/6"] = page(JAPANESE_PAGE)
    server.routes["/five/0"] = redirect("/hop/2")  # 0 → 2 → 3 → 4 → 5 → 6: five redirects

    assert link_preview_fetch(url=server.url("/five/0")).url == server.url("/hop/6")
    assert error_code(server.url("/hop/0")) == "too_many_redirects"


@pytest.mark.usefixtures("loopback_allowed")
def test_redirect_loop_stops(server: LocalServer) -> None:
    server.routes["/loop"] = redirect("/loop")

    assert error_code(server.url("/loop")) == "too_many_redirects"


# --- Limits and content types -------------------------------------------------------------------


@pytest.mark.usefixtures("loopback_allowed")
def test_slow_server_hits_the_time_cap(server: LocalServer) -> None:
    def dribble(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        for _ in range(40):  # a byte every 50 ms: each read is quick, the whole is not
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.05)

    server.routes["/slow"] = dribble
    started = time.monotonic()

    assert error_code(server.url("/slow"), timeout=0.5) == "timeout"
    assert time.monotonic() - started < 1.5


@pytest.mark.usefixtures("loopback_allowed")
def test_server_that_never_answers_hits_the_time_cap(server: LocalServer) -> None:
    def silent(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(2)

    server.routes["/silent"] = silent
    started = time.monotonic()

    assert error_code(server.url("/silent"), timeout=0.5) == "timeout"
    assert time.monotonic() - started < 1.5


@pytest.mark.usefixtures("loopback_allowed")
def test_oversized_body_is_refused(server: LocalServer) -> None:
    big = b"<html><head><title>big</title></head><body>" + b"x" * 2_000_000

    def streamed(handler: BaseHTTPRequestHandler) -> None:  # no Content-Length to go by
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(big)

    server.routes["/declared"] = page(big)
    server.routes["/streamed"] = streamed

    assert error_code(server.url("/declared")) == "too_large"
    assert error_code(server.url("/streamed")) == "too_large"
    assert error_code(server.url("/declared"), max_bytes=100) == "too_large"


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize("content_type", ["application/json", "image/png", "text/plain", None])
def test_non_html_content_is_refused(server: LocalServer, content_type: str | None) -> None:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"{}")

    server.routes["/data"] = respond

    assert error_code(server.url("/data")) == "not_html"


@pytest.mark.usefixtures("loopback_allowed")
def test_error_status_fails(server: LocalServer) -> None:
    assert error_code(server.url("/missing")) == "fetch_failed"


# --- The URL itself -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://user:pass@news.example/", "url_invalid"),
        ("http://user@news.example/", "url_invalid"),
        ("https://@news.example/", "url_invalid"),
        ("http://news.example@127.0.0.1/", "url_invalid"),
        ("ftp://news.example/", "url_scheme"),
        ("javascript:alert(1)", "url_scheme"),
        ("file:///etc/passwd", "url_scheme"),
        ("news.example/article", "url_scheme"),
        ("http:///path-only", "url_invalid"),
        ("http://news.example:99999/", "url_invalid"),
        ("http://news.exa mple/", "url_invalid"),
        ("", "url_invalid"),
    ],
)
def test_url_is_refused(url: str, code: str, no_connection: list[tuple[Any, ...]]) -> None:
    assert error_code(url) == code
    assert no_connection == []
