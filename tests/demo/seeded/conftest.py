"""The seeded demo's tests share one seed: seeding the 1,500-person company and its quarter of
history takes seconds, and these tests only read it (or write in a savepoint).

``demo_seeded`` seeds inside a transaction that is rolled back when the last test of this package
has run; each test runs in a savepoint of it (pytest-django's ``db``), so what a test writes is
undone as usual. Its modules mark themselves as one xdist group (``make test`` runs ``--dist
loadgroup``), so one worker runs them one after the other and seeds once. Tests that need an
empty database, or real commits (``live_server``), or run commands in processes, live outside
this package (``tests/demo/test_demo_unseeded.py``, ``tests/demo/test_demo_commands.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from ouendan.demo.services import demo_seed


@pytest.fixture(scope="package")
def demo_seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
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
def seeded(demo_seeded: dict[str, Any], db: None) -> dict[str, Any]:
    """The seeded demo (its seed results and how long seeding took)."""
    return demo_seeded
