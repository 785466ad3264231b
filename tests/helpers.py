"""Plain helpers several test modules share (fixtures: conftest.py; factories: factories.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def unused_port() -> int:
    """A loopback port that was free a moment ago; nothing listens once the socket is closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ouendan_process_env(**variables: str) -> dict[str, str]:
    """The environment for a real Ouendan process started by a test: demo settings, none of this
    run's own ``OUENDAN_*``, ``DATABASE_*`` or ``REDIS_URL``, then ``variables``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUENDAN_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="ouendan.settings",
        OUENDAN_DEMO="1",
        OUENDAN_TESTING="0",
    )
    env.update(variables)
    return env


def manage(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` in its own process; its output is captured as text."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
