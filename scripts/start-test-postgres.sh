#!/usr/bin/env bash
# Starts (or with --stop, stops) a private PostgreSQL cluster for the tests, on 127.0.0.1 and a
# free port, owned by the postgres system user (initdb refuses to run as root). Prints the
# SQLAlchemy URL of an empty database on stdout.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
DIR=${LOTSE_TEST_PG_DIR:-/tmp/lotse-test-pg}
PORT=${LOTSE_TEST_PG_PORT:-55432}
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "${1:-}" = "--stop" ]; then
  [ -d "$DIR/data" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi
[ -n "$PGBIN" ] || { echo "start-test-postgres: PostgreSQL is not installed (run scripts/setup.sh)" >&2; exit 1; }

if [ -d "$DIR/data" ]; then
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
fi
mkdir -p "$DIR"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
as_pg "$PGBIN/initdb" -D "$DIR/data" -U lotse --auth=trust -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c fsync=off" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U lotse lotse_test
echo "postgresql+psycopg://lotse@127.0.0.1:$PORT/lotse_test"
