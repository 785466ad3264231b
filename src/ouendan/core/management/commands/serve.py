"""``manage.py serve web|worker|scheduler|all``: Ouendan's processes, and the one place that
chooses the web server (granian on ASGI; see docs/PERFORMANCE.md for the measurement).

- ``web``: granian serving ``ouendan.asgi:application`` on ``$HOST:$PORT`` (127.0.0.1:8000),
  ``/static`` straight from ``STATIC_ROOT``; ``$OUENDAN_WEB_WORKERS`` processes (1).
- ``worker``: django-tasks-db's ``db_worker`` on every queue.
- ``scheduler``: the periodic-job scheduler (``core/scheduler.py``); safe to run more than one.
- ``all``: the three as child processes; Ctrl-C or SIGTERM stops them all, and when one dies the
  others are stopped too (what ``make demo`` runs).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ouendan.env import env_int, env_str

PROCESSES = ("web", "worker", "scheduler")
STOP_TIMEOUT = 10.0  # seconds a child gets to stop before it is killed
ASGI_APP = "ouendan.asgi:application"
# uvloop (a dependency), pinned rather than "auto": the tracked-link redirect answers 1.3-1.4x
# the requests of asyncio's loop, with a lower p99 (docs/PERFORMANCE.md).
WEB_LOOP = "uvloop"


def web_address() -> tuple[str, int]:
    return env_str("HOST", "127.0.0.1"), env_int("PORT", 8000, minimum=1)


def granian_argv(*, host: str, port: int, workers: int) -> list[str]:
    """The server command line: change the web server here and nowhere else."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",  # with lifespan: tracking.redirect writes its queued clicks at shutdown
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--static-path-route",
        settings.STATIC_URL.rstrip("/"),
        "--static-path-mount",
        str(settings.STATIC_ROOT),
        "--workers-kill-timeout",
        str(int(STOP_TIMEOUT)),
        "--no-ws",
        "--loop",
        WEB_LOOP,
        ASGI_APP,
    ]


def ensure_port_free(host: str, port: int) -> None:
    """Fail with a clear message, instead of a server traceback, when the port is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"{host}:{port} is not available ({exc.strerror}): is Ouendan already running? "
                "Set PORT to use another port."
            ) from exc


def child_environment() -> dict[str, str]:
    """The environment for a child process: ``ouendan`` importable and the same settings."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[4])  # …/src, the directory holding ``ouendan``
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    env.setdefault("DJANGO_SETTINGS_MODULE", "ouendan.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _die_with_parent() -> None:
    """In a child, before exec: get SIGTERM if the supervisor dies without stopping us (Linux)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(BaseCommand):
    help = "Run one of Ouendan's processes (web, worker, scheduler) or all three."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("process", choices=[*PROCESSES, "all"])
        parser.add_argument(
            "--skip-collectstatic",
            action="store_true",
            help="web/all: do not run collectstatic first (it was run at deploy time).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="scheduler: seconds between rounds (default 5).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        process = options["process"]
        if process in ("web", "all"):
            ensure_port_free(*web_address())
        if process in ("web", "all") and not options["skip_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        if process == "web":
            self.serve_web()
        elif process == "worker":
            self.serve_worker()
        elif process == "scheduler":
            self.serve_scheduler(options["interval"])
        else:
            raise SystemExit(Supervisor(self).run())

    def serve_web(self) -> None:
        host, port = web_address()
        workers = env_int("OUENDAN_WEB_WORKERS", 1, minimum=1)
        argv = granian_argv(host=host, port=port, workers=workers)
        sys.stdout.flush()
        sys.stderr.flush()
        # Replace this process: signals from systemd or the supervisor reach granian directly.
        os.execve(sys.executable, argv, child_environment())  # noqa: S606 - no shell wanted

    def serve_worker(self) -> None:
        call_command("db_worker", queue_name="*", reload=False, verbosity=1)

    def serve_scheduler(self, interval: float | None) -> None:
        from ouendan.core.scheduler import DEFAULT_INTERVAL, Scheduler

        scheduler = Scheduler(interval=interval or DEFAULT_INTERVAL)
        signal.signal(signal.SIGTERM, scheduler.stop)
        signal.signal(signal.SIGINT, scheduler.stop)
        scheduler.run()


class Supervisor:
    """Runs web, worker and scheduler as children; stops all of them when asked or when one dies."""

    def __init__(self, command: BaseCommand) -> None:
        self.out = command.stdout
        self.style = command.style
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.stop_signal: int | None = None

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum
            return
        # A second Ctrl-C while the children stop gracefully: do not make the person wait.
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)

    def _start(self, name: str) -> subprocess.Popen[bytes]:
        argv = [sys.executable, "-m", "django", "serve", name]
        if name == "web":
            argv.append("--skip-collectstatic")
        # Each child gets its own process group: a terminal's Ctrl-C reaches only the supervisor,
        # which forwards it once, instead of every process receiving it twice.
        return subprocess.Popen(  # noqa: S603 - our own interpreter and command
            argv,
            env=child_environment(),
            process_group=0,
            preexec_fn=_die_with_parent,
        )

    def _print_status(self, host: str, port: int) -> None:
        self.out.write("")
        for name, child in self.children.items():
            extra = f"  http://{host}:{port}/" if name == "web" else ""
            self.out.write(f"  {name:<10} pid {child.pid:<8} running{extra}")
        self.out.write("  Ctrl-C stops all three.\n")

    def _web_ready(self, host: str, port: int) -> bool:
        url = f"http://{host}:{port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def _stop_all(self, signum: int) -> None:
        for child in self.children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    child.send_signal(signum)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, child in self.children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.out.write(self.style.WARNING(f"{name} did not stop in time: killing it"))
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait(timeout=STOP_TIMEOUT)

    def run(self) -> int:
        host, port = web_address()
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for name in PROCESSES:
                self.children[name] = self._start(name)
            self._print_status(host, port)
            return self._watch(host, port)
        finally:
            if any(child.poll() is None for child in self.children.values()):
                self._stop_all(signal.SIGTERM)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch(self, host: str, port: int) -> int:
        ready = False
        started = time.monotonic()
        while True:
            if self.stop_signal is not None:
                name = signal.Signals(self.stop_signal).name
                self.out.write(f"{name} received: stopping web, worker and scheduler…")
                self._stop_all(self.stop_signal)
                self.out.write("All stopped.")
                return 0
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    self.out.write(
                        self.style.ERROR(f"{name} exited with code {code}: stopping the others.")
                    )
                    self._stop_all(signal.SIGTERM)
                    return code or 1
            if not ready and time.monotonic() - started > 0.5:
                ready = self._web_ready(host, port)
                if ready:
                    self.out.write(self.style.SUCCESS(f"Ready: http://{host}:{port}/"))
            time.sleep(0.2)
