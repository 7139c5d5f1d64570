#!/usr/bin/env bash
# Load test of the usage API with wrk (Debian's package) as a separate load
# generator, against a release build of the server on a fresh SQLite (or
# DATABASE_URL) database on loopback. Bounded: DURATION seconds, CONNECTIONS
# connections, then it stops and prints wrk's figures.
#
#   bash benches/usage_load.sh            # SQLite
#   DATABASE_URL=postgres://postgres@127.0.0.1/usage_load bash benches/usage_load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-3990}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
export DATABASE_URL=${DATABASE_URL:-"sqlite://$work/load.db?mode=rwc"}
cargo build --release --features ssr --bin billing-portal
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn target/release/billing-portal >"$work/server.log" 2>&1 &
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

# Each request is a new event id costing 2 credits. wrk reports any answer
# that is not 2xx as "Non-2xx or 3xx responses".
cat >"$work/usage.lua" <<LUA
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"event_id":"load-%d-%d","runtime_seconds":12,"iterations":1}', math.random(1, 1000000000), counter)
  return wrk.format("POST", "/api/v1/usage", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer $secret" }, body)
end
LUA
wrk -t 1 -c "$CONNECTIONS" -d "${DURATION}s" -s "$work/usage.lua" "http://127.0.0.1:$PORT/api/v1/usage"
