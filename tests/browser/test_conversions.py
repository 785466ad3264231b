"""Conversions in a real browser: a visitor follows an employee's tracked link to the company's
careers site (a local server with a strict Content-Security-Policy), which loads ``/t.js`` from
Ouendan; on the next page the site reports an application, and the conversion is credited to
the employee who shared the link. Then the program manager's settings page, on a phone."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Browser, Page, expect

from ouendan.accounts.roles import Role
from ouendan.governance.services.policy import policy_acknowledge, policy_publish
from ouendan.networks import Network
from ouendan.sharing.services.shares import share_create
from ouendan.tracking.models import Click, Conversion, ConversionType, TrackedLink
from ouendan.tracking.services import Sharer
from ouendan.tracking.services.settings import TrackingRules, tracking_settings_update
from ouendan.tracking.snippet import STUB
from tests.browser.conftest import (
    DESKTOP,
    MOBILE,
    _new_context,
    _page,
    allow_site,
    person,
    screenshot,
)
from tests.factories import actor, make_person
from tests.sharing.conftest import live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A person's Chrome (the test browser's own user agent says "HeadlessChrome": a bot's click).
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


def ja(text: str, context: str | None = None) -> str:
    with translation.override("ja"):
        return pgettext(context, text) if context else gettext(text)


class CareersSite:
    """The company's careers site on 127.0.0.1: a landing page and a thank-you page, both
    loading Ouendan's snippet, under a CSP that allows no inline script and no eval."""

    def __init__(self, ouendan: str) -> None:
        self.ouendan = ouendan
        self.paths: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.paths.append(self.path)
                path = urlsplit(self.path).path
                if path == "/site.js":
                    self._send(site.script(), "text/javascript; charset=utf-8")
                elif path in ("/jobs/setsumeikai", "/thanks"):
                    self._send(site.page(path), "text/html; charset=utf-8")
                else:
                    self.send_error(404)

            def _send(self, text: str, content_type: str) -> None:
                data = text.encode()
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header(
                    "Content-Security-Policy",
                    f"default-src 'none'; script-src 'self' {site.ouendan}; "
                    f"connect-src {site.ouendan}; base-uri 'none'; form-action 'none'",
                )
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def page(self, path: str) -> str:
        body = (
            '<p><a id="apply" href="/thanks">応募する</a></p>'
            if path == "/jobs/setsumeikai"
            else '<p id="done">ご応募ありがとうございました</p>'
        )
        return (
            '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>採用情報</title>'
            '<script src="/site.js"></script>'
            f'<script src="{self.ouendan}/t.js?o=mirai" async></script>'
            f"</head><body><h1>株式会社みらい製作所 採用情報</h1>{body}</body></html>"
        )

    def script(self) -> str:
        """The site's own script: the queue stub, then (on the thank-you page) the report,
        made before /t.js has loaded."""
        return (
            STUB
            + "if (location.pathname === '/thanks') {"
            + " ouendan('convert', {type: 'application', value: 0, id: 'APP-2026-0042'}); }"
        )

    def __enter__(self) -> CareersSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def visitor(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:
    """A visitor's phone browser, with a person's user agent."""
    context, watch = _new_context(
        browser, live_server, MOBILE, user_agent=CHROME, is_mobile=True, has_touch=True
    )
    yield from _page(context, watch)


def _wait_for(page: Page, condition: Any, seconds: float = 10) -> None:
    """Poll the database while the page runs. Waiting through Playwright (not ``time.sleep``)
    keeps its event loop turning: the route that lets requests leave the browser is ours, in
    Python, and a request waits for it."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def test_an_application_on_the_careers_site_is_credited_to_the_sharer(
    visitor: Page, live_server: Any, settings: Any, org: Any, admin: Any, advocate: Any
):
    settings.LINK_BASE_URL = live_server.url  # the tracked link is served by this test server
    with CareersSite(live_server.url) as careers:
        curator = actor(make_person(org, roles=[Role.CURATOR, Role.PROGRAM_MANAGER]))
        reviewer = actor(make_person(org, roles=[Role.REVIEWER]))
        item = live(curator, reviewer, "会社説明会", url=careers.url("/jobs/setsumeikai?from=news"))
        policy_publish(actor=actor(admin), title="ガイドライン", body="誠実に。")
        policy_acknowledge(actor=actor(advocate))
        shared = share_create(
            actor=actor(advocate),
            content_id=item.pk,
            network=Network.X,
            sharer=Sharer(address="203.0.113.7", user_agent="Mozilla/5.0 (iPhone)"),
        )
        link = TrackedLink.objects.get(share=shared.share)
        origin = careers.url("")
        tracking_settings_update(
            actor=actor(admin),
            rules=TrackingRules(
                attribution_window_days=30,
                default_model="last_touch",
                half_life_days=7,
                allowed_origins=[origin],
            ),
        )
        allow_site(visitor, origin)
        beacons: list[str] = []
        visitor.on(
            "requestfinished",
            lambda request: (
                beacons.append(request.method) if request.url.endswith("/t/c") else None
            ),
        )

        # The visitor taps the link in the post and lands on the careers site.
        visitor.goto(f"{live_server.url}/r/{link.code}")
        click = Click.objects.get(link=link)
        assert not click.bot and not click.is_self
        expect(visitor.get_by_role("heading", level=1)).to_contain_text("採用情報")
        # The snippet kept the click id in the site's storage and took it out of the address.
        expect(visitor).to_have_url(re.compile(r"/jobs/setsumeikai\?from=news&utm_source=x"))
        expect(visitor).not_to_have_url(re.compile("oud_cid"))
        stored = visitor.evaluate("localStorage.getItem('ouendan_touches')")
        assert click.click_id in stored
        assert not visitor.context.cookies(live_server.url)  # no cookie, first- or third-party

        # On the next page, the site reports the application before /t.js has loaded.
        visitor.get_by_role("link", name="応募する").click()
        expect(visitor.locator("#done")).to_be_visible()
        _wait_for(visitor, Conversion.objects.exists)
        conversion = Conversion.objects.get()
        assert conversion.membership_id == advocate.pk == link.membership_id
        assert conversion.click_id == click.pk and conversion.link_id == link.pk
        assert conversion.source == "snippet" and conversion.type.key == "application"
        assert conversion.idempotency_key == "application:APP-2026-0042"
        assert [t.click_id for t in conversion.touches.all()] == [click.pk]

        # Reloading the thank-you page reports the same application again: still one.
        visitor.reload()
        expect(visitor.locator("#done")).to_be_visible()
        _wait_for(visitor, lambda: len(beacons) == 2)
        assert beacons == ["POST", "POST"] and Conversion.objects.count() == 1
        assert "/site.js" in careers.paths


def test_the_program_manager_sets_up_conversions_on_a_phone(
    mobile_page: Page, org: Any, admin: Any
):
    manager = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 次郎")
    page = mobile_page
    person(manager).sign_in(page)
    page.goto("/conversions/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Conversion tracking"))
    expect(page.locator("#snippet-tag")).to_contain_text("/t.js?o=mirai")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"] + 1, f"the page is {width}px wide on a phone"

    page.get_by_label(ja("Attribution window (days)")).fill("45")
    page.get_by_label(ja("Attribution model")).select_option("time_decay")
    page.get_by_label(ja("Sites allowed to report (one per line)")).fill(
        "https://careers.mirai.example"
    )
    with page.expect_navigation():
        page.locator("#settings-heading ~ form").get_by_role("button", name=ja("Save")).click()
    expect(page.get_by_label(ja("Attribution window (days)"))).to_have_value("45")

    form = page.locator("form[aria-labelledby='new-type-heading']")
    form.get_by_label(ja("Key", "conversion type")).fill("event_entry")
    form.get_by_label(ja("Label", "conversion type")).fill("説明会予約")
    form.get_by_label(ja("Default value (JPY)")).fill("500")
    with page.expect_navigation():
        form.get_by_role("button", name=ja("Add type")).click()
    assert ConversionType.objects.get(organization=org, key="event_entry").label == "説明会予約"
    expect(page.locator("code", has_text="event_entry")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("button", name=ja("Make a secret")).click()
    secret = page.locator("#signing-secret")
    expect(secret).to_have_value(re.compile(r"^ouds_"))
    screenshot(page, "conversions-phone")
    page.reload()
    expect(page.locator("#signing-secret")).to_have_count(0)


def test_the_settings_page_on_a_desktop(page: Page, org: Any, admin: Any):
    person(admin).sign_in(page)
    page.goto("/conversions/")
    expect(page.get_by_role("heading", name=ja("Install the snippet"))).to_be_visible()
    expect(page.locator("#snippet-csp")).to_contain_text("connect-src")
    assert page.viewport_size == DESKTOP
    screenshot(page, "conversions")
