#!/usr/bin/env bash
# Runs the whole test suite: starts a throw-away PostgreSQL 15 server on a
# loopback port (as a non-root user, in a temporary directory), makes sure
# Debian's chromium is there for the browser tests, runs pytest against
# SQLite and PostgreSQL, and stops the server whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# What the suite needs from Debian: chromium for the browser tests, npm to fetch
# axe-core (the accessibility checks) from the npm registry, a PostgreSQL
# server for the PostgreSQL half. Installed when missing and we are root; in CI
# (CI set) a part that is still missing fails the run instead of skipping tests.
need() {  # need WHAT PACKAGE TEST-COMMAND
  local what=$1 package=$2
  shift 2
  if ! "$@" >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's $package for the $what tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  fi
  if ! "$@" >/dev/null 2>&1; then
    if [ -n "${CI:-}" ]; then
      echo "error: $package is missing and could not be installed: the $what tests cannot run" >&2
      exit 1
    fi
    echo "warning: $package is missing and cannot be installed here: $what tests will be skipped" >&2
  fi
}
pg_server() { ls /usr/lib/postgresql/*/bin/initdb; }
need browser chromium command -v chromium
need accessibility npm command -v npm
need PostgreSQL postgresql pg_server

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
PG_DIR=""
cleanup() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
    run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap cleanup EXIT
run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; then
  PG_DIR="$(mktemp -d /tmp/evidencewatch-pg.XXXXXX)"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  PG_PORT="$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U evidencewatch --auth=trust -E UTF8 >/dev/null
  run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null
  run_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U evidencewatch evidencewatch_test
  export EVIDENCEWATCH_TEST_POSTGRES_URL="postgresql+psycopg://evidencewatch@127.0.0.1:$PG_PORT/evidencewatch_test"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
fi

# One pytest worker per core, at most 4: each test makes its own database (a SQLite file
# in its tmp_path, a PostgreSQL schema of its own), so workers share nothing but the server.
# EVIDENCEWATCH_TEST_WORKERS=0 runs in one process (for -x, --pdb or print debugging).
WORKERS="${EVIDENCEWATCH_TEST_WORKERS:-$($BIN/python -c 'import os; print(min(4, len(os.sched_getaffinity(0))))')}"
$BIN/pytest -n "$WORKERS" --dist loadfile "$@"
