#!/usr/bin/env bash
# A quick load check (not the full benchmark suite): 100 000 seeded customers on SQLite,
# the release server, and wrk for 10 s on GET /api/v1/customers/{id} with random ids.
# Prints wrk's figures and the server's peak RSS. Times are reported, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${CUSTOMERS:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
work=bench/work
mkdir -p "$work"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  (apt-get install -y --no-install-recommends wrk >/dev/null 2>&1 || sudo apt-get install -y --no-install-recommends wrk >/dev/null)
fi
# BIN lets a run use a binary built earlier (say, while the tree is being edited).
if [ -z "${BIN:-}" ]; then cargo build --release -q -p rapport-api; fi
bin=${BIN:-./target/release/rapport}
db="sqlite://$work/bench-$CUSTOMERS.db?mode=rwc"
if [ ! -f "$work/bench-$CUSTOMERS.db" ]; then
  start=$(date +%s.%N)
  RAPPORT_DATABASE_URL="$db" RAPPORT_LOG=warn $bin seed --customers "$CUSTOMERS" --seed 7 | head -1
  echo "seeding took $(echo "$(date +%s.%N) - $start" | bc) s"
fi
RAPPORT_DATABASE_URL="$db" RAPPORT_BIND="127.0.0.1:$PORT" RAPPORT_LOG=warn $bin serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 0.2; done
token=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@rapport.local","password":"admin-demo-pass"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
cat >"$work/by-id.lua" <<LUA
math.randomseed(42)
wrk.headers["Authorization"] = "Bearer $token"
request = function()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(1, $CUSTOMERS))
end
LUA
echo "GET /api/v1/customers/{id}: $CUSTOMERS customers, $CONNECTIONS connections, $DURATION"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/by-id.lua" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket errors"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
