"""``/healthz`` and ``/readyz`` against a real database and a real Redis (or a closed port)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import require_service
from tests.helpers import ouendan_process_env, unused_port


def redis_available(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")  # no db fixture: a query would raise
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_when_the_database_answers(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.redis
def test_readyz_checks_a_real_redis(client, db, settings):
    url = os.environ.get("OUENDAN_TEST_REDIS_URL", "")
    require_service(
        bool(url) and redis_available(url),
        f"Redis is not reachable at OUENDAN_TEST_REDIS_URL={url!r}",
    )
    settings.REDIS_URL = url
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_readyz_is_not_ready_when_redis_does_not_answer(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{unused_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "redis": "error"}}


PROBE = """
import django
django.setup()
from django.test import Client
response = Client().get("/readyz")
print(response.status_code, response.content.decode())
"""


@pytest.mark.processes
def test_readyz_is_not_ready_when_the_database_does_not_answer():
    """A real process whose DATABASE_URL points at a port where no PostgreSQL listens."""
    env = ouendan_process_env(
        LOG_LEVEL="CRITICAL",
        DATABASE_URL=f"postgres://ouendan@127.0.0.1:{unused_port()}/ouendan?connect_timeout=2",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert '"database": "error"' in body and '"status": "error"' in body
