#!/usr/bin/env bash
# Schemathesis against the real binary: every operation of /openapi.json gets a bounded
# number of generated requests (valid and invalid), and every answer must be no 5xx, a
# documented status with a documented content type and headers, and a body that matches its
# schema.
#
#   bash tests/schemathesis/run.sh [extra schemathesis arguments]
#
# FRONTDESK_VENV                     the virtualenv to create or reuse (default $HOME/.cache/frontdesk-venv, shared with tests/e2e)
# CARGO_TARGET_DIR                   cargo's target directory (default target, relative to the repository)
# FRONTDESK_SCHEMATHESIS_EXAMPLES    test cases per operation and phase (default 50)
# FRONTDESK_SCHEMATHESIS_SEED        a seed, to replay a run (default: random, printed)
# FRONTDESK_SCHEMATHESIS_TIMEOUT     seconds the schemathesis run may take (default 600)
#
# Needs python3 (3.10+) with venv, cargo, curl, and network access only when the venv lacks the pin.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

venv="${FRONTDESK_VENV:-$HOME/.cache/frontdesk-venv}"
python="${PYTHON:-python3}"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in
  /*) ;;
  *) target="$repo/$target" ;;
esac
examples="${FRONTDESK_SCHEMATHESIS_EXAMPLES:-50}"
run_timeout="${FRONTDESK_SCHEMATHESIS_TIMEOUT:-600}"

log() { printf 'schemathesis: %s\n' "$*" >&2; }

if [ ! -x "$venv/bin/python" ]; then
  log "creating virtualenv $venv"
  timeout 120 "$python" -m venv "$venv" </dev/null
fi
log "installing $here/requirements.txt into $venv"
timeout 600 "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt" </dev/null

log "building frontdesk (target dir $target)"
CARGO_TARGET_DIR="$target" timeout 1800 cargo build -p frontdesk </dev/null
bin="$target/debug/frontdesk"
if [ ! -x "$bin" ]; then
  log "cargo build succeeded but $bin is missing"
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-schemathesis.XXXXXX")"
server_pid=""
retell_pid=""
cleanup() {
  for pid in "$server_pid" "$retell_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port="$(free_port)"
retell_port="$(free_port)"
base="http://127.0.0.1:$port"
database="sqlite://$work/frontdesk.db"

# A stand-in for Retell's API, so nothing leaves this machine.
"$venv/bin/python" "$here/fake_retell.py" "$retell_port" </dev/null &
retell_pid=$!

# One secret key for the server and `frontdesk demo` (the Retell key is stored encrypted), and
# limits high enough that generated traffic is never throttled.
export FRONTDESK_SECRET_KEY
FRONTDESK_SECRET_KEY="$("$venv/bin/python" -c 'import secrets; print(secrets.token_hex(32))')"
export FRONTDESK_LOG_FORMAT=json
export FRONTDESK_RETELL_API_BASE="http://127.0.0.1:$retell_port"
export FRONTDESK_PUBLIC_URL="$base"
export FRONTDESK_RATE_SESSIONS_PER_MINUTE=1000000
export FRONTDESK_RATE_MESSAGES_PER_MINUTE=1000000
export FRONTDESK_GATEWAY_RATE_PER_MINUTE=1000000
export FRONTDESK_GATEWAY_WEBHOOK_RATE_PER_MINUTE=1000000
export FRONTDESK_GATEWAY_TEST_RATE_PER_MINUTE=1000000

# The demo loaded first, by `frontdesk demo`: the run that creates it prints its keys and
# AskProAI's Retell key and Vapi secret (later runs, and `serve --demo`, mint nothing).
keys="$(timeout 60 "$bin" demo --database "$database" </dev/null 2>/dev/null)"

log "starting frontdesk on $base (log $work/server.log)"
"$bin" serve --demo --bind "127.0.0.1:$port" --database "$database" </dev/null >"$work/server.log" 2>&1 &
server_pid=$!
ready=""
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null --max-time 2 "$base/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ready" ]; then
  log "frontdesk did not become ready; its log:"
  cat "$work/server.log" >&2
  exit 1
fi

eval "$(printf '%s' "$keys" | "$venv/bin/python" -c '
import json, shlex, sys
companies = {c["slug"]: c for c in json.load(sys.stdin)["companies"]}
beyond, askpro = companies["beyond-the-club"], companies["askproai-demo"]
for name, value in [
    ("FRONTDESK_ST_MCP_KEY", beyond["mcp_api_key"]),
    ("FRONTDESK_ST_GATEWAY_TOKEN", askpro["gateway_token"]),
    ("FRONTDESK_ST_RETELL_KEY", askpro["retell_api_key"]),
    ("FRONTDESK_ST_VAPI_SECRET", askpro["vapi_secret"]),
]:
    print(f"export {name}={shlex.quote(value)}")
')"
export FRONTDESK_ST_BASE_URL="$base"
export SCHEMATHESIS_HOOKS="$here/hooks.py"

seed="${FRONTDESK_SCHEMATHESIS_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"
log "$("$venv/bin/schemathesis" --version 2>/dev/null | tr -d '\n'): $examples examples per operation, seed $seed"
status=0
# One worker: Hypothesis parses lambdas with `ast.parse`, which CPython 3.11 does not do safely
# from several threads at once (python/cpython#106905: spurious "AST constructor recursion depth
# mismatch" errors).
(
  cd "$work"
  timeout -k 15 "$run_timeout" "$venv/bin/schemathesis" run "$base/openapi.json" \
    --checks "$checks" \
    --max-examples "$examples" \
    --seed "$seed" \
    --workers 1 \
    --request-timeout 20 \
    --generation-database none \
    --no-color \
    "$@" </dev/null
) || status=$?

if ! kill -0 "$server_pid" 2>/dev/null; then
  log "frontdesk exited during the run; its log:"
  tail -n 50 "$work/server.log" >&2
  status=1
elif grep -q '"level":"ERROR"' "$work/server.log"; then
  log "frontdesk logged errors during the run:"
  grep '"level":"ERROR"' "$work/server.log" | tail -n 20 >&2
fi
case "$status" in
  0) log "no 5xx, every response as documented" ;;
  124|137) log "schemathesis did not finish within $run_timeout s" ;;
  *) log "schemathesis failed (exit $status); replay with FRONTDESK_SCHEMATHESIS_SEED=$seed" ;;
esac
exit "$status"
