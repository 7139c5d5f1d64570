#!/usr/bin/env bash
# The bytes a browser downloads on its first visit to /billing (issue #16):
# the page and every /pkg asset it names, as sent with
# `Accept-Encoding: br, gzip`, against the build in target/ (run
# `.ci/release` first for the production figure). Prints each file's bytes
# on the wire, its encoding and cache header, and the total; with the
# WebAssembly cut per page (`--split`), also the pieces' count and bytes,
# and what every piece of WebAssembly under target/site/pkg would weigh
# (every page opened once).
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
pieces=0
piece_bytes=0
fetch() {
  local bytes
  bytes=$(curl -fsS -b "$jar" -H "Accept-Encoding: br, gzip" -D "$work/headers" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT$1")
  printf "%9d  %-5s %-40s %s\n" "$bytes" "$(awk -F': ' 'tolower($1) == "content-encoding" { gsub(/\r/, "", $2); print $2 }' "$work/headers")" \
    "$(awk -F': ' 'tolower($1) == "cache-control" { gsub(/\r/, "", $2); print $2 }' "$work/headers")" "$1"
  total=$((total + bytes))
  case "$1" in
    */chunk_*.wasm | */split_*.wasm) pieces=$((pieces + 1)); piece_bytes=$((piece_bytes + bytes)) ;;
  esac
}
fetch /billing
for asset in $(curl -fsS -b "$jar" "http://127.0.0.1:$PORT/billing" | grep -o '/pkg/[^"]*' | sort -u); do
  fetch "$asset"
done
echo "pieces of WebAssembly besides the shell's: $pieces, $piece_bytes bytes"
# Every piece this build made (its manifest's and the shell's), as the
# server sends it: the .br .ci/release made where there is one.
all=$(python3 - "$(dirname "$BIN")/hash.txt" <<'PY'
import json, os, sys
hashes = dict(l.split(": ", 1) for l in open(sys.argv[1]).read().split("\n") if ": " in l)
pkg = "target/site/pkg"
files = {f"billing-portal.{hashes['wasm']}"}
if "manifest" in hashes:
    for pieces in json.load(open(f"{pkg}/__wasm_split_manifest.{hashes['manifest']}.json")).values():
        files.update(pieces)
size = lambda f: os.path.getsize(f + ".br") if os.path.exists(f + ".br") else os.path.getsize(f)
print(sum(size(f"{pkg}/{f}.wasm") for f in files))
PY
)
echo "all WebAssembly under target/site/pkg as sent: $all bytes ($((all / 1024)) KiB)"
echo "curl: $total bytes ($((total / 1024)) KiB): the page and every asset it names"
# The page names the pieces it needs for preloading; the browser's own count
# also holds what it fetched without being told.
if [ -d end2end/node_modules/@playwright/test ]; then
  BASE_URL="http://127.0.0.1:$PORT" NODE_PATH=end2end/node_modules node benches/first_visit.js
fi
