"""Which server runs Ouendan's web process? Measure them on the same Django pages, in one run.

Starts every candidate on its own port of 127.0.0.1 (one worker process each), then, round after
round, sends each in turn a bounded number of keep-alive GET requests from an asyncio load
generator in this process, and
prints requests per second and server CPU time per request, with ratios to the baseline (uvicorn)
measured in the same run.

    .venv/bin/python benchmarks/server_choice.py            # under a minute on 2 cores
    .venv/bin/python benchmarks/server_choice.py --rounds 1   # quicker

Candidates:
- granian ASGI exactly as ``manage.py serve web`` starts it (``serve.granian_argv``);
- granian ASGI with ``--loop asyncio`` instead of uvloop (the standard library's loop);
- uvicorn with httptools and uvloop (``pip install uvicorn httptools uvloop``; dev dependencies);
- on the ``/r/`` hot-path shape (a bare ASGI app answering 302, no Django): the ASGI servers alone;
- granian WSGI, for reference only: sync Django without ASGI's thread hop (the redirect app in
  front of Django needs ASGI, so this is not a candidate).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PAGES = ("/healthz", "/accounts/login/")
HOT_PATH = "/r/demo"  # served by ``redirect_app``, no Django
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


async def redirect_app(scope: dict, receive: object, send: object) -> None:
    """The shape of the ``/r/<code>`` hot path: a bare ASGI app answering a cached 302."""
    if scope["type"] != "http":
        return
    await send(  # type: ignore[operator]
        {
            "type": "http.response.start",
            "status": 302,
            "headers": [(b"location", b"https://example.com/"), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]


@dataclass
class Result:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


async def _connection(port: int, path: str, budget: list[int], deadline: float, out: Result):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: ja\r\n"
        "User-Agent: ouendan-benchmark\r\n\r\n"
    ).encode()
    try:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = _CONTENT_LENGTH.search(head)
            if length is None:
                raise RuntimeError(f"no Content-Length in {head[:200]!r}")
            await reader.readexactly(int(length.group(1)))
            out.latencies.append(time.perf_counter() - started)
            out.statuses[int(head[9:12])] += 1
            out.requests += 1
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def load(port: int, path: str, *, requests: int, seconds: float, connections: int) -> Result:
    """At most ``requests`` requests over ``connections`` keep-alive connections, at most
    ``seconds`` long."""
    out = Result()
    budget = [requests]
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_connection(port, path, budget, deadline, out) for _ in range(connections))
    )
    out.seconds = time.perf_counter() - started
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, proc: subprocess.Popen[bytes], path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            if asyncio.run(load(port, path, requests=1, seconds=2, connections=1)).requests:
                return
        time.sleep(0.2)
    raise RuntimeError("server did not become ready")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


_TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process and its live descendants (granian forks its workers)."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK)
    members, total = {root}, 0.0
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _cpu) in stats.items():
            if ppid in members and pid not in members:
                members.add(pid)
                changed = True
    for pid in members:
        total += stats.get(pid, (0, 0.0))[1]
    return total


def candidates(*, hot_path: bool) -> list[tuple[str, list[str]]]:
    """Command lines with port 0 (replaced at start): Django, or the bare hot-path app."""
    from ouendan.core.management.commands.serve import granian_argv

    app = "server_choice:redirect_app" if hot_path else "ouendan.asgi:application"
    shipped = [*granian_argv(host="127.0.0.1", port=0, workers=1)[:-1], app]
    servers = [("granian asgi (shipped)", shipped)]
    with_asyncio = list(shipped)
    with_asyncio[with_asyncio.index("--loop") + 1] = "asyncio"
    servers.append(("granian asgi + asyncio", with_asyncio))
    if importlib.util.find_spec("uvicorn"):
        servers.append(
            (
                "uvicorn asgi (baseline)",
                [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", "0",
                 "--workers", "1", "--lifespan", "off", "--no-access-log", "--log-level",
                 "warning"],
            )
        )  # fmt: skip
    if not hot_path:
        wsgi = [a for a in shipped if a != "--no-ws"]
        loop_at = wsgi.index("--loop")
        del wsgi[loop_at : loop_at + 2]
        wsgi[wsgi.index("--interface") + 1] = "wsgi"
        wsgi[-1] = "ouendan.wsgi:application"
        servers.append(("granian wsgi (reference)", wsgi))
    return servers


@dataclass
class Total:
    requests: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    rates: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="each server measured once a round")
    parser.add_argument("--requests", type=int, default=600, help="per page, server and round")
    parser.add_argument("--seconds", type=float, default=1.5, help="time limit per measurement")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="ouendan-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUENDAN_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT / "benchmarks")]),
        DJANGO_SETTINGS_MODULE="ouendan.settings",
        OUENDAN_DEMO="1",
        OUENDAN_TESTING="0",
        OUENDAN_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",  # the same for every server: measure serving, not log writing
    )
    os.environ.update(env)
    import django

    django.setup()
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=120)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=120)

    started = time.monotonic()
    servers: list[tuple[str, tuple[str, ...], int, subprocess.Popen[bytes]]] = []
    totals: dict[tuple[str, str], Total] = {}
    try:
        # All candidates run side by side and are measured in turn, round after round, so a
        # burst of load from elsewhere on the machine hits all of them alike.
        for hot_path, pages in ((False, PAGES), (True, (HOT_PATH,))):
            for name, argv in candidates(hot_path=hot_path):
                port = free_port()
                argv = [str(port) if a == "0" and argv[i - 1] == "--port" else a
                        for i, a in enumerate(argv)]  # fmt: skip
                proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
                servers.append((name, pages, port, proc))
        for _name, pages, port, proc in servers:
            wait_ready(port, proc, pages[0])
            for page in pages:
                asyncio.run(load(port, page, requests=100, seconds=2, connections=4))  # warm-up
        for _round in range(args.rounds):
            for name, pages, port, proc in servers:
                for page in pages:
                    cpu_before = tree_cpu_seconds(proc.pid)
                    # The hot path is ~50x cheaper: more requests, so CPU ticks (10 ms) add up.
                    budget = args.requests * (25 if page == HOT_PATH else 1)
                    result = asyncio.run(
                        load(port, page, requests=budget, seconds=args.seconds,
                             connections=args.connections)
                    )  # fmt: skip
                    total = totals.setdefault((name, page), Total())
                    total.cpu += tree_cpu_seconds(proc.pid) - cpu_before
                    total.requests += result.requests
                    total.seconds += result.seconds
                    total.rates.append(result.rate)
                    total.latencies.extend(result.latencies)
                    total.errors += sum(n for code, n in result.statuses.items() if code >= 400)
    finally:
        for _name, _pages, _port, proc in servers:
            stop(proc)

    baseline = next((n for n, *_rest in servers if "baseline" in n), servers[0][0])
    print(
        f"\n{'page':<17} {'server':<25} {'req/s':>6} {'ratio':>6} {'CPU ms/req':>10} "
        f"{'ratio':>6} {'p50 ms':>7} {'p99 ms':>7}"
    )
    for page in (*PAGES, HOT_PATH):
        base = totals[(baseline, page)]
        base_rate, base_cpu = statistics.median(base.rates), base.cpu / base.requests
        for name, pages, _port, _proc in servers:
            if page not in pages:
                continue
            t = totals[(name, page)]
            rate, cpu = statistics.median(t.rates), t.cpu / t.requests
            lat = sorted(t.latencies)
            p50, p99 = lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000
            note = f"  ({t.errors} errors)" if t.errors else ""
            print(
                f"{page:<17} {name:<25} {rate:>6.0f} {rate / base_rate:>5.2f}× "
                f"{cpu * 1000:>10.2f} {cpu / base_cpu:>5.2f}× {p50:>7.1f} {p99:>7.1f}{note}"
            )
    print(
        f"\nreq/s: median of {args.rounds} rounds; CPU ms/req: the server's own CPU time (all its "
        f"processes) per request, which load from elsewhere on the machine disturbs far less. "
        f"Ratios are to {baseline}. ≤{args.requests} requests or ≤{args.seconds:g} s per "
        f"measurement, {args.connections} connections, 1 server worker, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}; total {time.monotonic() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
