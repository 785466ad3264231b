"""Background work of tracking: folding raw clicks into counters, forgetting old salts."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from ouendan.tracking.journal import journal_ingest
from ouendan.tracking.services import clicks_aggregate
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
