"""The tracked-link redirect under load: ours against the ceiling and the obvious way, in one run.

Each server is one granian process (``--workers 1``) on 127.0.0.1, loaded by ``wrk`` (one
thread, 64 keep-alive connections, bounded in time) on the other core:

- **ours**: ``/r/<code>`` through ``ouendan.asgi:application`` as ``manage.py serve web`` starts
  it, click capture on (every 302 is sent after its click is in the journal, and the journals
  are moved into the database every second meanwhile);
- **bare ASGI**: a minimal ASGI app answering the same 302 from memory (the ceiling);
- **Django view**: a plain view behind the project's middleware doing a cached lookup, served
  by granian WSGI (its fastest way), recording nothing.

Then the kill test: ours under load from an asyncio client that counts every 302 it receives,
the server killed with SIGKILL mid-run; every answered click must reach the database (after
the journals it left are moved in, as the next process or the worker does).

    sudo apt-get install wrk            # once (Debian's package)
    .venv/bin/python benchmarks/redirect.py                  # about 2 minutes, SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/redirect.py

Targets (2-core machine, one server process): ours ≥ 40 % of bare ASGI's requests/s and ≥ 3×
the Django view's, p99 ≤ 10 ms at 64 connections, zero lost clicks. The exit code is 1 when a
click is lost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ouendan.core.management.commands.serve import WEB_LOOP as SERVE_LOOP

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
CONNECTIONS = 64
BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUENDAN_")}
    env.update(
        PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{HERE}",
        DJANGO_SETTINGS_MODULE="ouendan.settings",
        OUENDAN_DEMO="1",
        OUENDAN_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",  # no log line per request in any of the servers
    )
    env.update(extra)
    return env


SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from ouendan.accounts.models import Organization, User, Membership
from ouendan.content.models import ContentItem
from ouendan.sharing.models import Share
from ouendan.tracking.models import TrackedLink
org = Organization.objects.create(name="ベンチ株式会社", slug="bench")
user = User.objects.create_user("bench@example.com", "x" * 12)
person = Membership.objects.create(organization=org, user=user, full_name="計測 太郎")
item = ContentItem.objects.create(organization=org, title="計測用の記事", slug="bench",
    url="https://www.example.co.jp/news/1", status="published", published_at=timezone.now())
share = Share.objects.create(organization=org, content=item, membership=person, network="x",
    text="計測")
TrackedLink.objects.create(organization=org, share=share, content=item, membership=person,
    network="x", code="BenchCde", destination="https://www.example.co.jp/news/1?utm_source=x")
print("ready")
"""


def granian(app: str, port: int, *, interface: str = "asgi") -> list[str]:
    """One granian process; ASGI on the loop ``manage.py serve web`` runs (``SERVE_LOOP``)."""
    argv = [
        sys.executable, "-m", "granian", "--interface", interface, "--host", "127.0.0.1",
        "--port", str(port), "--workers", "1", "--no-ws",
    ]  # fmt: skip
    if interface != "wsgi":
        argv += ["--loop", SERVE_LOOP]
    return [*argv, app]


@dataclass
class Server:
    name: str
    argv: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0

    def start(self) -> None:
        self.port = free_port()
        argv = [str(self.port) if a == "PORT" else a for a in self.argv]
        self.proc = subprocess.Popen(
            argv, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@dataclass
class Figures:
    rate: float
    p99_ms: float
    requests: int


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, path: str, seconds: int) -> Figures:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
         "-H", f"User-Agent: {BROWSER}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return Figures(rate, _ms(p99.group(1), p99.group(2)) if p99 else 0.0, total)


def stored_clicks(env: dict[str, str]) -> int:
    """Clicks in the database, after moving in the journals a killed server left behind (what
    the next web process or the worker's aggregation job does)."""
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from ouendan.tracking.journal import journal_ingest; journal_ingest(); "
         "from ouendan.tracking.models import Click; print(Click.objects.count())"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return int(out.strip().splitlines()[-1])


async def _client(port: int, path: str, stop_at: float, answered: list[int]) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {BROWSER}\r\n\r\n".encode()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.monotonic() < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if head.startswith(b"HTTP/1.1 302"):
                answered[0] += 1  # a redirect arrived: its click must be stored
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return  # the server died under us


async def kill_run(server: Server, path: str, *, kill_after: float, seconds: float) -> int:
    answered = [0]
    stop_at = time.monotonic() + seconds
    clients = [_client(server.port, path, stop_at, answered) for _ in range(CONNECTIONS)]

    async def killer() -> None:
        await asyncio.sleep(kill_after)
        server.stop(signal.SIGKILL)

    await asyncio.gather(*clients, killer())
    return answered[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: sudo apt-get install wrk", file=sys.stderr)
        return 2
    var_dir = Path(tempfile.mkdtemp(prefix="ouendan-redirect-"))
    env = environment(var_dir)
    setup = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True)
    if "ready" not in setup.stdout:
        print(setup.stderr, file=sys.stderr)
        return 2
    database = env.get("DATABASE_URL", "sqlite (WAL) in " + str(var_dir)).split("@")[-1]
    print(f"database: {database}; wrk -t1 -c{CONNECTIONS} -d{args.seconds}s; one granian process")
    path = "/r/BenchCde"
    servers = [
        Server("ours (/r/, capture on)", granian("ouendan.asgi:application", 0), env),
        Server("bare ASGI 302", granian("redirect_baselines:bare_app", 0), env),
        Server(
            "Django view, cached",
            granian("ouendan.wsgi:application", 0, interface="wsgi"),
            environment(var_dir, DJANGO_SETTINGS_MODULE="redirect_baselines"),
        ),
    ]
    for server in servers:
        server.argv = [a if a != "0" else "PORT" for a in server.argv]
    results: dict[str, list[Figures]] = {s.name: [] for s in servers}
    before = stored_clicks(env)
    for _ in range(args.rounds):
        for server in servers:
            server.start()
            try:
                wrk(server.port, path, 2)  # warm up: caches, connections, salt
                results[server.name].append(wrk(server.port, path, args.seconds))
            finally:
                server.stop()
    ours_requests = sum(f.requests for f in results[servers[0].name])
    stored = stored_clicks(env) - before
    print(f"\n{'server':<26} {'req/s':>10} {'p99 ms':>8}  runs")
    best = {}
    for name, runs in results.items():
        rate = statistics.median(f.rate for f in runs)
        p99 = statistics.median(f.p99_ms for f in runs)
        best[name] = (rate, p99)
        print(
            f"{name:<26} {rate:>10,.0f} {p99:>8.2f}  " + ", ".join(f"{f.rate:,.0f}" for f in runs)
        )
    ours, bare, django = (best[s.name][0] for s in servers)
    print(f"\nours / bare ASGI: {ours / bare:.0%} (target ≥ 40 %)")
    print(f"ours / Django view: {ours / django:.1f}× (target ≥ 3×)")
    print(f"ours p99: {best[servers[0].name][1]:.2f} ms (target ≤ 10 ms)")
    print(f"clicks answered by wrk runs: {ours_requests:,}; stored: {stored:,} (warm-ups included)")

    ours_server = Server("ours (kill test)", list(servers[0].argv), env)
    ours_server.start()
    before = stored_clicks(env)
    answered = asyncio.run(kill_run(ours_server, path, kill_after=2.0, seconds=4.0))
    time.sleep(0.5)
    stored = stored_clicks(env) - before
    lost = max(0, answered - stored)
    print(f"\nkill test: SIGKILL after 2 s under {CONNECTIONS} connections: {answered:,} redirects "
          f"answered, {stored:,} clicks stored, lost: {lost}")  # fmt: skip
    shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
