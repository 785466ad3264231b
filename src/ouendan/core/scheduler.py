"""The periodic-job scheduler: claim each (job, tick) once in the database, then enqueue its task.

Every few seconds the loop computes, for each job in ``ouendan.schedule.JOBS``, the current tick
(now floored to the job's period, aligned to the Unix epoch in UTC) and tries to insert a
``ScheduledRun(job, tick)`` row. The unique constraint on (job, tick) lets exactly one scheduler
win, however many run at once; the winner enqueues the task after its claim commits.

Delivery is at most once per tick: a scheduler that dies between the commit and the enqueue loses
that tick. Periodic jobs are idempotent sweeps ("expire what is due"), so the next tick does the
work; this is preferred to enqueuing inside the claim's transaction, which with a non-database
task backend could run a task for a claim that is then rolled back.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, OperationalError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ouendan.core.models import ScheduledRun
from ouendan.schedule import JOBS, PeriodicJob

logger = logging.getLogger("ouendan.scheduler")

DEFAULT_INTERVAL = 5.0
KEEP_RUNS = timedelta(days=3)
PRUNE_EVERY = timedelta(hours=1)


def scheduler_identity() -> str:
    """Who claimed a tick, for people reading ``ScheduledRun`` rows: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def tick_for(now: datetime, every: timedelta) -> datetime:
    """The start of the period containing ``now``: floor to ``every`` since the epoch, in UTC."""
    period = int(every.total_seconds())
    if period < 1:
        raise ValueError(f"A periodic job must run at most once a second, not every {every}.")
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % period, tz=UTC)


def _resolve(job: PeriodicJob, unresolved: set[str]) -> Any | None:
    """The job's task object, or None (logged once per job) when its path does not import."""
    try:
        task = import_string(job.task)
    except ImportError as exc:
        if job.name not in unresolved:
            unresolved.add(job.name)
            logger.error(
                "scheduler.task_missing",
                extra={"job": job.name, "task": job.task, "error": str(exc)},
            )
        return None
    unresolved.discard(job.name)
    return task


def _enqueue(job: PeriodicJob, task: Any, tick: datetime) -> None:
    try:
        result = task.enqueue()
    except Exception as exc:  # one broken job must not stop the others
        logger.exception(
            "scheduler.enqueue_failed",
            extra={"job": job.name, "tick": tick.isoformat(), "error": str(exc)},
        )
        return
    logger.info(
        "scheduler.enqueued",
        extra={"job": job.name, "tick": tick.isoformat(), "task_result_id": str(result.id)},
    )


def job_claim(*, job: PeriodicJob, tick: datetime, claimed_by: str) -> bool:
    """Claim one tick of one job; True for the single caller that wins it.

    The insert runs in its own transaction (a savepoint when nested), so losing the race leaves
    the connection usable on PostgreSQL.
    """
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job.name, tick=tick, claimed_by=claimed_by)
    except IntegrityError:
        return False
    return True


def run_due_jobs(
    *,
    jobs: Iterable[PeriodicJob] = JOBS,
    now: datetime | None = None,
    claimed_by: str | None = None,
    _unresolved: set[str] | None = None,
) -> list[str]:
    """Claim the current tick of every job and enqueue the won ones after commit.

    Returns the names of the jobs this call claimed. Calling it again within the same tick claims
    nothing, whichever process calls it.
    """
    now = now or timezone.now()
    claimed_by = claimed_by or scheduler_identity()
    unresolved = _unresolved if _unresolved is not None else set()
    won: list[str] = []
    for job in jobs:
        task = _resolve(job, unresolved)
        if task is None:
            continue
        tick = tick_for(now, job.every)
        if not job_claim(job=job, tick=tick, claimed_by=claimed_by):
            continue
        won.append(job.name)
        logger.info(
            "scheduler.claimed",
            extra={"job": job.name, "tick": tick.isoformat(), "claimed_by": claimed_by},
        )
        # Right away when the claim committed on its own; after the caller's commit otherwise.
        transaction.on_commit(partial(_enqueue, job, task, tick))
    return won


def scheduled_runs_prune(*, now: datetime | None = None, keep: timedelta = KEEP_RUNS) -> int:
    """Delete claims older than ``keep``; returns how many were deleted."""
    cutoff = (now or timezone.now()) - keep
    deleted, _ = ScheduledRun.objects.filter(tick__lt=cutoff).delete()
    if deleted:
        logger.info("scheduler.pruned", extra={"deleted": deleted, "before": cutoff.isoformat()})
    return deleted


class Scheduler:
    """The loop behind ``manage.py serve scheduler``; ``stop()`` ends it within one interval."""

    def __init__(
        self,
        *,
        jobs: Iterable[PeriodicJob] = JOBS,
        interval: float = DEFAULT_INTERVAL,
        claimed_by: str | None = None,
    ) -> None:
        self.jobs = tuple(jobs)
        self.interval = interval
        self.claimed_by = claimed_by or scheduler_identity()
        self._stop = threading.Event()
        self._unresolved: set[str] = set()
        self._last_prune: datetime | None = None

    def stop(self, *_: object) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_once(self) -> list[str]:
        close_old_connections()
        now = timezone.now()
        won = run_due_jobs(
            jobs=self.jobs, now=now, claimed_by=self.claimed_by, _unresolved=self._unresolved
        )
        if self._last_prune is None or now - self._last_prune >= PRUNE_EVERY:
            scheduled_runs_prune(now=now)
            self._last_prune = now
        return won

    def run(self) -> None:
        logger.info(
            "scheduler.started",
            extra={
                "claimed_by": self.claimed_by,
                "interval": self.interval,
                "jobs": [job.name for job in self.jobs],
            },
        )
        while not self._stop.is_set():
            try:
                self.run_once()
            except OperationalError as exc:
                # The database is away or locked: say so and try again next round.
                logger.warning("scheduler.database_unavailable", extra={"error": str(exc)})
            self._stop.wait(self.interval)
        close_old_connections()
        logger.info("scheduler.stopped", extra={"claimed_by": self.claimed_by})
