#!/usr/bin/env bash
# Runs the whole test suite twice: on the embedded SQLite default, then on PostgreSQL; then
# the fault suite (tests/faults) against PostgreSQL and Redis.
# PostgreSQL is the one on 127.0.0.1:5432 (started here if it is down); a throwaway
# database is created for the run and dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
part="setting up"
# whatever stops the run early, say which part it was in
trap 'status=$?; if [ $status -ne 0 ]; then echo "scripts/test.sh: FAILED in: $part (exit $status)" >&2; fi' EXIT

ensure_postgres() {
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then return 0; fi
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  fi
  return 1
}

ensure_redis() {
  if command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then return 0; fi
  if command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/liancha-redis.log || true
  fi
}

# Debian packages the tests use for real (fonts, headless Chromium); quick when present.
part="installing the system packages (scripts/system-packages.sh)"
if command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
  bash scripts/system-packages.sh
elif [ "${CI:-}" = "true" ]; then
  bash scripts/system-packages.sh
fi

echo "== tests on SQLite =="
part="the tests on SQLite"
"$BIN/pytest" -n 2 -q "$@"

part="starting PostgreSQL and Redis"
if ensure_postgres; then
  ensure_redis
  db="liancha_test_$$"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" postgres
  trap 'status=$?; psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres >/dev/null 2>&1 || true; if [ $status -ne 0 ]; then echo "scripts/test.sh: FAILED in: $part (exit $status)" >&2; fi' EXIT
  echo "== tests on PostgreSQL =="
  part="the tests on PostgreSQL"
  LIANCHA_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$db" "$BIN/pytest" -n 2 -q "$@"
  # The fault suite (tests/faults): processes killed, servers stopped and restarted, a
  # storm of queries; one test at a time so that its deadlines mean something.
  echo "== fault suite on PostgreSQL and Redis =="
  part="the fault suite (tests/faults) on PostgreSQL and Redis"
  LIANCHA_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$db" \
    "$BIN/pytest" -m faults -q -p no:cacheprovider "$@"
else
  if [ "${CI:-}" = "true" ]; then echo "PostgreSQL is not available: CI requires it" >&2; exit 1; fi
  echo "PostgreSQL is not available here: only the SQLite run was done" >&2
fi
