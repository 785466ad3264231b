"""Production settings: ``check --deploy`` is clean; a missing secret stops the start at once."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from tests.helpers import manage

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment like a production host's: nothing inherited but PATH and HOME."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "ouendan.settings",
        "OUENDAN_TESTING": "0",
        "OUENDAN_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ouendan.example.com",
        "OUENDAN_BASE_URL": "https://ouendan.example.com",
        "DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "OUENDAN_ENCRYPTION_KEYS": "bYO0w5Aw9F2pq4V3GmEwUvGZtZuTpcLVvNtD5lJgq4c=",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_reports_no_issue_in_production_mode(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_encryption_keys(tmp_path):
    env = production_env(tmp_path)
    del env["OUENDAN_ENCRYPTION_KEYS"]
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "ouendan.W001" in result.stderr + result.stdout


def test_the_secret_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
    env = production_env(tmp_path, SECRET_KEY_FILE=str(key_file))
    del env["SECRET_KEY"]
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_secret_key_fails_fast_naming_it(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_nonsense_in_a_boolean_variable_fails_fast_naming_it(tmp_path):
    result = manage(production_env(tmp_path, DEBUG="maybe"), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DEBUG" in result.stderr
