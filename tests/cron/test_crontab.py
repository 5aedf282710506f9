"""The documented cron route, run as cron runs it: each line under /bin/sh, with cron's bare
environment, loading the env file exactly as cron/README.md documents it.

The install paths (/var/lib/evidencewatch, /etc/evidencewatch.env, the virtualenv, the log
folder) are swapped for temporary ones; everything else is the text of the files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, select

import evidencewatch
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import Candidate, Scan

REPO = Path(__file__).resolve().parents[2]
CRONTAB = REPO / "cron" / "evidencewatch.crontab"
README = REPO / "cron" / "README.md"
SH = "/bin/sh"

INSTALL_PATHS = (
    "/opt/evidencewatch/.venv/bin/evidencewatch",
    "/etc/evidencewatch.env",
    "/var/lib/evidencewatch",
    "/var/log/evidencewatch",
)


def documented_env_file() -> str:
    """The `/etc/evidencewatch.env` example of cron/README.md, as the reader copies it."""
    match = re.search(r"```sh\n(# /etc/evidencewatch\.env\n.*?)```", README.read_text(), re.S)
    assert match, "cron/README.md has no /etc/evidencewatch.env example"
    return match.group(1)


@dataclass
class Crontab:
    variables: dict[str, str]
    commands: dict[str, str]  # "scan"/"digest"/"recheck" -> the command part of its line


def crontab() -> Crontab:
    variables: dict[str, str] = {}
    commands: dict[str, str] = {}
    for line in CRONTAB.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            name, _, value = line.partition("=")
            variables[name] = value
            continue
        command = line.split(maxsplit=5)[5]
        if "--once digest" in command:
            commands["digest"] = command
        elif "evidencewatch recheck" in command:
            commands["recheck"] = command
        else:
            commands["scan"] = command
    return Crontab(variables, commands)


@dataclass
class Install:
    """Temporary stand-ins for the documented install paths."""

    root: Path

    @property
    def paths(self) -> dict[str, Path]:
        r = self.root
        return dict(
            zip(
                INSTALL_PATHS,
                (r / "bin/evidencewatch", r / "evidencewatch.env", r / "lib", r / "log"),
                strict=True,
            )
        )

    def localise(self, text: str) -> str:
        for documented, here in self.paths.items():
            text = text.replace(documented, str(here))
        return text

    def write_env(self, text: str) -> Path:
        path = self.paths["/etc/evidencewatch.env"]
        path.write_text(self.localise(text))
        return path

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        """``command`` as cron runs it: /bin/sh -c, the crontab's variables, nothing else."""
        env = {"HOME": str(self.root), "LOGNAME": "evidencewatch", "SHELL": SH}
        env.update({k: v for k, v in crontab().variables.items() if k in ("PATH", "SHELL")})
        return subprocess.run(
            [env["SHELL"], "-c", self.localise(command)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def log(self, name: str) -> str:
        path = self.paths["/var/log/evidencewatch"] / name
        return path.read_text() if path.exists() else ""


@pytest.fixture
def install(tmp_path: Path) -> Install:
    inst = Install(tmp_path)
    paths = inst.paths
    for folder in ("/var/lib/evidencewatch", "/var/log/evidencewatch"):
        paths[folder].mkdir()
    (paths["/var/lib/evidencewatch"] / "digests").mkdir()
    wrapper = paths["/opt/evidencewatch/.venv/bin/evidencewatch"]
    wrapper.parent.mkdir()
    src = Path(evidencewatch.__file__).resolve().parents[1]
    # What the virtualenv's entry point does, for the code under test.
    wrapper.write_text(
        f'#!/bin/sh\nPYTHONPATH="{src}" exec "{sys.executable}" -m evidencewatch "$@"\n'
    )
    wrapper.chmod(0o755)
    return inst


def systemd_values(env_text: str) -> dict[str, str]:
    """KEY='value' lines as systemd's EnvironmentFile= reads them (single quotes stripped)."""
    values = {}
    for line in env_text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        values[name] = value[1:-1] if value[:1] == value[-1:] == "'" and value else value
    return values


def test_every_value_of_the_documented_env_file_is_single_quoted():
    for line in documented_env_file().splitlines()[1:]:
        assert re.fullmatch(r"[A-Z_]+='[^']*'", line), line


def test_the_documented_env_file_loads_under_bin_sh_as_systemd_reads_it(install: Install):
    env_file = install.write_env(documented_env_file())
    dump = f"{sys.executable} -c 'import json, os; print(json.dumps(dict(os.environ)))'"
    result = install.run(f"set -a && . {env_file} && set +a && {dump}")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    exported = json.loads(result.stdout)
    expected = systemd_values(env_file.read_text())
    assert {k: exported.get(k) for k in expected} == expected
    assert exported["EVIDENCEWATCH_SCAN_CRON"] == "0 6 * * *"
    assert exported["EVIDENCEWATCH_DIGEST_CRON"] == "0 7 * * mon"
    assert exported["EVIDENCEWATCH_RECHECK_CRON"] == "0 5 * * sun"


def test_the_crontab_never_discards_cron_mail():
    assert crontab().variables.get("MAILTO") != '""'


@pytest.fixture
def configured(install: Install, watchlist):
    """The documented env file, pointed at a SQLite database and the fake E-utilities server."""
    from processes import fake_pubmed, recent_records

    db = install.paths["/var/lib/evidencewatch"] / "evidencewatch.db"
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    with fake_pubmed(recent_records(12), watchlist) as fake:
        install.write_env(
            documented_env_file()
            + f"EVIDENCEWATCH_DATABASE_URL='sqlite:///{db}'\n"
            + f"EVIDENCEWATCH_EUTILS_URL='{fake.base_url}'\n"
            + "NCBI_API_KEY='test-key'\n"
        )
        yield install, engine
    engine.dispose()


def test_the_documented_scan_line_runs_a_cron_scan_under_bin_sh(configured):
    install, engine = configured
    result = install.run(crontab().commands["scan"])
    assert result.returncode == 0, (result.stdout, install.log("scan.log"))
    assert result.stdout == result.stderr == ""  # nothing for cron to mail
    with Session(engine) as session:
        scans = session.exec(select(Scan)).all()
    [scan] = scans
    assert (scan.status, scan.trigger) == ("succeeded", "cron")
    assert scan.papers_new > 0
    assert '"scan_id"' in install.log("scan.log")  # the JSON log lines went to the log


def test_the_documented_digest_line_writes_the_digest_under_bin_sh(configured):
    install, _engine = configured
    result = install.run(crontab().commands["digest"])
    assert result.returncode == 0, (result.stdout, install.log("digest.log"))
    assert result.stdout == ""
    assert any((install.paths["/var/lib/evidencewatch"] / "digests").iterdir())


def test_the_crontab_has_one_line_per_job_on_the_documented_times():
    lines = {
        name: line.split(maxsplit=5)[:5]
        for line in CRONTAB.read_text().splitlines()
        if line.strip() and not line.startswith("#") and not re.match(r"^[A-Z_]+=", line)
        for name, command in crontab().commands.items()
        if line.endswith(command)
    }
    assert lines == {
        "scan": ["0", "6", "*", "*", "*"],
        "digest": ["0", "7", "*", "*", "mon"],
        "recheck": ["0", "5", "*", "*", "sun"],
    }


def test_the_documented_recheck_line_rechecks_the_scanned_papers_under_bin_sh(configured):
    install, engine = configured
    assert install.run(crontab().commands["scan"]).returncode == 0, install.log("scan.log")
    result = install.run(crontab().commands["recheck"])
    assert result.returncode == 0, (result.stdout, install.log("recheck.log"))
    assert result.stdout == result.stderr == ""  # nothing for cron to mail
    counts = json.loads(install.log("recheck.log").strip().splitlines()[-1])
    with Session(engine) as session:
        queued = set(session.exec(select(Candidate.pmid)).all())
    assert queued and counts["checked"] == len(queued) and counts["requests"] == 1
    assert counts["retracted"] == counts["deleted"] == 0


def test_a_failing_recheck_line_tells_cron_and_leaves_the_reason_in_its_log(install: Install):
    install.write_env(
        documented_env_file() + "EVIDENCEWATCH_DATABASE_URL='sqlite:////nonexistent/dir/x.db'\n"
    )
    result = install.run(crontab().commands["recheck"])
    assert re.fullmatch(
        r"evidencewatch recheck failed with exit code \d+: see \S+/recheck\.log\n", result.stdout
    ), result.stdout
    assert "error:" in install.log("recheck.log")


UNQUOTED = """\
EVIDENCEWATCH_LOG_FORMAT=json
EVIDENCEWATCH_SCAN_CRON=0 6 * * *
EVIDENCEWATCH_DIGEST_CRON=0 7 * * mon
"""


@pytest.mark.parametrize(
    ("env_text", "in_log"),
    [(UNQUOTED, "7: not found"), (None, "evidencewatch.env")],
    ids=["unquoted values", "missing env file"],
)
def test_a_line_that_cannot_start_evidencewatch_says_why_in_the_log_and_to_cron(
    install: Install, env_text: str | None, in_log: str
):
    if env_text is not None:
        install.write_env(env_text)
    result = install.run(crontab().commands["scan"])
    log = install.log("scan.log")
    assert in_log in log
    assert re.fullmatch(
        r"evidencewatch scan failed with exit code \d+: see \S+/scan\.log\n", result.stdout
    ), result.stdout
