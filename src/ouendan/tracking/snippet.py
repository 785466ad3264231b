"""The conversion snippet for the company's site: its source, where it is loaded from, the
queue stub that keeps calls made before it loads, and what a strict CSP must allow.

The script (``templates/tracking/snippet.js``) reads ``oud_cid`` from the landing URL, keeps the
click ids with their times in ``localStorage`` (first-party; no cookie) for the organization's
attribution window, and sends ``ouendan('convert', {...})`` to the collection endpoint with
``navigator.sendBeacon`` (``fetch`` with ``keepalive`` otherwise), as a ``text/plain`` body so
that the browser needs no preflight.
"""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from ouendan.accounts.models import Organization

# Placed before any call of ``ouendan(...)``: queues calls until the script has loaded.
STUB = (
    "window.ouendan=window.ouendan||function(){(window.ouendan.q=window.ouendan.q||[])"
    ".push(arguments)};"
)


def stub_csp_source() -> str:
    """The ``script-src`` source that allows the stub inline under a strict CSP."""
    digest = base64.b64encode(hashlib.sha256(STUB.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def snippet_url(organization: Organization) -> str:
    return (
        f"{settings.BASE_URL}{reverse('conversions:snippet')}?{urlencode({'o': organization.slug})}"
    )


def ouendan_origin() -> str:
    parts = urlsplit(settings.BASE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def snippet_source(*, endpoint: str, organization: str, window_days: int) -> str:
    """The script with its settings inlined (JSON, with ``<``, ``>`` and ``&`` escaped)."""
    config = json.dumps(
        {"endpoint": endpoint, "organization": organization, "days": window_days},
        ensure_ascii=True,
    )
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        config = config.replace(char, escaped)
    return render_to_string("tracking/snippet.js", {"config": config})
