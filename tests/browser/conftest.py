"""Browser tests: Playwright's sync API driving Debian's Chromium against the live server.

Every test here needs ``live_server`` (pytest-django, one per xdist worker) and the
``transactional_db`` it implies, so rows made in the test are visible to the server thread.

Why ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set while these tests run: Playwright's sync API runs its
own asyncio loop in a greenlet on the test's thread, and that loop stays registered as *running*
on the thread between calls. Django's async-safety check then refuses every ORM call the test
(or pytest-django's flush) makes, although none of them ever runs on that loop. The variable is
set only while the Playwright fixture lives (package scope: the tests under ``tests/browser/``)
and restored afterwards, so the rest of the suite keeps the check.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

from ouendan.accounts.crypto import encrypt
from ouendan.accounts.models import Membership, TotpDevice, User
from tests.conftest import require_service
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    require_service(
        CHROMIUM.exists(),
        f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium fonts-noto-cjk)",
    )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()


class PageWatch:
    """What went wrong in the browser during a test: script errors, CSP refusals, off-site
    requests."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.allowed: set[str] = set()  # other local sites a test lets the page reach


def _new_context(
    browser: Browser, live_server: object, viewport: dict[str, int], **extra: object
) -> tuple[BrowserContext, PageWatch]:
    base = live_server.url  # type: ignore[attr-defined]
    site = urlsplit(base).netloc
    context = browser.new_context(
        base_url=base,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport=viewport,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )
    context.set_default_timeout(TIMEOUT_MS)
    watch = PageWatch()

    def only_this_site(route: Route) -> None:
        # No CDN and no third party: anything leaving the live server is refused and reported.
        netloc = urlsplit(route.request.url).netloc
        if netloc == site or netloc in watch.allowed:
            route.continue_()
        else:
            watch.offsite.append(route.request.url)
            route.abort()

    context.route(re.compile(r"^https?://"), only_this_site)
    context.ouendan_watch = watch  # type: ignore[attr-defined]  # for allow_site()
    context.on("weberror", lambda error: watch.errors.append(str(error.error)))
    # A style or script the Content-Security-Policy refuses is a broken page, not a detail.
    context.on(
        "console",
        lambda message: (
            watch.errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return context, watch


def allow_site(page: Page, url: str) -> None:
    """Let the page reach another local site (a fake network on 127.0.0.1), nothing else."""
    netloc = urlsplit(url).netloc
    assert netloc.startswith("127.0.0.1:"), "only local test servers may be allowed"
    page.context.ouendan_watch.allowed.add(netloc)  # type: ignore[attr-defined]


def _page(context: BrowserContext, watch: PageWatch) -> Iterator[Page]:
    page = context.new_page()
    yield page
    context.close()
    assert not watch.errors, f"script errors in the page: {watch.errors}"
    assert not watch.offsite, f"the page asked for resources outside the site: {watch.offsite}"


@pytest.fixture
def page(browser: Browser, live_server: object, transactional_db: None) -> Iterator[Page]:
    """A desktop page (1280×800, ja-JP, Asia/Tokyo) in a fresh context."""
    context, watch = _new_context(browser, live_server, DESKTOP)
    yield from _page(context, watch)


@pytest.fixture
def mobile_page(browser: Browser, live_server: object, transactional_db: None) -> Iterator[Page]:
    """A phone-sized page (390×844, touch) in a fresh context."""
    context, watch = _new_context(
        browser, live_server, MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield from _page(context, watch)


def enable_two_factor(user: User) -> str:
    """Give the user a confirmed authenticator (as if set up); returns its TOTP secret."""
    secret = pyotp.random_base32()
    TotpDevice.objects.create(
        user=user, secret_encrypted=encrypt(secret), confirmed_at=timezone.now()
    )
    return secret


def sign_in(page: Page, email: str, password: str, *, totp_secret: str | None = None) -> None:
    """Sign in through the real form (and the second-factor form when a secret is given).

    Waits for the answer to each form, whatever it is; the test asserts where it landed.
    """
    page.goto("/accounts/login/")
    form = page.locator("form[action$='/accounts/login/']")
    form.locator("input[name='email']").fill(email)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    if totp_secret is None or "/accounts/login/two-factor/" not in page.url:
        return
    form = page.locator("form[action$='/accounts/login/two-factor/']")
    form.locator("input[name='code']").fill(pyotp.TOTP(totp_secret).now())
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def screenshot(page: Page, name: str) -> Path:
    """Write ``docs/screenshots/<name>.png`` (used by the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), animations="disabled", caret="hide")
    return target


@dataclass(frozen=True)
class Person:
    """Someone who can sign in through the browser: membership, e-mail, password, TOTP secret."""

    membership: Membership
    email: str
    password: str
    totp_secret: str | None

    def sign_in(self, page: Page) -> None:
        sign_in(page, self.email, self.password, totp_secret=self.totp_secret)


def person(membership: Membership) -> Person:
    """Admins must use two-factor: they get an authenticator; others sign in with a password."""
    user = membership.user
    secret = enable_two_factor(user) if "org_admin" in membership.role_set() else None
    return Person(membership, user.email, PASSWORD, secret)
