#!/usr/bin/env bash
# Runs Warden's whole test suite: go vet, then go test on SQLite and on
# PostgreSQL. It starts the local PostgreSQL if it is not answering and runs
# the PostgreSQL suite in a fresh database that it drops afterwards.
# WARDEN_TEST_DATABASE_URL, when already set, is used as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST_ADDR=${PGHOST_ADDR:-127.0.0.1}
PGPORT_NUM=${PGPORT_NUM:-5432}
PGUSER_NAME=${PGUSER_NAME:-postgres}

pg_answers() { pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" 2>/dev/null; }

start_postgres() {
  pg_answers && return 0
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "test.sh: starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_answers && return 0; sleep 1; done
  fi
  return 1
}

dropdb_on_exit=""
if [ -z "${WARDEN_TEST_DATABASE_URL:-}" ]; then
  if start_postgres; then
    db="warden_test_$$_$(date +%s)"
    psql -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U "$PGUSER_NAME" -d postgres -c "CREATE DATABASE $db" >/dev/null
    dropdb_on_exit=$db
    export WARDEN_TEST_DATABASE_URL="postgres://$PGUSER_NAME@$PGHOST_ADDR:$PGPORT_NUM/$db?sslmode=disable"
  else
    echo "test.sh: PostgreSQL is not available; its tests will be skipped" >&2
  fi
fi
cleanup() {
  if [ -n "$dropdb_on_exit" ]; then
    psql -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U "$PGUSER_NAME" -d postgres -c "DROP DATABASE IF EXISTS $dropdb_on_exit WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "test.sh: gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
# Benchmarks run only as a smoke check here (-benchtime=100x), never to judge speed.
go test -count=1 -timeout 15m "$@" ./...
go test -count=1 -run '^$' -bench . -benchtime=100x ./... >/dev/null
