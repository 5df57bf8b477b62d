#!/usr/bin/env bash
# Runs every Rust test. The black-box suite always runs on SQLite; its PostgreSQL and
# MySQL variants run when RAPPORT_TEST_POSTGRES_URL / RAPPORT_TEST_MYSQL_URL are set
# (each test then creates and drops a database of its own on that server).
set -euo pipefail
cd "$(dirname "$0")/.."

skips=()
backends="sqlite"
if [ -n "${RAPPORT_TEST_POSTGRES_URL:-}" ]; then backends="$backends postgres"; else skips+=(--skip ::postgres); fi
if [ -n "${RAPPORT_TEST_MYSQL_URL:-}" ]; then backends="$backends mysql"; else skips+=(--skip ::mysql); fi
echo "black-box tests on: $backends"
if [ ${#skips[@]} -gt 0 ]; then
  echo "not configured, not run: ${skips[*]//--skip ::/} (set RAPPORT_TEST_POSTGRES_URL / RAPPORT_TEST_MYSQL_URL)"
fi
cargo test --workspace -- "${skips[@]}"
