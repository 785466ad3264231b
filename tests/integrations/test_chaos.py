"""The chaos test: a real worker process is killed (SIGKILL) while it publishes, after the
network took the post and before the worker heard back. Reconciliation must leave exactly one
post per schedule — for every network, including one that cannot tell."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, ouendan_process_env
from tests.integrations.connecting import endpoint_of
from tests.integrations.fakes import FakeBluesky, FakeLinkedIn, FakeMastodon, FakeNetwork, FakeX

pytestmark = pytest.mark.processes  # real processes on a SQLite database of their own

MIGRATE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
"""
SETUP = """
import django, json, sys
django.setup()
from django.utils import timezone
from ouendan.accounts.roles import Role
from ouendan.content.models import ContentItem
from ouendan.integrations.services.publishing import post_schedule
from tests.factories import OrganizationFactory, actor, make_person
from tests.integrations.connecting import Endpoint, allow_networks, connect_to

to = Endpoint(**json.loads(sys.argv[1]))
org = OrganizationFactory(name="カオス株式会社", slug="chaos")
admin = make_person(org, roles=[Role.ORG_ADMIN])
person = make_person(org, roles=[Role.ADVOCATE])
allow_networks(admin)
connect_to(actor(person), admin, to)
item = ContentItem.objects.create(organization=org, title="新工場の見学会", slug="chaos",
    url="https://www.example.co.jp/news/1", status="published", published_at=timezone.now())
post = post_schedule(actor=actor(person), content_id=item.pk, network=to.network,
                     text="工場見学、ぜひ！")
print(json.dumps({"post": post.post.pk}))
"""
RECONCILE = """
import django, json, sys
django.setup()
from datetime import timedelta
from django.utils import timezone
from ouendan.integrations.models import ScheduledPost
from ouendan.integrations.services.publishing import LEASE, post_publish, posts_reconcile
post_id = int(sys.argv[1])
before = ScheduledPost.objects.get(pk=post_id).state
later = timezone.now() + LEASE + timedelta(seconds=5)
reset = posts_reconcile(now=later)
outcome = post_publish(post_id=post_id, now=later)
post = ScheduledPost.objects.get(pk=post_id)
# The scheduler's jobs and a worker running again later change nothing.
from ouendan.integrations.tasks import posts_publish_due_task, posts_reconcile_task
posts_reconcile_task.call()
posts_publish_due_task.call()
print(json.dumps({"before": before, "reset": reset, "outcome": outcome, "state": post.state,
                  "remote_id": post.remote_id, "error": post.error_code}))
"""


def _fake(kind: str) -> FakeNetwork:
    fake: FakeNetwork = {
        "FakeBluesky": FakeBluesky,
        "FakeMastodon": FakeMastodon,
        "FakeLinkedIn": FakeLinkedIn,
        "FakeX": FakeX,
    }[kind]()
    return fake


def _env(tmp_path: Path, fake: FakeNetwork) -> dict[str, str]:
    return ouendan_process_env(
        OUENDAN_VAR_DIR=str(tmp_path),
        OUENDAN_INTEGRATIONS_ALLOW_LOOPBACK="1",
        OUENDAN_X_API_URL=fake.url,
        OUENDAN_X_AUTHORIZE_URL=f"{fake.url}/i/oauth2/authorize",
        OUENDAN_LINKEDIN_API_URL=fake.url,
        OUENDAN_LINKEDIN_OAUTH_URL=f"{fake.url}/oauth/v2",
        OUENDAN_LINKEDIN_SCOPES="openid profile w_member_social r_member_social",
        PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        LOG_LEVEL="WARNING",
    )


CASES = [
    ("FakeBluesky", "bluesky", "published"),
    ("FakeMastodon", "mastodon", "published"),
    ("FakeX", "x", "published"),
    ("FakeLinkedIn", "linkedin", "published"),  # granted r_member_social: it can check
    ("FakeLinkedIn-blind", "linkedin", "failed"),  # without it: fails, never posts twice
]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database for the module; each case starts from a copy of it."""
    var = tmp_path_factory.mktemp("chaos-template")
    env = ouendan_process_env(OUENDAN_VAR_DIR=str(var), LOG_LEVEL="WARNING")
    done = subprocess.run(
        [sys.executable, "-c", MIGRATE], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return var / "ouendan.sqlite3"


@pytest.mark.parametrize(("kind", "network", "expected"), CASES)
def test_a_worker_killed_mid_publish_makes_one_post(
    tmp_path: Path, migrated: Path, kind: str, network: str, expected: str
):
    blind = kind.endswith("-blind")
    fake = _fake(kind.removesuffix("-blind"))
    if isinstance(fake, FakeLinkedIn) and not blind:
        fake.app_scopes.add("r_member_social")
    shutil.copyfile(migrated, tmp_path / "ouendan.sqlite3")
    with fake:
        env = _env(tmp_path, fake)
        if blind:
            env["OUENDAN_LINKEDIN_SCOPES"] = "openid profile w_member_social"
        setup = subprocess.run(
            [sys.executable, "-c", SETUP, json.dumps(asdict(endpoint_of(fake)))],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert setup.returncode == 0, setup.stderr[-3000:]
        post_id = json.loads(setup.stdout.strip().splitlines()[-1])["post"]
        fake.hold_after_create = threading.Event()  # the answer waits: the worker dies first
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "serve", "worker"],
            env=env, cwd=ROOT, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            assert fake.post_recorded.wait(60), "the worker never posted"
            os.killpg(worker.pid, signal.SIGKILL)  # the network has it; we never heard back
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
            fake.release()
        posted = _posts(fake)
        assert len(posted) == 1
        after = subprocess.run(
            [sys.executable, "-c", RECONCILE, str(post_id)],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert after.returncode == 0, after.stderr[-3000:]
        result = json.loads(after.stdout.strip().splitlines()[-1])
        assert result["before"] == "publishing" and result["reset"] == [post_id]
        assert result["state"] == expected, result
        assert len(_posts(fake)) == 1, "a second post was made"
        if expected == "published":
            assert result["remote_id"] == _remote_id(fake, posted[0])
        else:
            assert result["error"] == "cannot_tell"
        assert len(_posts(fake)) == 1  # after the scheduler's jobs ran again too


def _posts(fake: Any) -> list[Any]:
    posts = fake.posts
    return list(posts.values()) if isinstance(posts, dict) else list(posts)


def _remote_id(fake: Any, post: Any) -> str:
    if isinstance(fake, FakeBluesky):
        return str(post.uri)
    if isinstance(fake, FakeLinkedIn):
        return str(post["id"])
    return str(post["id"])
