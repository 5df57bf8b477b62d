#!/usr/bin/env bash
# The layering rules of ARCHITECTURE.md / STYLE.md, checked on the real dependency tree.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() { # crate, forbidden-regex, reason
  local found
  found=$(cargo tree -p "$1" -e normal --prefix none 2>/dev/null | awk '{print $1}' | grep -E "^($2)$" | sort -u || true)
  if [ -n "$found" ]; then echo "$1 must not depend on: $(echo $found) ($3)"; fail=1; fi
}
check rapport-domain 'actix-web|actix-http|utoipa|jsonwebtoken' "the domain knows nothing of HTTP"
check rapport-analytics 'sea-orm|sqlx|tokio|actix-web|chrono' "analytics is pure: no database, no runtime, no clock"
check rapport-migrations 'actix-web|utoipa|rapport-domain' "migrations depend on sea-orm-migration only"
[ $fail -eq 0 ] && echo "dependency rules hold"
exit $fail
