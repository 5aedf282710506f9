"""A throw-away PostgreSQL server for the benchmarks, as scripts/test.sh starts one.

``with throwaway_postgres() as url:`` runs initdb into a new directory under /tmp,
starts the server on a free loopback port (trust authentication, listening on
127.0.0.1 only), creates a database and yields its SQLAlchemy URL; on the way out
it stops the server and deletes the directory. When running as root the server
runs as the ``postgres`` user, which PostgreSQL requires.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin() -> Path:
    """The newest installed PostgreSQL's bin directory, or SystemExit saying what is missing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if not found:
        raise SystemExit("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


def _version(path: str) -> int:
    return int(Path(path).parent.parent.name) if Path(path).parent.parent.name.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_pg(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def throwaway_postgres(*, database: str = "bench", settings: tuple[str, ...] = ()) -> Iterator[str]:
    """A fresh server and database; yields ``postgresql+psycopg://...`` (see the module doc)."""
    bindir = pg_bin()
    root = Path(tempfile.mkdtemp(prefix="ew-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = _free_port()
    data, log = root / "data", root / "server.log"
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    subprocess.run(
        _as_pg(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "evidencewatch",
                "--auth=trust",
                "-E",
                "UTF8",
            ]
        ),
        **quiet,
    )
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=200"
    opts += "".join(f" -c {s}" for s in settings)
    subprocess.run(
        _as_pg(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", opts, "start"]
        ),
        **quiet,
    )
    try:
        subprocess.run(
            _as_pg(
                [
                    str(bindir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "evidencewatch",
                    database,
                ]
            ),
            **quiet,
        )
        yield f"postgresql+psycopg://evidencewatch@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(
            _as_pg([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def server_version() -> str:
    out = subprocess.run([str(pg_bin() / "postgres"), "--version"], capture_output=True, text=True)
    return out.stdout.split()[2]  # "postgres (PostgreSQL) 15.18 (Debian ...)"
