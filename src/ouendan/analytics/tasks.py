"""Background work of analytics: keeping the rollups current, and the quarterly report."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from ouendan.accounts.models import Organization
from ouendan.analytics.models import RollupState
from ouendan.analytics.selectors.overview import overview_prepare
from ouendan.analytics.services.goals import goal_baselines_settle
from ouendan.analytics.services.reports import report_make, reports_schedule_run
from ouendan.analytics.services.rollups import rollups_build, rollups_mark_recent


@task()
def rollups_build_task() -> int:
    """Periodic: rebuild the days that received events since the last run (safe to run twice),
    then prepare the overview of each organization whose rollups changed."""
    started = timezone.now()
    built = rollups_build()
    changed = RollupState.objects.filter(built_at__gte=started).values("organization")
    for organization in Organization.objects.filter(pk__in=changed):
        overview_prepare(organization=organization)
    return built


@task()
def rollups_mark_recent_task() -> int:
    """Periodic (daily): mark the last days of every organization, for what leaves no trace."""
    return rollups_mark_recent()


@task()
def report_make_task(report_id: int) -> str:
    """Render a requested quarterly report's PDF."""
    return report_make(report_id=report_id).status


@task()
def reports_schedule_task() -> int:
    """Periodic: make and e-mail each scheduled organization's report once its quarter ends."""
    return reports_schedule_run()


@task()
def goal_baselines_settle_task() -> int:
    """Periodic: measure once more the goal baselines measured before their period had ended."""
    return goal_baselines_settle()
