#!/usr/bin/env bash
# Runs the whole test suite: starts a throw-away PostgreSQL server on 127.0.0.1 so the registry
# tests run against PostgreSQL as well as SQLite, then pytest, then lint and the import arrows.
set -euo pipefail
cd "$(dirname "$0")/.."
export LOTSE_TEST_PG_URL
LOTSE_TEST_PG_URL=$(bash scripts/start-test-postgres.sh)
trap 'bash scripts/start-test-postgres.sh --stop >/dev/null 2>&1 || true' EXIT
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1
.venv/bin/python -m pytest -q tests
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
