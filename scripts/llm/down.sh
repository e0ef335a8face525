#!/usr/bin/env bash
# Stops the model server that scripts/llm/up.sh started (recorded in .run/pids/llm.pid) and nothing else:
# TERM to its process group, then KILL after 10 s. A server llm-up found already running is left alone.
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "$0")/../infra/lib.sh"

GRACE_SECONDS=10
PID_FILE="$RUN_DIR/pids/llm.pid"
ENV_FILE="$RUN_DIR/llm.env"

main() {
  local pid deadline t0
  t0=$(now)
  hold_lock "${TENDERFLOW_CACHE:-$HOME/.cache/tenderflow}/llm.lock" llm-up/llm-down
  pid="$(cat "$PID_FILE" 2>/dev/null)" || true
  if [[ -z "$pid" ]] || ! pid_matches "$pid" "$ROOT/scripts/llm/serve.py"; then
    rm -f "$PID_FILE"
    log "no model server started by llm-up is running; leaving any other alone"
    return 0
  fi
  # up.sh starts it with setsid, so it leads its own process group.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + GRACE_SECONDS))
  while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if pid_alive "$pid"; then
    log "server: still running after ${GRACE_SECONDS}s, sending KILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.1; done
  fi
  # The settings named our server; without it they would point tests at nothing.
  rm -f "$PID_FILE" "$ENV_FILE"
  log "server: stopped pid $pid ($(elapsed "$t0"))"
}

main "$@"
