"""Which server runs Ouendan's web process? Measure them on the same Django pages, in one run.

Starts each candidate on 127.0.0.1 (one worker process each, one after the other), sends a
bounded number of keep-alive GET requests from an asyncio load generator in this process, and
prints requests per second with the ratio to the baseline (uvicorn) measured in the same run.

    .venv/bin/python benchmarks/server_choice.py            # under a minute on 2 cores
    .venv/bin/python benchmarks/server_choice.py --requests 1000 --seconds 2   # quicker

Candidates:
- granian ASGI exactly as ``manage.py serve web`` starts it (``serve.granian_argv``);
- granian ASGI with ``--loop uvloop`` instead of asyncio (only when uvloop is installed);
- uvicorn with httptools and uvloop (``pip install uvicorn httptools uvloop``; dev dependencies);
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
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PAGES = ("/healthz", "/accounts/login/")
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


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


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
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


def candidates(port: int) -> list[tuple[str, list[str]]]:
    from ouendan.core.management.commands.serve import granian_argv

    shipped = granian_argv(host="127.0.0.1", port=port, workers=1)
    servers = [("granian asgi (shipped)", shipped)]
    if importlib.util.find_spec("uvloop"):
        with_uvloop = list(shipped)
        with_uvloop[with_uvloop.index("--loop") + 1] = "uvloop"
        servers.append(("granian asgi + uvloop", with_uvloop))
    if importlib.util.find_spec("uvicorn"):
        servers.append(
            (
                "uvicorn asgi (baseline)",
                [sys.executable, "-m", "uvicorn", "ouendan.asgi:application", "--host",
                 "127.0.0.1", "--port", str(port), "--workers", "1", "--lifespan", "off",
                 "--no-access-log", "--log-level", "warning"],
            )
        )  # fmt: skip
    wsgi = [a for a in shipped if a != "--no-ws"]
    wsgi[wsgi.index("--interface") + 1] = "wsgi"
    wsgi[-1] = "ouendan.wsgi:application"
    servers.append(("granian wsgi (reference)", wsgi))
    return servers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="per page and server")
    parser.add_argument("--seconds", type=float, default=3.0, help="time limit per measurement")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="ouendan-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUENDAN_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        PYTHONPATH=str(ROOT / "src"),
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

    results: dict[tuple[str, str], Result] = {}
    started = time.monotonic()
    for name, argv in candidates(port := free_port()):
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        try:
            wait_ready(port, proc)
            for page in PAGES:
                asyncio.run(load(port, page, requests=100, seconds=2, connections=4))  # warm-up
                results[(name, page)] = asyncio.run(
                    load(
                        port,
                        page,
                        requests=args.requests,
                        seconds=args.seconds,
                        connections=args.connections,
                    )
                )
        finally:
            stop(proc)

    baseline_name = next((n for n, _ in results if "baseline" in n), "granian asgi (shipped)")
    print(f"\n{'page':<18} {'server':<26} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}  vs baseline")
    for page in PAGES:
        base = results[(baseline_name, page)].rate
        for (name, p), result in results.items():
            if p != page:
                continue
            bad = sum(n for status, n in result.statuses.items() if status >= 400)
            note = f"  ({bad} non-2xx/3xx)" if bad else ""
            print(
                f"{page:<18} {name:<26} {result.rate:>8.0f} {result.percentile(0.5):>7.1f} "
                f"{result.percentile(0.99):>7.1f}  {result.rate / base:>5.2f}×{note}"
            )
    cpu = os.cpu_count()
    print(
        f"\n{len(results)} measurements, ≤{args.requests} requests or ≤{args.seconds:g} s each, "
        f"{args.connections} connections, 1 server worker, {cpu} CPUs; "
        f"total {time.monotonic() - started:.0f} s. "
        f"Python {sys.version.split()[0]}; latency mean of last run "
        f"{statistics.fmean(result.latencies) * 1000:.1f} ms."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
