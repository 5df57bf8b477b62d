#!/usr/bin/env bash
# The API contract test: schemathesis runs every operation of the server's own
# /api-docs/openapi.json (examples, coverage, fuzzing, then the stateful phase along the
# spec's links from creates to reads, updates and deletes) with every check, as an admin
# API key, on a freshly seeded SQLite database. Any failure fails `make test`.
#
#   SCHEMATHESIS_EXAMPLES (default 50) examples per operation, SCHEMATHESIS_SEED (42),
#   SCHEMATHESIS_WORKERS (2).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
examples="${SCHEMATHESIS_EXAMPLES:-50}"
seed="${SCHEMATHESIS_SEED:-42}"
workers="${SCHEMATHESIS_WORKERS:-2}"

venv=.venv-schemathesis
req=tests/support/requirements-schemathesis.txt
if [ ! -x "$venv/bin/schemathesis" ] || ! cmp -s "$req" "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$req"
  cp "$req" "$venv/requirements.txt"
fi

cargo build -q -p rapport-api --bin rapport
bin="${CARGO_TARGET_DIR:-$ROOT/target}/debug/rapport"

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

export RAPPORT_DATABASE_URL="sqlite://$tmp/schemathesis.db?mode=rwc"
"$bin" seed --customers 50 --seed 1 >"$tmp/seed.log" 2>&1 || { cat "$tmp/seed.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# No delivery or webhook worker: the run tests the API, not outgoing mail and webhooks.
RAPPORT_BIND="127.0.0.1:$port" RAPPORT_LOG=warn RAPPORT_STATIC_DIR="$tmp/no-spa" \
  RAPPORT_DELIVERY_WORKER=off RAPPORT_WEBHOOK_WORKER=off "$bin" serve >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "$base/health" >/dev/null && break
  sleep 0.2
done

json() { "$venv/bin/python" -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
token=$(curl -fs -XPOST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@rapport.local","password":"admin-demo-pass"}' | json access_token)
# An API key does not expire during a long run (an access token lives 15 minutes).
key=$(curl -fs -XPOST "$base/api/v1/api-keys" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d '{"name":"schemathesis","role":"admin"}' | json key)

start=$(date +%s)
rc=0
# From the temporary directory, so that schemathesis' cache (which replays earlier
# failures first) starts empty on every run.
(cd "$tmp" && SCHEMATHESIS_HOOKS="$ROOT/tests/support/schemathesis_hooks.py" "$ROOT/$venv/bin/schemathesis" \
  --config-file "$ROOT/tests/support/schemathesis.toml" run "$base/api-docs/openapi.json" \
  --checks all --max-examples "$examples" --seed "$seed" --workers "$workers" \
  --header "Authorization: Bearer $key") || rc=$?
echo "schemathesis: $examples examples per operation, seed $seed, $(($(date +%s) - start)) s, exit $rc"
# Internal errors the server logged (a 500 is also a failed check above); actix's own
# complaints about malformed requests (bad headers) are answered 400 and not counted.
if grep '"level":"ERROR"' "$tmp/serve.log" | grep -qv '"target":"actix_http'; then
  echo "server errors during the run:"
  grep '"level":"ERROR"' "$tmp/serve.log" | grep -v '"target":"actix_http' | head -20
  rc=1
fi
exit "$rc"
