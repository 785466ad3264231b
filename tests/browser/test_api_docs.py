"""The API documentation page renders in a browser from the site's own files alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_without_leaving_the_site(page: Page):
    # The page fixture refuses and reports any request to another host, and any script error.
    page.goto("/api/v1/docs")
    # The document is built on request (a second or more on a busy machine).
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Ouendan API", timeout=20_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/me").first).to_be_visible()
    page.wait_for_load_state("networkidle")
