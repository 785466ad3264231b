"""The redirect's promise, tested on a real server: a click answered with a redirect is never
lost, even when the web process is killed with SIGKILL under load."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, ouendan_process_env, unused_port

pytestmark = pytest.mark.processes  # a real server on its own SQLite database

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from ouendan.accounts.models import Membership, Organization, User
from ouendan.content.models import ContentItem
from ouendan.sharing.models import Share
from ouendan.tracking.models import TrackedLink
org = Organization.objects.create(name="試験株式会社", slug="kill")
person = Membership.objects.create(
    organization=org, user=User.objects.create_user("k@example.com", "x" * 12), full_name="試験")
item = ContentItem.objects.create(organization=org, title="記事", slug="kill", status="published",
    url="https://www.example.co.jp/", published_at=timezone.now())
share = Share.objects.create(organization=org, content=item, membership=person, network="x")
TrackedLink.objects.create(organization=org, share=share, content=item, membership=person,
    network="x", code="KxTest23", destination="https://www.example.co.jp/?utm_source=x")
"""
COUNT = """
import django
django.setup()
from ouendan.tracking.journal import journal_ingest
from ouendan.tracking.models import Click
journal_ingest()
print(Click.objects.count())
"""
AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile Safari/604.1"


async def _client(port: int, stop_at: float, answered: list[int]) -> None:
    request = f"GET /r/KxTest23 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {AGENT}\r\n\r\n"
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.monotonic() < stop_at:
            writer.write(request.encode())
            head = await reader.readuntil(b"\r\n\r\n")
            if head.startswith(b"HTTP/1.1 302"):
                answered[0] += 1
    except (OSError, asyncio.IncompleteReadError):
        return


async def _load_then_kill(port: int, server: subprocess.Popen[bytes]) -> int:
    answered = [0]
    stop_at = time.monotonic() + 3.0

    async def kill() -> None:
        await asyncio.sleep(1.5)
        os.killpg(server.pid, signal.SIGKILL)

    await asyncio.gather(*(_client(port, stop_at, answered) for _ in range(32)), kill())
    return answered[0]


def test_every_answered_click_survives_sigkill(tmp_path: Path):
    env = ouendan_process_env(OUENDAN_VAR_DIR=str(tmp_path), LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120)
    port = unused_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--no-ws", "ouendan.asgi:application"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:  # until the worker answers a tracked link (Django loaded, link cached)
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/r/KxTest23", headers={"User-Agent": AGENT})
                if connection.getresponse().status == 302:
                    break
            except OSError:
                assert time.monotonic() < deadline, "granian did not start"
                time.sleep(0.2)
        answered = asyncio.run(_load_then_kill(port, server))
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    counted = subprocess.run(
        [sys.executable, "-c", COUNT], env=env, capture_output=True, text=True, timeout=60
    )
    stored = int(counted.stdout.split()[-1])
    assert answered > 100, "the load did not get going"
    assert stored >= answered, f"{answered} redirects answered, only {stored} clicks stored"
