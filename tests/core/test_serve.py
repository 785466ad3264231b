"""``manage.py serve``: real processes on 127.0.0.1, stopped by signals, with bounded waits."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from ouendan.schedule import JOBS
from tests.helpers import ouendan_process_env, unused_port

ROOT = Path(__file__).resolve().parents[2]
STATIC_SOURCE = ROOT / "src" / "ouendan" / "core" / "static" / "ouendan" / "app.css"


# Real processes on their own SQLite database: once is enough (not again on PostgreSQL).
pytestmark = pytest.mark.processes


def process_env(var_dir: Path, port: int) -> dict[str, str]:
    return ouendan_process_env(
        OUENDAN_VAR_DIR=str(var_dir),
        OUENDAN_LOG_FORMAT="text",
        HOST="127.0.0.1",
        PORT=str(port),
        PYTHONUNBUFFERED="1",
    )


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )


class Running:
    """A child process whose combined output is collected by a thread, to wait for lines."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output)
            if match:
                return match
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} not seen in time; output:\n{self.output}")

    def stop(self) -> None:
        """Last resort for a failed test: kill the whole session so nothing is left behind."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def running() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for item in started:
        item.stop()


def _lower(headers: object) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}  # type: ignore[attr-defined]


def get(url: str, timeout: float = 3) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, _lower(exc.headers), exc.read()


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(url, timeout=1)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200 within {timeout}s")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: it only waits for its parent to read its exit code.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_web_serves_django_and_static_files_and_stops_on_sigterm(tmp_path, running):
    port = unused_port()
    web = Running(process_env(tmp_path, port), "serve", "web")
    running.append(web)
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/healthz")

    status, headers, body = get(f"{base}/healthz")
    assert (status, body) == (200, b'{"status": "ok"}')
    assert headers.get("server") == "granian"
    assert "x-request-id" in headers  # through Django's middleware

    status, headers, body = get(f"{base}/static/ouendan/app.css")
    assert status == 200 and body == STATIC_SOURCE.read_bytes()
    assert "x-request-id" not in headers  # served by granian from STATIC_ROOT, not by Django
    assert (tmp_path / "static" / "ouendan" / "app.css").exists()  # collectstatic ran first

    status, _, body = get(f"{base}/readyz")
    assert status == 200 and b'"database": "ok"' in body

    web.proc.send_signal(signal.SIGTERM)
    assert web.proc.wait(timeout=20) == 0
    assert port_closed(port)


def test_scheduler_process_stops_gracefully_on_sigterm_and_sigint(tmp_path, running):
    env = process_env(tmp_path, unused_port())
    manage(env, "migrate")
    for sig in (signal.SIGTERM, signal.SIGINT):
        scheduler = Running(env, "serve", "scheduler", "--interval", "0.2")
        running.append(scheduler)
        scheduler.wait_for(r"scheduler\.started")
        time.sleep(0.5)  # a few rounds
        scheduler.proc.send_signal(sig)
        assert scheduler.proc.wait(timeout=15) == 0
        assert "scheduler.stopped" in scheduler.output


def wait_task_successful(database: Path, task_path: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.closing(sqlite3.connect(database, timeout=5)) as db:
            row = db.execute(
                f"SELECT count(*) FROM {DBTaskResult._meta.db_table}"  # noqa: S608
                " WHERE task_path = ? AND status = 'SUCCESSFUL'",
                [task_path],
            ).fetchone()
        if row[0]:
            return True
        time.sleep(0.3)
    return False


def _children(supervisor: Running) -> dict[str, int]:
    supervisor.wait_for(r"scheduler\s+pid \d+")
    return {
        name: int(pid)
        for name, pid in re.findall(
            r"^\s+(web|worker|scheduler)\s+pid (\d+)", supervisor.output, re.M
        )
    }


def test_all_runs_three_processes_and_ctrl_c_stops_every_one(tmp_path, running):
    port = unused_port()
    env = process_env(tmp_path, port)
    manage(env, "migrate")
    supervisor = Running(env, "serve", "all")
    running.append(supervisor)
    children = _children(supervisor)
    assert set(children) == {"web", "worker", "scheduler"}
    supervisor.wait_for(rf"Ready: http://127\.0\.0\.1:{port}/")
    assert all(alive(pid) for pid in children.values())
    # The three work together: the scheduler enqueued the periodic jobs, the worker ran them.
    assert wait_task_successful(tmp_path / "ouendan.sqlite3", JOBS[0].task)

    supervisor.proc.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal delivers
    assert supervisor.proc.wait(timeout=30) == 0
    assert "All stopped." in supervisor.output
    assert not any(alive(pid) for pid in children.values())
    assert port_closed(port)


def test_all_stops_the_others_when_one_process_dies(tmp_path, running):
    port = unused_port()
    env = process_env(tmp_path, port)
    manage(env, "migrate")
    supervisor = Running(env, "serve", "all")
    running.append(supervisor)
    children = _children(supervisor)
    supervisor.wait_for("Ready:")

    os.kill(children["worker"], signal.SIGKILL)
    assert supervisor.proc.wait(timeout=30) != 0
    assert "worker exited" in supervisor.output
    assert not any(alive(pid) for pid in children.values())
    assert port_closed(port)


def test_a_taken_port_is_reported_clearly_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for process in ("web", "all"):
            result = subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "serve", process],
                env=process_env(tmp_path, port),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert result.returncode != 0
            assert f"127.0.0.1:{port} is not available" in result.stderr
            assert "PORT" in result.stderr
