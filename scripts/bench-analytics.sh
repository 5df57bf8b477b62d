#!/usr/bin/env bash
# Analytics at scale on SQLite (the database of bench-orders.sh: 100 000 customers,
# ~1M orders): full RFM, per-customer recommendations, dashboard — with DuckDB's time
# for the same RFM computation on the same orders when Python can load DuckDB.
# Reports times; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${CUSTOMERS:-100000}
PORT=${PORT:-18082}
work=bench/work
mkdir -p "$work"
if [ -z "${BIN:-}" ]; then cargo build --release -q -p rapport-api; fi
bin=${BIN:-./target/release/rapport}
file="$work/orders-$CUSTOMERS.db"
db="sqlite://$file?mode=rwc"
if [ ! -f "$file" ]; then
  RAPPORT_DATABASE_URL="$db" RAPPORT_LOG=warn $bin seed --customers "$CUSTOMERS" --seed 11 | head -1
fi
start=$(date +%s.%N)
RAPPORT_DATABASE_URL="$db" RAPPORT_LOG=warn $bin migrate >/dev/null
echo "migrate (backfills aggregates on an older database): $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s"
RAPPORT_DATABASE_URL="$db" RAPPORT_BIND="127.0.0.1:$PORT" RAPPORT_LOG=warn $bin serve >"$work/analytics-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 0.2; done
token=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@rapport.local","password":"admin-demo-pass"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
timed() { # label, path
  local t
  t=$(curl -s -o /dev/null -w '%{time_total}' -H "authorization: Bearer $token" "http://127.0.0.1:$PORT$2")
  echo "$1: $(python3 -c "print(round($t * 1000))") ms"
}
for i in 1 2 3; do timed "full RFM (segment summary), run $i" "/api/v1/analytics/rfm"; done
timed "RFM per-customer page (sorted by monetary)" "/api/v1/analytics/rfm/customers?per_page=50"
timed "dashboard (last 12 months)" "/api/v1/analytics/dashboard"
timed "sales analysis (last 12 months)" "/api/v1/analytics/sales"
cat >"$work/recs.lua" <<LUA
math.randomseed(3)
wrk.headers["Authorization"] = "Bearer $token"
request = function()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(1, $CUSTOMERS) .. "/recommendations")
end
LUA
if command -v wrk >/dev/null; then
  echo "GET /api/v1/customers/{id}/recommendations (random customers), 16 connections, 10 s:"
  wrk -t2 -c16 -d10s --latency -s "$work/recs.lua" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|99%|Non-2xx"
fi
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
if python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb >/dev/null 2>&1; then
  python3 scripts/rfm_duckdb.py "$file"
else
  echo "DuckDB not available: no comparison"
fi
