#!/usr/bin/env bash
# Frontend checks: generated API types in step with openapi/openapi.json, tsc, eslint,
# vitest, the production build, then Playwright in Debian's Chromium against the real
# server on a freshly seeded SQLite database. Ends with `frontend: N passed, M failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FE="$ROOT/frontend"
cd "$FE"

failed_steps=()
timings=()
step() { # step NAME COMMAND...: runs it, times it, records a failure without stopping
  local name=$1 start end
  shift
  echo "== $name"
  start=$(date +%s.%N)
  if ! "$@"; then failed_steps+=("$name"); fi
  end=$(date +%s.%N)
  timings+=("$name $(printf '%.1f' "$(echo "$end - $start" | bc)")s")
}

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian chromium"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null || failed_steps+=("chromium")
fi

step "npm ci" npm ci --no-audit --no-fund

check_types() {
  local tmp
  tmp=$(mktemp --suffix=.d.ts)
  npx openapi-typescript ../openapi/openapi.json -o "$tmp" >/dev/null 2>&1 &&
    diff -q "$tmp" src/api/schema.d.ts >/dev/null ||
    { echo "src/api/schema.d.ts is out of date with openapi/openapi.json: run 'make openapi' (or 'npm run gen:api')"; rm -f "$tmp"; return 1; }
  rm -f "$tmp"
}
step "api types" check_types
step "tsc" npx tsc --noEmit
step "eslint" npx eslint src tests
rm -rf test-results playwright-report
mkdir -p test-results
step "vitest" npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json
step "vite build" npx vite build

run_e2e() {
  local target="${CARGO_TARGET_DIR:-$ROOT/target}" tmp port pid rc
  (cd "$ROOT" && cargo build -q -p rapport-api) || return 1
  tmp=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export RAPPORT_DATABASE_URL="sqlite://$tmp/e2e.db?mode=rwc"
  "$target/debug/rapport" seed --customers 200 --seed 42 >"$tmp/seed.log" 2>&1 || { cat "$tmp/seed.log"; return 1; }
  # Webhooks may point at loopback: the browser test subscribes http://127.0.0.1:9/hook, as a
  # public host cannot be resolved on a closed network and the server checks it at save time.
  RAPPORT_ALLOW_PRIVATE_WEBHOOKS=1 RAPPORT_BIND="127.0.0.1:$port" RAPPORT_STATIC_DIR="$FE/dist" "$target/debug/rapport" serve >"$tmp/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.2
  done
  E2E_BASE_URL="http://127.0.0.1:$port" npx playwright test
  rc=$?
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ $rc -ne 0 ] && grep -v '"level":"INFO"' "$tmp/serve.log" | tail -20 | cut -c1-400
  rm -rf "$tmp"
  return $rc
}
step "e2e" run_e2e

counts=$(node -e '
const fs = require("fs");
const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
const v = read("test-results/vitest.json");
const p = read("playwright-report/e2e.json");
let passed = 0, failed = 0;
if (v) { passed += v.numPassedTests; failed += v.numFailedTests; }
if (p) { passed += p.stats.expected + p.stats.flaky; failed += p.stats.unexpected; }
const names = [];
for (const f of v?.testResults ?? []) for (const a of f.assertionResults ?? []) if (a.status === "failed") names.push(a.fullName);
const walk = (s, path) => {
  for (const spec of s.specs ?? []) for (const t of spec.tests ?? []) if (t.status === "unexpected") names.push([...path, spec.title].join(" › "));
  for (const c of s.suites ?? []) walk(c, [...path, c.title]);
};
for (const s of p?.suites ?? []) walk(s, [s.title]);
fs.writeFileSync("test-results/failed.txt", names.map((n) => "failed: " + n + "\n").join(""));
console.log(passed, failed);
')
cat test-results/failed.txt 2>/dev/null
read -r passed failed <<<"$counts"
echo "timings: ${timings[*]/%/;}"
if [ ${#failed_steps[@]} -gt 0 ]; then echo "failed steps: ${failed_steps[*]}"; fi
echo "frontend: $passed passed, $failed failed"
[ ${#failed_steps[@]} -eq 0 ] && [ "$failed" -eq 0 ]
