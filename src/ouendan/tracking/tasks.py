"""Background work of tracking: folding raw clicks into counters, forgetting old salts,
recording the conversions that waited for their click."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from ouendan.tracking.journal import journal_ingest
from ouendan.tracking.services import clicks_aggregate
from ouendan.tracking.services.conversions import conversions_pending_resolve
from ouendan.tracking.visitors import visitor_salts_prune


@task()
def clicks_aggregate_task() -> int:
    """Periodic: journals left by web processes that died go into the database, then every
    click not counted yet into its link's counters (safe to run twice)."""
    journal_ingest()
    return clicks_aggregate()


@task()
def visitor_salts_prune_task() -> int:
    """Periodic: delete the visitor salts of days that began 48 hours ago or more."""
    return visitor_salts_prune(now=timezone.now())


@task()
def conversions_pending_resolve_task() -> int:
    """Periodic: journals first (a waiting conversion's click may be in one), then record the
    conversions whose click has arrived and drop those that waited too long."""
    journal_ingest()
    recorded, _dropped = conversions_pending_resolve()
    return recorded
