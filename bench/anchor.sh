#!/usr/bin/env bash
# The official Python MCP SDK peer and frontdesk, side by side in one run: both serve the surf
# school's get_availability for tomorrow over Streamable HTTP (the 2026-07-28 stateless
# revision), driven in turn by `oha` through the anchors' measure.sh; prints its table.
#
# usage: bench/anchor.sh FRONTDESK_BIN [SECONDS CONCURRENCY ROUNDS]
# needs: oha (cargo install oha), a Python with mcp==2.3.0 (ANCHOR_PYTHON, default python3),
#        the anchors folder (ANCHORS, default ../shared/anchors beside the checkout).
set -euo pipefail
bin=$(realpath "$1"); secs=${2:-8}; conc=${3:-50}; rounds=${4:-3}
anchors=$(realpath "${ANCHORS:-$(dirname "$0")/../../shared/anchors}")
python=${ANCHOR_PYTHON:-python3}
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT

"$python" "$anchors/python_sdk_server.py" 18701 "$dir/anchor.db" >"$dir/python.log" 2>&1 &
# The demo business (the surf school, 26 slots tomorrow); the load comes from one IP.
FRONTDESK_RATE_SESSIONS_PER_MINUTE=1000000000 FRONTDESK_RATE_MESSAGES_PER_MINUTE=1000000000 \
  "$bin" serve --demo --bind 127.0.0.1:18703 --database "sqlite://$dir/frontdesk.db" \
  >"$dir/frontdesk.log" 2>&1 &

# Up when each answers anything (a GET of the peer's /mcp would open a stream: POST nothing).
up() { [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' -X POST "$1")" != 000 ]; }
for _ in $(seq 1 100); do
  up http://127.0.0.1:18703/readyz && up http://127.0.0.1:18701/mcp && break
  sleep 0.2
done
key=$(grep -m1 'MCP API key' "$dir/frontdesk.log" | awk '{print $NF}')
token=$(curl -sf -X POST http://127.0.0.1:18703/mcp/auth/session \
  -H 'Content-Type: application/json' -H "X-API-Key: $key" -d '{"caller_id": "+5511999999999"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["session_token"])')

bash "$anchors/measure.sh" "$secs" "$conc" "$rounds" \
  "python-sdk=http://127.0.0.1:18701/mcp" \
  "frontdesk=http://127.0.0.1:18703/mcp|Authorization: Bearer $token"
