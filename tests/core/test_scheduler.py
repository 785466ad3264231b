"""The scheduler: each tick of each job is claimed once and enqueued once, across processes."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from ouendan.core.models import ScheduledRun
from ouendan.core.scheduler import run_due_jobs, scheduled_runs_prune, tick_for
from ouendan.schedule import PeriodicJob

ROOT = Path(__file__).resolve().parents[2]
PROBE_PATH = "tests.core.test_scheduler.probe_task"


@task()
def probe_task() -> str:
    """What the test jobs enqueue; never run by these tests."""
    return "ran"


PROBE = PeriodicJob(name="test.probe", every=timedelta(minutes=10), task=PROBE_PATH)


def _probe_results() -> int:
    return DBTaskResult.objects.filter(task_path=PROBE_PATH).count()


@pytest.mark.parametrize(
    ("now", "every", "expected"),
    [
        (datetime(2026, 11, 22, 10, 7, 31, tzinfo=UTC), timedelta(minutes=10), "10:00:00"),
        (datetime(2026, 11, 22, 10, 10, 0, tzinfo=UTC), timedelta(minutes=10), "10:10:00"),
        (datetime(2026, 11, 22, 10, 59, 59, tzinfo=UTC), timedelta(hours=1), "10:00:00"),
        (datetime(2026, 11, 22, 10, 0, 7, 900000, tzinfo=UTC), timedelta(seconds=5), "10:00:05"),
    ],
)
def test_tick_is_now_floored_to_the_period_since_the_epoch(now, every, expected):
    tick = tick_for(now, every)
    assert tick.tzinfo == UTC
    assert tick.date() == now.date()
    assert tick.time().isoformat() == expected


def test_tick_is_aligned_in_utc_whatever_the_local_time_zone():
    from zoneinfo import ZoneInfo

    tokyo = datetime(2026, 11, 22, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 15:30 UTC the day before
    assert tick_for(tokyo, timedelta(days=1)) == datetime(2026, 11, 21, tzinfo=UTC)


def test_a_period_below_one_second_is_refused():
    with pytest.raises(ValueError, match="at most once a second"):
        tick_for(datetime.now(tz=UTC), timedelta(milliseconds=200))


def test_a_tick_runs_once_however_often_it_is_called(db, django_capture_on_commit_callbacks):
    now = datetime(2026, 11, 22, 10, 7, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_jobs(jobs=[PROBE], now=now, claimed_by="one") == ["test.probe"]
        assert run_due_jobs(jobs=[PROBE], now=now, claimed_by="two") == []
        assert run_due_jobs(jobs=[PROBE], now=now + timedelta(minutes=2), claimed_by="one") == []
    assert _probe_results() == 1
    claim = ScheduledRun.objects.get()
    assert (claim.job, claim.tick, claim.claimed_by) == (
        "test.probe",
        datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        "one",
    )

    with django_capture_on_commit_callbacks(execute=True):
        later = run_due_jobs(jobs=[PROBE], now=now + timedelta(minutes=3), claimed_by="two")
    assert later == ["test.probe"]
    assert _probe_results() == 2
    assert ScheduledRun.objects.count() == 2


def test_the_task_is_enqueued_only_when_the_claim_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_due_jobs(jobs=[PROBE], now=datetime(2026, 1, 1, tzinfo=UTC))
        assert _probe_results() == 0  # nothing yet: the claim has not committed
    assert len(callbacks) == 1
    callbacks[0]()
    assert _probe_results() == 1


def test_a_job_whose_task_does_not_import_is_skipped_and_reported_once(
    db, django_capture_on_commit_callbacks, caplog
):
    broken = PeriodicJob(name="test.broken", every=timedelta(minutes=1), task="tests.nowhere.x")
    unresolved: set[str] = set()
    caplog.set_level(logging.ERROR, logger="ouendan.scheduler")
    with django_capture_on_commit_callbacks(execute=True):
        first = run_due_jobs(
            jobs=[broken, PROBE], now=datetime(2026, 1, 1, tzinfo=UTC), _unresolved=unresolved
        )
        run_due_jobs(
            jobs=[broken, PROBE], now=datetime(2026, 1, 2, tzinfo=UTC), _unresolved=unresolved
        )
    assert first == ["test.probe"]
    assert not ScheduledRun.objects.filter(job="test.broken").exists()
    assert _probe_results() == 2
    missing = [r for r in caplog.records if r.getMessage() == "scheduler.task_missing"]
    assert len(missing) == 1 and missing[0].job == "test.broken"


def test_claims_older_than_three_days_are_pruned(db):
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    for age in (timedelta(days=5), timedelta(days=3, minutes=1), timedelta(hours=1)):
        ScheduledRun.objects.create(job="test.probe", tick=now - age, claimed_by="t")
    assert scheduled_runs_prune(now=now) == 2
    assert list(ScheduledRun.objects.values_list("tick", flat=True)) == [now - timedelta(hours=1)]


# --- Two real processes racing for the same ticks ------------------------------------------------

RACE_ROUNDS = 25
RACER = """
import sys, time
from datetime import UTC, datetime, timedelta
import django
django.setup()
from ouendan.core.scheduler import run_due_jobs
from ouendan.schedule import PeriodicJob
job = PeriodicJob(name="test.race", every=timedelta(minutes=1), task=PROBE_TASK)
start_at, name, rounds = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
while time.time() < start_at:
    time.sleep(0.001)
base = datetime(2026, 1, 1, tzinfo=UTC)
won = sum(
    len(run_due_jobs(jobs=[job], now=base + timedelta(minutes=i), claimed_by=name))
    for i in range(rounds)
)
print(won)
""".replace("PROBE_TASK", repr(PROBE_PATH))
COUNTER = """
import json
import django
django.setup()
from django_tasks_db.models import DBTaskResult
from ouendan.core.models import ScheduledRun
print(json.dumps({
    "claims": ScheduledRun.objects.filter(job="test.race").count(),
    "ticks": ScheduledRun.objects.filter(job="test.race").values("tick").distinct().count(),
    "enqueued": DBTaskResult.objects.filter(task_path=PROBE_TASK).count(),
}))
""".replace("PROBE_TASK", repr(PROBE_PATH))


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUENDAN_", "DATABASE_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="ouendan.settings",
        DATABASE_URL=database_url,
        OUENDAN_DEMO="1",
        OUENDAN_TESTING="0",
        LOG_LEVEL="WARNING",
    )
    return env


def _database_for_processes(tmp_path: Path) -> str:
    """The test database itself on PostgreSQL; on SQLite (in memory in tests), a migrated file."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
        env=_env(url),
        check=True,
        timeout=120,
    )
    return url


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_racing_claim_and_enqueue_each_tick_once(tmp_path):
    env = _env(_database_for_processes(tmp_path))
    start_at = str(time.time() + 3)  # both have imported Django by then
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, start_at, name, str(RACE_ROUNDS)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("scheduler-a", "scheduler-b")
    ]
    won = []
    for racer in racers:
        out, err = racer.communicate(timeout=60)
        assert racer.returncode == 0, err
        won.append(int(out.strip()))
    assert sum(won) == RACE_ROUNDS  # every tick won by exactly one of the two

    counted = subprocess.run(
        [sys.executable, "-c", COUNTER], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    assert json.loads(counted.stdout) == {
        "claims": RACE_ROUNDS,
        "ticks": RACE_ROUNDS,
        "enqueued": RACE_ROUNDS,
    }
