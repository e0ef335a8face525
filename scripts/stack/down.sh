#!/usr/bin/env bash
# Stops the services started by scripts/stack/up.sh, by their recorded pids: TERM, then KILL after 10 s.
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "$0")/../infra/lib.sh"
# shellcheck source=scripts/stack/services.sh
source "$(dirname "$0")/services.sh"

GRACE_SECONDS=10

# Signals the service's process group when it leads one (setsid in up.sh), else just the process.
signal() {
  local sig="$1" pid="$2" stat pgrp
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }" # fields after the command name: state ppid pgrp ...
  read -r _ _ pgrp _ <<<"$stat"
  if [[ "$pgrp" == "$pid" ]]; then
    kill "-$sig" -- "-$pid" 2>/dev/null || true
  else
    kill "-$sig" "$pid" 2>/dev/null || true
  fi
}

main() {
  local svc pid deadline running=()
  for svc in "${SERVICES[@]}"; do
    pid="$(service_pid "$svc")"
    if [[ -n "$pid" ]]; then
      signal TERM "$pid"
      running+=("$svc:$pid")
    fi
    rm -f "$PID_DIR/$svc.pid"
  done
  if ((${#running[@]} == 0)); then
    log "no stack services running"
    return 0
  fi

  deadline=$((SECONDS + GRACE_SECONDS))
  local entry alive killed=0
  while :; do
    alive=()
    for entry in "${running[@]}"; do
      if pid_alive "${entry#*:}"; then alive+=("$entry"); fi
    done
    ((${#alive[@]})) || break
    if ((!killed && SECONDS >= deadline)); then
      for entry in "${alive[@]}"; do
        log "${entry%%:*}: still running after ${GRACE_SECONDS}s, sending KILL"
        signal KILL "${entry#*:}"
      done
      killed=1
    fi
    sleep 0.1
  done
  for entry in "${running[@]}"; do log "${entry%%:*}: stopped (pid ${entry#*:})"; done
}

main "$@"
