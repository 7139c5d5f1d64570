#!/usr/bin/env bash
# The bytes a browser downloads on its first visit to /billing (issue #16):
# the page and every /pkg asset it names, as sent with
# `Accept-Encoding: br, gzip`, against the build in target/ (run
# `.ci/release` first for the production figure). Prints each file's bytes
# on the wire, its encoding and cache header, and the total.
#
#   bash benches/first_visit.sh            # target/release/billing-portal
#   BIN=target/debug/billing-portal bash benches/first_visit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/billing-portal}
PORT=${PORT:-3992}
work=$(mktemp -d)
DEMO_DATA=true DATABASE_URL="sqlite://$work/d.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn \
  "$BIN" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
jar="$work/cookies"
curl -fsS -c "$jar" -b "$jar" -o /dev/null -d "email=anna@acme.example&password=demo1234" "http://127.0.0.1:$PORT/api/login"
total=0
fetch() {
  local bytes
  bytes=$(curl -fsS -b "$jar" -H "Accept-Encoding: br, gzip" -D "$work/headers" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT$1")
  printf "%9d  %-5s %-40s %s\n" "$bytes" "$(awk -F': ' 'tolower($1) == "content-encoding" { gsub(/\r/, "", $2); print $2 }' "$work/headers")" \
    "$(awk -F': ' 'tolower($1) == "cache-control" { gsub(/\r/, "", $2); print $2 }' "$work/headers")" "$1"
  total=$((total + bytes))
}
fetch /billing
for asset in $(curl -fsS -b "$jar" "http://127.0.0.1:$PORT/billing" | grep -o '/pkg/[^"]*' | sort -u); do
  fetch "$asset"
done
echo "total: $total bytes ($((total / 1024)) KiB) on the first visit to /billing"
