#!/usr/bin/env bash
# Page speed, side by side in one run (issue #16): a release build of the
# server on a fresh SQLite (or DATABASE_URL) database with the demo data,
# wrk (Debian's package) as the load generator on loopback. Three rounds,
# each `/healthz` then `/billing` for Acme's logged-in billing owner, then
# `/billing` at half the rate `/healthz` reached, for its latency;
# prints requests/s, p99, the ratio, the SQL statements one `/billing` view
# runs (sqlx's statement log), and the server's peak memory (VmHWM).
#
#   bash benches/page_load.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1/page_load bash benches/page_load.sh
#   DURATION=10 CONNECTIONS=32 ROUNDS=3 (the defaults)
#   STATEMENTS_ONLY=1 BIN=target/debug/billing-portal bash benches/page_load.sh
#     (statements per view only, no load: any build counts the same)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-3991}
BIN=${BIN:-target/release/billing-portal}
[ -n "${STATEMENTS_ONLY:-}" ] || command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
export DATABASE_URL=${DATABASE_URL:-"sqlite://$work/load.db?mode=rwc"}
[ -n "${SKIP_BUILD:-}${STATEMENTS_ONLY:-}" ] || cargo build --release --features ssr --bin billing-portal
# The statement log (sqlx logs each statement at TRACE) counts statements.
# No clock, mail or checkpoint task: their statements would be counted too.
CLOCK_INTERVAL_SECONDS=0 MAIL_INTERVAL_SECONDS=0 CHECKPOINT_INTERVAL_SECONDS=0 DEMO_DATA=true LOGIN_ATTEMPTS_PER_MINUTE=100000 LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
  RUST_LOG=warn,sqlx::query=trace "$BIN" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

jar="$work/cookies"
curl -fsS -c "$jar" -b "$jar" -o /dev/null -d "email=anna@acme.example&password=demo1234" "http://127.0.0.1:$PORT/api/login"
cookie=$(awk '$6 == "billing_session" { print "billing_session=" $7 }' "$jar")
[ -n "$cookie" ] || { echo "no session cookie after login" >&2; exit 1; }
curl -fsS -H "Cookie: $cookie" -o "$work/page.html" "http://127.0.0.1:$PORT/billing"
grep -q 'class="plan-name"' "$work/page.html" || { echo "/billing did not render the overview" >&2; exit 1; }
# Statements per view of each customer page (the second view: the first
# may warm caches).
count_statements() { # path -> statements one view runs
  curl -fsS -H "Cookie: $cookie" -o /dev/null "http://127.0.0.1:$PORT$1"
  sleep 0.3
  local before after
  # A new pool connection's set-up (PRAGMAs) is not the page's.
  before=$(grep 'sqlx::query' "$work/server.log" | grep -vc 'PRAGMA' || true)
  curl -fsS -H "Cookie: $cookie" -o /dev/null "http://127.0.0.1:$PORT$1"
  sleep 0.3
  after=$(grep 'sqlx::query' "$work/server.log" | grep -vc 'PRAGMA' || true)
  echo $((after - before))
}
statements=$(count_statements /billing)
per_page=""
for page in /billing/plan /billing/credits /billing/subscriptions /billing/invoices /billing/details \
  /billing/payment-method /billing/team /billing/api-keys; do
  per_page="$per_page $page $(count_statements "$page");"
done
print_statements() {
  echo "statements per /billing view: $statements"
  echo "statements per view of the other pages:$per_page"
}
[ -z "${STATEMENTS_ONLY:-}" ] || { print_statements; exit 0; }
# The load runs without the statement log.
kill $server; wait $server 2>/dev/null || true
LOGIN_ATTEMPTS_PER_MINUTE=100000 LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn \
  "$BIN" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %d\n", summary.requests / (summary.duration / 1000000),
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
LUA
run() { # path [rate] -> "rps p99ms errors"
  wrk -t 2 -c "$CONNECTIONS" -d "${DURATION}s" -s "$work/report.lua" -H "Cookie: $cookie" "http://127.0.0.1:$PORT$1" \
    | awk '/^RESULT/ { print $2, $3, $4 }'
}
echo "round  /healthz req/s (p99 ms)   /billing req/s (p99 ms)   ratio"
for r in $(seq 1 "$ROUNDS"); do
  read -r h hp he < <(run /healthz)
  read -r b bp be < <(run /billing)
  [ "$he" = 0 ] && [ "$be" = 0 ] || echo "errors: /healthz $he, /billing $be (non-2xx, connect, timeout)"
  printf "%5d  %14s (%6s)   %14s (%6s)   %4.0f %%\n" "$r" "$h" "$hp" "$b" "$bp" "$(echo "100 * $b / $h" | bc -l)"
  last_h=$h
done
# Latency at half the last /billing rate: each connection waits between
# requests (wrk's delay hook), so the offered rate is about half.
target=$(echo "$b / 2" | bc)
cat >"$work/paced.lua" <<LUA
delay = function() return $CONNECTIONS * 1000 / $target end
$(cat "$work/report.lua")
LUA
read -r pb pbp pbe < <(wrk -t 2 -c "$CONNECTIONS" -d "${DURATION}s" -s "$work/paced.lua" -H "Cookie: $cookie" \
  "http://127.0.0.1:$PORT/billing" | awk '/^RESULT/ { print $2, $3, $4 }')
echo "/billing at half load (offered ~$target req/s): $pb req/s, p99 $pbp ms"
print_statements
echo "server peak RSS: $(awk '/VmHWM/ { printf "%.1f MB", $2 / 1024 }' /proc/$server/status)"
