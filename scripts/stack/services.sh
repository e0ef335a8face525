# The services that make up the stack and their HTTP ports (sourced by stack/up.sh and stack/down.sh).
# shellcheck shell=bash disable=SC2034

SERVICES=(gateway ingest workspace questions jobs)
declare -A SERVICE_PORT=([gateway]=8000 [ingest]=8001 [workspace]=8002 [questions]=8003 [jobs]=8004)
PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"

# The pid recorded for <svc> when that process is still the service, else nothing.
service_pid() {
  local pid
  pid="$(cat "$PID_DIR/$1.pid" 2>/dev/null)" || return 0
  if pid_matches "$pid" "tenderflow_$1"; then echo "$pid"; fi
}
