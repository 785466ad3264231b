"""The demo's tests share one seed per module: seeding the 1,500-person company takes seconds,
and most tests only read it.

``demo_seeded_module`` seeds inside a transaction that is rolled back when the module ends;
each test runs in a savepoint of it (pytest-django's ``db``), so what a test writes is undone
as usual. Tests that need an empty database, or real commits (``live_server``), live in
``test_demo_unseeded.py``. The seeded modules mark themselves as one xdist group (``make test``
runs ``--dist loadgroup``), so one worker seeds them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from ouendan.demo.services import demo_seed


@pytest.fixture(scope="module")
def demo_seeded_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        started, cpu_started = time.perf_counter(), time.process_time()
        results = demo_seed()
        yield {
            "results": results,
            "seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu_started,
        }
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo_seeded_module: dict[str, Any], db: None) -> dict[str, Any]:
    """The seeded demo (its seed results and how long seeding took)."""
    return demo_seeded_module
