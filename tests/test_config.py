"""Settings: defaults, the environment winning over the file, and clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evidencewatch.config import DEFAULT_EUTILS_URL, SPECS, Settings, load_settings
from evidencewatch.core.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_defaults_need_no_environment_or_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.database_url == "sqlite:///./evidencewatch.db"
    assert settings.eutils_url == DEFAULT_EUTILS_URL
    assert settings.tool == "evidencewatch"
    assert settings.scan_overlap_days == 3


def test_exact_environment_names_are_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {
        "EVIDENCEWATCH_DATABASE_URL": "postgresql://u:secret@db/ew",
        "EVIDENCEWATCH_EUTILS_URL": "http://127.0.0.1:9/eutils",
        "NCBI_EMAIL": "curator@example.org",
        "NCBI_API_KEY": "k123",
        "EVIDENCEWATCH_TOOL": "ew-test",
    }
    settings = load_settings(env=env)
    assert settings.database_url == "postgresql+psycopg://u:secret@db/ew"
    assert settings.eutils_url == "http://127.0.0.1:9/eutils/"
    assert (settings.ncbi_email, settings.ncbi_api_key, settings.tool) == (
        "curator@example.org",
        "k123",
        "ew-test",
    )


def test_environment_wins_over_config_file(tmp_path):
    config = tmp_path / "ew.toml"
    config.write_text('scan_overlap_days = 7\ndatabase_url = "sqlite:///file.db"\n')
    settings = load_settings(
        env={"EVIDENCEWATCH_DATABASE_URL": "sqlite:///env.db"}, config_file=config
    )
    assert settings.scan_overlap_days == 7
    assert settings.database_url == "sqlite:///env.db"


def test_config_file_may_use_an_evidencewatch_table(tmp_path):
    config = tmp_path / "ew.toml"
    config.write_text('[evidencewatch]\nscan_cron = "30 5 * * *"\n')
    assert load_settings(env={}, config_file=config).scan_cron == "30 5 * * *"


def test_unknown_setting_in_file_is_named(tmp_path):
    config = tmp_path / "ew.toml"
    config.write_text("scan_overlap = 2\n")
    with pytest.raises(ConfigError, match=r"ew.toml: unknown setting 'scan_overlap'"):
        load_settings(env={}, config_file=config)


def test_bad_value_names_the_variable():
    with pytest.raises(ConfigError, match="EVIDENCEWATCH_SCAN_OVERLAP_DAYS"):
        load_settings(env={"EVIDENCEWATCH_SCAN_OVERLAP_DAYS": "three"})


def test_broken_config_file_names_file_and_line(tmp_path):
    config = tmp_path / "ew.toml"
    config.write_text("scan_overlap_days = 3\nscan_cron = \n")
    with pytest.raises(ConfigError, match=r"ew.toml: .*line 2"):
        load_settings(env={}, config_file=config)


def test_redacted_hides_secrets_and_database_password():
    settings = Settings(
        database_url="postgresql+psycopg://ew:hunter2@db/ew", ncbi_api_key="abc", secret_key="s"
    )
    shown = settings.redacted()
    assert "hunter2" not in str(shown)
    assert shown["ncbi_api_key"] == "***"


def test_every_setting_is_a_field_and_documented_in_readme():
    readme = (REPO / "README.md").read_text()
    defaults = Settings()
    for spec in SPECS:
        assert getattr(defaults, spec.name) == spec.default, spec.name
        assert re.search(rf"`{re.escape(spec.name)}`", readme), f"{spec.name} not in README"
        if spec.env:
            assert f"`{spec.env}`" in readme, f"{spec.env} not in README"


def test_eutils_timeouts_and_deadline_are_read_and_must_be_positive():
    env = {
        "EVIDENCEWATCH_EUTILS_CONNECT_TIMEOUT": "5",
        "EVIDENCEWATCH_EUTILS_READ_TIMEOUT": "30.5",
        "EVIDENCEWATCH_EUTILS_DEADLINE": "90",
    }
    settings = load_settings(env=env)
    assert settings.eutils_connect_timeout_seconds == 5.0
    assert settings.eutils_read_timeout_seconds == 30.5
    assert settings.eutils_deadline_seconds == 90.0
    defaults = load_settings(env={})
    assert (
        defaults.eutils_connect_timeout_seconds,
        defaults.eutils_read_timeout_seconds,
        defaults.eutils_deadline_seconds,
    ) == (10.0, 60.0, 180.0)
    for name in ("EVIDENCEWATCH_EUTILS_READ_TIMEOUT", "EVIDENCEWATCH_EUTILS_DEADLINE"):
        with pytest.raises(ConfigError, match=r"eutils_\w+_seconds must be more than 0"):
            load_settings(env={name: "0"})
