"""The demo's commands, each in a real process: ``manage.py demo`` prepares once and prints the
sign-ins, ``demo_reset`` deletes only the demo's own SQLite database."""

from __future__ import annotations

import contextlib
import sqlite3
from functools import partial
from pathlib import Path

import pytest

from tests.demo import SIGN_INS
from tests.helpers import manage as run_manage
from tests.helpers import ouendan_process_env


def demo_env(var_dir: Path, **extra: str) -> dict[str, str]:
    return ouendan_process_env(**{"OUENDAN_VAR_DIR": str(var_dir), "PORT": "8123", **extra})


manage = partial(run_manage, timeout=180)  # seeding the demo takes longer than most commands


def sqlite_database(path: Path) -> None:
    """A database file in WAL mode, its side files open (what the demo leaves), without the
    seconds migrating it would take: the command deletes files, whatever they hold."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE kept (n INTEGER)")
        db.execute("INSERT INTO kept VALUES (1)")
        db.commit()
    assert path.exists()


@pytest.mark.processes
def test_demo_command_prepares_once_and_prints_the_sign_ins(tmp_path):
    tmp_path = tmp_path / "var"  # does not exist yet, as in a fresh clone
    env = demo_env(tmp_path)
    first = manage(env, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "株式会社みらい製作所" in first.stdout and "ouendan-demo" in first.stdout
    for email in [*SIGN_INS, "admin@other.example"]:
        assert email in first.stdout
    assert "http://127.0.0.1:8123/accounts/login/" in first.stdout
    assert (tmp_path / "ouendan.sqlite3").exists()
    assert (tmp_path / "static" / "ouendan" / "app.css").exists()

    second = manage(env, "demo", "--no-serve")
    assert second.returncode == 0, second.stderr
    assert any(word in second.stdout for word in ("already exists", "既に", "すでに"))
    assert "admin@demo.example" in second.stdout


@pytest.mark.processes
def test_demo_command_refuses_outside_demo_mode(tmp_path):
    env = demo_env(tmp_path, OUENDAN_DEMO="0", SECRET_KEY="x" * 60)
    result = manage(env, "demo", "--no-serve")
    assert result.returncode != 0
    assert "OUENDAN_DEMO=1" in result.stderr
    assert not (tmp_path / "ouendan.sqlite3").exists()


@pytest.mark.processes
def test_demo_reset_deletes_the_database_under_var(tmp_path):
    env = demo_env(tmp_path)
    database = tmp_path / "ouendan.sqlite3"
    sqlite_database(database)

    refused = manage(env, "demo_reset")
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert database.exists()

    done = manage(env, "demo_reset", "--yes")
    assert done.returncode == 0, done.stderr
    assert not database.exists()
    assert not list(tmp_path.glob("ouendan.sqlite3*"))


@pytest.mark.processes
def test_demo_reset_refuses_a_database_outside_var_unless_forced(tmp_path):
    elsewhere = tmp_path / "elsewhere" / "keep.sqlite3"
    elsewhere.parent.mkdir()
    env = demo_env(tmp_path / "var", DATABASE_URL=f"sqlite:///{elsewhere}")
    sqlite_database(elsewhere)

    refused = manage(env, "demo_reset", "--yes")
    assert refused.returncode != 0 and "--force" in refused.stderr
    assert elsewhere.exists()

    forced = manage(env, "demo_reset", "--yes", "--force")
    assert forced.returncode == 0, forced.stderr
    assert not elsewhere.exists()


@pytest.mark.processes
def test_demo_reset_never_touches_a_server_database(tmp_path):
    env = demo_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing")
    result = manage(env, "demo_reset", "--yes", "--force")
    assert result.returncode != 0
    assert "SQLite" in result.stderr
