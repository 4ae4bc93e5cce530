#!/usr/bin/env bash
# End-to-end tests: the real frontdesk binary driven by the official MCP Python SDK.
#
#   bash tests/e2e/run.sh [extra pytest arguments]
#
# FRONTDESK_VENV     the virtualenv to create or reuse (default $HOME/.cache/frontdesk-venv)
# CARGO_TARGET_DIR   cargo's target directory (default target, relative to the repository)
# FRONTDESK_E2E_TIMEOUT  seconds the pytest run may take (default 600)
#
# Needs python3 (3.10+) with venv, cargo, and network access only when the venv lacks a pin.
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

log() { printf 'e2e: %s\n' "$*" >&2; }

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

export FRONTDESK_BIN="$bin"
export PYTHONDONTWRITEBYTECODE=1
log "running pytest with FRONTDESK_BIN=$FRONTDESK_BIN"
status=0
# timeout signals pytest's whole process group, so servers it started go down with it.
timeout -k 15 "${FRONTDESK_E2E_TIMEOUT:-600}" \
  "$venv/bin/python" -m pytest -q tests/e2e "$@" </dev/null || status=$?
case "$status" in
  0) log "all end-to-end tests passed" ;;
  5) log "pytest collected no tests: the suite is broken"; exit 1 ;;
  124|137) log "pytest did not finish within ${FRONTDESK_E2E_TIMEOUT:-600} s"; exit "$status" ;;
  *) log "pytest failed (exit $status)" ;;
esac
exit "$status"
