#!/usr/bin/env bash
# Stops and starts one server of a second infra instance, to prove the services ride out its loss:
#   TENDERFLOW_INFRA_RUN_DIR=<dir> [port variables as for up.sh] restart.sh <kafka|postgres|redis> [stop|start]
# With no action it stops the server and starts it again. Only a server that up.sh started for that run dir is
# stopped, and never one of the usual instance under .run: other work shares it.
set -euo pipefail
# shellcheck source=scripts/infra/up.sh
source "$(dirname "${BASH_SOURCE[0]}")/up.sh"
# shellcheck source=scripts/infra/down.sh
source "$(dirname "${BASH_SOURCE[0]}")/down.sh"

stop_component() {
  local what="$1" record pid rest
  record="$(awk -v w="$what" '$1 == w { print; exit }' "$STARTED" 2>/dev/null || true)"
  [[ -n "$record" ]] || die "$what: not started by infra-up under $RUN_DIR; leaving it alone"
  read -r _ pid rest <<<"$record"
  # shellcheck disable=SC2086 # rest holds "<version> <cluster>" for postgres
  stop_one "$what" "$pid" $rest
  awk -v w="$what" '$1 != w' "$STARTED" >"$STARTED.tmp"
  mv "$STARTED.tmp" "$STARTED"
}

start_component() {
  case "$1" in
    kafka) start_kafka && wait_kafka ;;
    postgres) start_postgres ;;
    redis) start_redis ;;
  esac
}

restart_main() {
  local what="${1:-}" action="${2:-restart}"
  [[ "$what" =~ ^(kafka|postgres|redis)$ ]] || die "usage: restart.sh <kafka|postgres|redis> [stop|start]"
  [[ "$RUN_DIR" != "$ROOT/.run" ]] || die "refusing to stop the shared instance; set TENDERFLOW_INFRA_RUN_DIR"
  lock_infra
  touch "$STARTED"
  case "$action" in
    stop) stop_component "$what" ;;
    start) start_component "$what" ;;
    restart) stop_component "$what" && start_component "$what" ;;
    *) die "unknown action '$action' (stop, start, or none for both)" ;;
  esac
}

restart_main "$@"
