"""Periodic jobs: what the scheduler enqueues, and how often.

The scheduler (``manage.py serve scheduler``, see ``core/scheduler.py``) claims each tick of each
job in the database before enqueuing it, so running several schedulers enqueues every tick once.
Each entry names a task (a ``django_tasks`` task taking no arguments) by its dotted path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: str  # dotted path to a django_tasks task with no arguments


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="analytics.build_rollups",
        every=timedelta(minutes=1),
        task="ouendan.analytics.tasks.rollups_build_task",
    ),
    PeriodicJob(
        name="analytics.quarterly_reports",
        every=timedelta(hours=1),  # makes each ended quarter's report once
        task="ouendan.analytics.tasks.reports_schedule_task",
    ),
    PeriodicJob(
        name="analytics.settle_goal_baselines",
        every=timedelta(hours=1),  # a goal's provisional baseline, once its period before ended
        task="ouendan.analytics.tasks.goal_baselines_settle_task",
    ),
    PeriodicJob(
        name="analytics.recheck_recent_days",
        every=timedelta(days=1),
        task="ouendan.analytics.tasks.rollups_mark_recent_task",
    ),
    PeriodicJob(
        name="accounts.expire_invitations",
        every=timedelta(minutes=10),
        task="ouendan.accounts.tasks.invitations_expire_task",
    ),
    PeriodicJob(
        name="accounts.prune_import_batches",
        every=timedelta(hours=6),
        task="ouendan.accounts.tasks.import_batches_prune_task",
    ),
    PeriodicJob(
        name="accounts.verify_audit_chains",
        every=timedelta(hours=1),
        task="ouendan.accounts.tasks.audit_chains_verify_task",
    ),
    PeriodicJob(
        name="content.advance_lifecycle",
        every=timedelta(minutes=1),
        task="ouendan.content.tasks.content_lifecycle_task",
    ),
    PeriodicJob(
        name="content.poll_sources",
        every=timedelta(minutes=1),  # finds the sources that are due; each has its own interval
        task="ouendan.content.tasks.sources_poll_task",
    ),
    PeriodicJob(
        name="governance.review_reminders",
        every=timedelta(minutes=15),
        task="ouendan.governance.tasks.review_reminders_task",
    ),
    PeriodicJob(
        name="engagement.award_points",
        every=timedelta(minutes=5),
        task="ouendan.engagement.tasks.points_award_task",
    ),
    PeriodicJob(
        name="engagement.advance_contests",
        every=timedelta(minutes=5),  # draws teams when a contest starts, closes ended ones
        task="ouendan.engagement.tasks_contests.contests_advance_task",
    ),
    PeriodicJob(
        name="integrations.publish_due",
        every=timedelta(minutes=1),
        task="ouendan.integrations.tasks.posts_publish_due_task",
    ),
    PeriodicJob(
        name="integrations.reconcile",
        every=timedelta(minutes=1),
        task="ouendan.integrations.tasks.posts_reconcile_task",
    ),
    PeriodicJob(
        name="integrations.renew_accounts",
        every=timedelta(hours=1),
        task="ouendan.integrations.tasks.accounts_renew_task",
    ),
    PeriodicJob(
        name="integrations.sync_metrics",
        every=timedelta(minutes=30),
        task="ouendan.integrations.tasks.metrics_sync_task",
    ),
    PeriodicJob(
        name="tracking.aggregate_clicks",
        every=timedelta(minutes=1),
        task="ouendan.tracking.tasks.clicks_aggregate_task",
    ),
    PeriodicJob(
        name="tracking.resolve_conversions",
        every=timedelta(minutes=1),
        task="ouendan.tracking.tasks.conversions_pending_resolve_task",
    ),
    PeriodicJob(
        name="tracking.prune_salts",
        every=timedelta(hours=1),
        task="ouendan.tracking.tasks.visitor_salts_prune_task",
    ),
)
