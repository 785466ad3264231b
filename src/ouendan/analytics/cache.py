"""Figures computed from the rollups, kept until the rollups change.

A dashboard over millions of events reads a few hundred thousand rollup rows; what it computes
only changes when the worker rebuilds one of the organization's days, which counts each change
in ``RollupState.version`` (in the rebuild's transaction). So a computation is kept in the cache
under the organization, that version and what was asked, and is computed again after the next
change: a reader never gets figures older than the rollups it could read itself.

An organization whose rollups were never built by the worker (no ``RollupState``) is not cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from ouendan.accounts.models import Organization
from ouendan.analytics.models import RollupState

T = TypeVar("T")
# A bound on how long an entry lives whatever happens (a content item or department deleted
# changes figures without a rebuild: see ``remembered``).
TIMEOUT = 15 * 60


def rollups_state(organization: Organization) -> RollupState | None:
    return RollupState.objects.filter(organization=organization).first()


def remembered(
    *,
    state: RollupState | None,
    name: str,
    asked: tuple[object, ...],
    compute: Callable[[], T],
) -> T:
    """What ``compute`` returns for ``asked`` at the rollups' ``state``: from the cache when
    it was computed at the same version, computed (and kept) otherwise.

    ``asked`` must say everything the result depends on besides the rollups (period, scope,
    rates…), as values whose ``repr`` is stable (sorted tuples, not sets).
    """
    if state is None:
        return compute()
    digest = hashlib.sha256(repr((name, asked)).encode()).hexdigest()[:40]
    # The time too: a database reset begins counting again from 1.
    built = state.built_at.timestamp() if state.built_at else 0
    key = f"analytics:{state.organization_id}:{state.version}:{built}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return found
