#!/usr/bin/env bash
# Orders at scale on SQLite: seeds ~1M orders (100 000 customers), then
#  1. creates 10 000 orders with 5 lines each through the API (ab, 8 connections) and
#  2. drives GET /api/v1/orders (first page, newest first) and a customer's orders with wrk.
# Reports times and latencies; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${CUSTOMERS:-100000}
PORT=${PORT:-18081}
work=bench/work
mkdir -p "$work"
need() { command -v "$1" >/dev/null || apt-get install -y --no-install-recommends "$2" >/dev/null 2>&1 || sudo apt-get install -y --no-install-recommends "$2" >/dev/null; }
need wrk wrk
need ab apache2-utils
# BIN lets a run use a binary built earlier (say, while the tree is being edited).
if [ -z "${BIN:-}" ]; then cargo build --release -q -p rapport-api; fi
bin=${BIN:-./target/release/rapport}
file="$work/orders-$CUSTOMERS.db"
db="sqlite://$file?mode=rwc"
if [ ! -f "$file" ]; then
  RAPPORT_DATABASE_URL="$db" RAPPORT_LOG=warn $bin seed --customers "$CUSTOMERS" --seed 11 | head -1
fi
RAPPORT_DATABASE_URL="$db" RAPPORT_BIND="127.0.0.1:$PORT" RAPPORT_LOG=warn $bin serve >"$work/orders-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 0.2; done
token=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@rapport.local","password":"admin-demo-pass"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
orders=$(curl -sf "http://127.0.0.1:$PORT/api/v1/orders?per_page=1" -H "authorization: Bearer $token" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total"))')
echo "orders in the database: $orders"

python3 - "$work/order.json" <<'PY'
import json, sys
lines = [{"product_id": p, "quantity": "2", "discount_pct": "5"} for p in (1, 3, 5, 7, 9)]
json.dump({"customer_id": 42, "lines": lines}, open(sys.argv[1], "w"))
PY
echo "POST /api/v1/orders x 10000 (5 lines each), 8 connections:"
ab -q -n 10000 -c 8 -p "$work/order.json" -T application/json -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$PORT/api/v1/orders" | grep -E "Time taken|Requests per second|Failed requests|Non-2xx|50%|99%"

cat >"$work/orders.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
echo "GET /api/v1/orders (page 1, newest first), 64 connections, 10 s:"
wrk -t2 -c64 -d10s --latency -s "$work/orders.lua" "http://127.0.0.1:$PORT/api/v1/orders?per_page=25" | grep -E "Requests/sec|50%|99%|Non-2xx"
cat >"$work/customer-orders.lua" <<LUA
math.randomseed(7)
wrk.headers["Authorization"] = "Bearer $token"
request = function()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(1, $CUSTOMERS) .. "/orders")
end
LUA
echo "GET /api/v1/customers/{id}/orders (random customers), 64 connections, 10 s:"
wrk -t2 -c64 -d10s --latency -s "$work/customer-orders.lua" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
