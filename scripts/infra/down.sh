#!/usr/bin/env bash
# Stops the servers that scripts/infra/up.sh started (recorded in .run/infra/started) and nothing else.
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STARTED="$RUN_DIR/infra/started"

# Sends TERM to <pid>, waits up to <seconds>, then KILLs it.
stop_pid() {
  local name="$1" pid="$2" seconds="$3" deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + seconds))
  while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if pid_alive "$pid"; then
    log "$name: still running after ${seconds}s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.1; done
  fi
}

stop_one() {
  local what="$1" pid="$2" version="${3:-}" cluster="${4:-}" t0
  t0=$(now)
  case "$what" in
    kafka)
      pid_matches "$pid" kafka.Kafka || { log "kafka: pid $pid is not our broker any more, skipping"; return 0; }
      stop_pid kafka "$pid" 60
      ;;
    redis)
      pid_matches "$pid" redis-server || { log "redis: pid $pid is not our server any more, skipping"; return 0; }
      stop_pid redis "$pid" 10
      ;;
    postgres)
      local datadir
      datadir="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { print $6 }')"
      if [[ -z "$datadir" ]] || [[ "$(as_root head -n 1 "$datadir/postmaster.pid" 2>/dev/null)" != "$pid" ]]; then
        log "postgres: cluster $version/$cluster is not the instance we started, skipping"
        return 0
      fi
      as_root pg_ctlcluster "$version" "$cluster" stop -m fast
      ;;
    *)
      log "unknown record '$what', ignoring"
      return 0
      ;;
  esac
  log "$what: stopped ($(elapsed "$t0"))"
}

main() {
  lock_infra
  if [[ ! -s "$STARTED" ]]; then
    log "nothing recorded in ${STARTED#"$ROOT"/}; leaving any running servers alone"
    return 0
  fi
  local what pid rest
  # Same order as they were started; fd 3 keeps the commands below from reading the record file.
  while read -r -u 3 what pid rest; do
    [[ -n "$what" ]] || continue
    # shellcheck disable=SC2086 # rest holds "<version> <cluster>" for postgres
    stop_one "$what" "$pid" $rest
  done 3<"$STARTED"
  : >"$STARTED"
  rm -f "$RUN_DIR/kafka/kafka.pid" "$RUN_DIR/redis.pid"
}

# Sourced (to reuse stop_one) it only defines its functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
