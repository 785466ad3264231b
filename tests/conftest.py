"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.accounts.sessions import TWO_FACTOR_VERIFIED
from tests.factories import OrganizationFactory, actor, make_person
from tests.local_http import LocalServer

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, reason: str) -> None:
    """Skip outside CI when a service is missing; in CI, a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def immediate_tasks(settings: object) -> None:
    """Run enqueued tasks at once, in the test's transaction. Changing ``TASKS`` fires
    ``setting_changed``, on which django_tasks drops its cached backends; pytest-django puts the
    database backend back after the test."""
    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture
def org(db: None) -> Organization:
    return OrganizationFactory(name="株式会社みらい製作所", slug="mirai")


@pytest.fixture
def other_org(db: None) -> Organization:
    return OrganizationFactory(name="他社株式会社", slug="other")


@pytest.fixture
def admin(org: Organization) -> Membership:
    return make_person(org, roles=[Role.ORG_ADMIN], full_name="管理 花子")


@pytest.fixture
def admin_actor(admin: Membership) -> Actor:
    return actor(admin)


@pytest.fixture
def advocate(org: Organization) -> Membership:
    return make_person(org, roles=[Role.ADVOCATE], full_name="応援 一郎")


@pytest.fixture
def other_admin(other_org: Organization) -> Membership:
    return make_person(other_org, roles=[Role.ORG_ADMIN], full_name="他社 管理者")


def signed_in(membership: Membership, *, language: str | None = None) -> Client:
    """A client signed in as the person, second factor done. ``language`` is chosen the way a
    person does (the switcher's cookie); without it the page follows the person's profile, then
    the organization's language, as in real use."""
    client = Client(headers={"Accept-Language": language or "ja"})
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(membership.user)
    session = client.session
    session[TWO_FACTOR_VERIFIED] = True
    session.save()
    return client


@pytest.fixture
def admin_client(admin: Membership) -> Client:
    return signed_in(admin)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server on 127.0.0.1 (``tests/local_http.py``), stopped after the test."""
    local = LocalServer().start()
    yield local
    local.stop()


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    """Lets the fetch guard reach the local server (loopback only, nothing else)."""
    settings.LINK_PREVIEW_ALLOW_LOOPBACK = True
