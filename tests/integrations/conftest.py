"""Fixtures for the connector tests: the fake networks (``fakes.py``), started on 127.0.0.1 and
stopped with the test, and ``loopback`` to let guarded connectors reach them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integrations.fakes import FakeBluesky, FakeLinkedIn, FakeMastodon, FakeX


@pytest.fixture
def loopback(settings: Any) -> None:
    """Guarded connectors (a host someone typed) may reach 127.0.0.1: the fakes live there."""
    settings.INTEGRATIONS_ALLOW_LOOPBACK = True


@pytest.fixture
def fake_bluesky() -> Iterator[FakeBluesky]:
    with FakeBluesky() as fake:
        yield fake
    assert fake.errors == [], "the fake itself failed"


@pytest.fixture
def fake_mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon() as fake:
        yield fake
    assert fake.errors == [], "the fake itself failed"


@pytest.fixture
def fake_linkedin() -> Iterator[FakeLinkedIn]:
    with FakeLinkedIn() as fake:
        yield fake
    assert fake.errors == [], "the fake itself failed"


@pytest.fixture
def fake_x() -> Iterator[FakeX]:
    with FakeX() as fake:
        yield fake
    assert fake.errors == [], "the fake itself failed"
