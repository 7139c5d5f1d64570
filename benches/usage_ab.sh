#!/usr/bin/env bash
# Two release binaries of the server side by side on the usage API (issue
# #16): ROUNDS rounds, each running benches/usage_load.sh on the first
# binary then the second, for batches of 100 at 16 and 64 connections and
# one event per request at 64. Prints events/s and the server's peak RSS per
# run. Each binary is copied to target/release/billing-portal for its turn;
# the second is left there.
#
#   cp target/release/billing-portal /tmp/bp-new   # after building this commit
#   (build the older commit, cp to /tmp/bp-old)
#   bash benches/usage_ab.sh /tmp/bp-old /tmp/bp-new
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
for round in $(seq 1 "$ROUNDS"); do
  for bin in "$1" "$2"; do
    cp "$bin" target/release/billing-portal
    for spec in "100 16" "100 64" "0 64"; do
      read -r batch conns <<<"$spec"
      out=$(SKIP_BUILD=1 BATCH=$batch CONNECTIONS=$conns bash benches/usage_load.sh 2>&1 | grep -E "events/s|peak RSS" | tr '\n' ' ')
      rate=$(sed -E 's/.*= ([0-9]+) events\/s.*/\1/' <<<"$out")
      rss=$(sed -E 's/.*server peak RSS: ([0-9.]+ MB).*/\1/' <<<"$out")
      worker=$(grep -oE 'PDF worker [^:]*: [0-9.]+ MB' <<<"$out" | sed -E 's/.*: //' || true)
      echo "round $round $(basename "$bin") batch=$batch connections=$conns: $rate events/s, peak RSS $rss${worker:+ (PDF worker $worker)}"
    done
  done
done
