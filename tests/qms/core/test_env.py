import os
import subprocess
import sys
from pathlib import Path

import pytest

from qms import env

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args, extra_env=None, settings="qms.settings.production"):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment["DJANGO_SETTINGS_MODULE"] = settings
    environment.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_get_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("QMS_FLAG", "maybe")
    with pytest.raises(env.ConfigError, match="QMS_FLAG='maybe' is not a boolean"):
        env.get_bool("QMS_FLAG")


def test_required_setting_message_names_it(monkeypatch):
    monkeypatch.delenv("QMS_NOT_SET", raising=False)
    with pytest.raises(env.ConfigError, match="QMS_NOT_SET is not set"):
        env.get("QMS_NOT_SET", required=True)


def test_database_url_defaults_to_sqlite(monkeypatch, tmp_path):
    monkeypatch.delenv("QMS_TEST_DB", raising=False)
    config = env.get_database("QMS_TEST_DB", tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_bad_database_url_is_a_config_error(monkeypatch, tmp_path):
    monkeypatch.setenv("QMS_TEST_DB", "nosuchdb://x")
    with pytest.raises(env.ConfigError, match="QMS_TEST_DB"):
        env.get_database("QMS_TEST_DB", tmp_path / "x.sqlite3")


def test_missing_secret_key_stops_with_one_line():
    result = run_manage("check", extra_env={"ALLOWED_HOSTS": "qms.example.org"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is not set; set the environment variable SECRET_KEY "
        "(see docs/operations.md, 'Scaling out')."
    ]


def test_malformed_setting_stops_with_one_line():
    result = run_manage("check", extra_env={"DEBUG": "sometimes"}, settings="qms.settings.dev")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "Configuration error: DEBUG='sometimes' is not a boolean; use 1/0, true/false, yes/no or on/off."
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        extra_env={
            "SECRET_KEY": "kR4vT9qL2mX8wB6nZ1pC7dF3hJ5sG0yA-uE_iO4tW8rQ2zM6xN9bV1cK3",
            "ALLOWED_HOSTS": "qms.example.org",
            "WAGTAILADMIN_BASE_URL": "https://qms.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
