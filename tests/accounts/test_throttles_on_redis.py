"""The cache-backed throttles work the same on Redis (production) as on the local cache."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import cache

from ouendan.accounts.services import security
from ouendan.core.errors import DomainError
from tests.conftest import require_service
from tests.core.test_health import redis_available

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("OUENDAN_TEST_REDIS_URL", "")
    require_service(
        bool(url) and redis_available(url),
        f"Redis is not reachable at OUENDAN_TEST_REDIS_URL={url!r}",
    )
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"ouendan-test-{uuid.uuid4().hex}",  # parallel workers never collide
        }
    }
    # No cache.clear(): on Redis it flushes the whole database, other workers' keys included.
    return url


def test_a_window_counts_to_its_limit_and_then_refuses(redis_cache):
    key = "throttle:test"
    assert [security._throttle_hit(key, 3, 60) for _ in range(5)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    import redis

    ttl = redis.Redis.from_url(redis_cache).ttl(cache.make_key(key))
    assert 0 < ttl <= 60  # the window expires by itself


def test_password_reset_requests_from_one_client_are_capped(redis_cache, db):
    client = "client-hash-" + uuid.uuid4().hex
    for i in range(security.PASSWORD_RESET_PER_CLIENT):
        security.password_reset_request(email=f"someone{i}@example.com", client=client)
    with pytest.raises(DomainError) as refused:
        security.password_reset_request(email="one-more@example.com", client=client)
    assert refused.value.code == "throttled"
