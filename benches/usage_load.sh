#!/usr/bin/env bash
# Load test of the usage API with wrk (Debian's package) as a separate load
# generator, against a release build of the server on a fresh SQLite (or
# DATABASE_URL) database on loopback. Bounded: DURATION seconds, CONNECTIONS
# connections, then it stops and prints wrk's figures.
#
#   bash benches/usage_load.sh            # SQLite
#   DATABASE_URL=postgres://postgres@127.0.0.1/usage_load bash benches/usage_load.sh
#   BATCH=100 bash benches/usage_load.sh  # 100 events per request to /api/v1/usage/batch
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-3990}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
export DATABASE_URL=${DATABASE_URL:-"sqlite://$work/load.db?mode=rwc"}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --features ssr --bin billing-portal
DEMO_DATA=true LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn target/release/billing-portal >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

# A key for Acme AB, through the portal itself.
jar="$work/cookies"
curl -fsS -c "$jar" -b "$jar" -o /dev/null -d "email=anna@acme.example&password=demo1234" "http://127.0.0.1:$PORT/api/login"
secret=$(curl -fsS -c "$jar" -b "$jar" -d "name=load" "http://127.0.0.1:$PORT/api/create_api_key" | sed 's/.*"secret":"\([^"]*\)".*/\1/')

# Enough credits for the whole run (a goodwill grant, written before the
# first event so the usage worker reads it).
grant="INSERT INTO credit_grants (organisation_id, kind, amount, granted_at, expires_at, source) SELECT id, 'goodwill', 100000000, '2000-01-01T00:00:00Z', '2999-01-01T00:00:00Z', 'load-test' FROM organisations WHERE name = 'Acme AB'"
case "$DATABASE_URL" in
  postgres*) psql -q "$DATABASE_URL" -c "$grant" ;;
  *) python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()" "$work/load.db" "$grant" ;;
esac

# Each event has a new id and costs 2 credits. BATCH=N sends N events per
# request to /api/v1/usage/batch; wrk then counts requests, and the last
# line gives events per second. wrk reports any answer that is not 2xx as
# "Non-2xx or 3xx responses" (a batch answers 200 only when every event's
# result is in it; the script counts results that are not 200 as well).
BATCH=${BATCH:-0}
cat >"$work/usage.lua" <<LUA
counter = 0
batch = $BATCH
refused = 0
local function event()
  counter = counter + 1
  return string.format('{"event_id":"load-%d-%d","runtime_seconds":12,"iterations":1}', math.random(1, 1000000000), counter)
end
request = function()
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer $secret" }
  if batch == 0 then
    return wrk.format("POST", "/api/v1/usage", headers, event())
  end
  local events = {}
  for i = 1, batch do events[i] = event() end
  return wrk.format("POST", "/api/v1/usage/batch", headers, '{"events":[' .. table.concat(events, ",") .. ']}')
end
response = function(status, headers, body)
  if batch > 0 and status == 200 then
    local _, ok = string.gsub(body, '"status":200', "")
    refused = refused + (batch - ok)
  end
end
threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local per = math.max(batch, 1)
  local not_charged = 0
  for _, t in ipairs(threads) do not_charged = not_charged + t:get("refused") end
  io.write(string.format("events: %d in %.1f s = %.0f events/s (%d requests, %d per request; %d events in 200 answers not charged)\n",
    summary.requests * per, seconds, summary.requests * per / seconds, summary.requests, per, not_charged))
end
LUA
path=/api/v1/usage
[ "$BATCH" -gt 0 ] && path=/api/v1/usage/batch
wrk -t 1 -c "$CONNECTIONS" -d "${DURATION}s" -s "$work/usage.lua" "http://127.0.0.1:$PORT$path"
echo "server peak RSS: $(awk '/VmHWM/ { printf "%.1f MB", $2 / 1024 }' /proc/$server/status)"
# The PDF worker is a process of its own (src/pdf/worker.rs): started at
# start-up by the mail worker for the demo invoices, gone a minute later.
for child in $(pgrep -P "$server" || true); do
  echo "PDF worker (pid $child) peak RSS: $(awk '/VmHWM/ { printf "%.1f MB", $2 / 1024 }' /proc/$child/status 2>/dev/null || echo gone)"
done
