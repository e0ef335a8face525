#!/usr/bin/env bash
# Runs the five services as separate background processes against the local infra and waits until all are ready.
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "$0")/../infra/lib.sh"
# shellcheck source=scripts/stack/services.sh
source "$(dirname "$0")/services.sh"

READY_TIMEOUT="${TENDERFLOW_STACK_READY_TIMEOUT:-90}"
# The same file the settings read in development, so `make stack-up` and a service started by hand agree.
KEY_FILE="$RUN_DIR/internal-signing-key"

main() {
  local t0 svc other pid port waits=() failed others
  t0=$(now)
  [[ -x "$VENV_PY" ]] || die "$VENV_PY is missing; run 'make install' first"
  [[ -f "$RUN_DIR/infra.env" ]] || die "$RUN_DIR/infra.env is missing; run 'make infra-up' first"
  mkdir -p "$PID_DIR" "$LOG_DIR" "$RUN_DIR/storage"

  set -a
  # shellcheck source=/dev/null
  source "$RUN_DIR/infra.env"
  # Each service's own database role and the owner the migrate step runs as, when infra-up could create them.
  if [[ -f "$RUN_DIR/postgres-roles.env" ]]; then
    # shellcheck source=/dev/null
    source "$RUN_DIR/postgres-roles.env"
  fi
  set +a
  if [[ ! -s "$KEY_FILE" ]]; then
    (umask 077 && "$VENV_PY" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$KEY_FILE")
  fi
  TENDERFLOW_INTERNAL_SIGNING_KEY="$(cat "$KEY_FILE")"
  export TENDERFLOW_INTERNAL_SIGNING_KEY
  export TENDERFLOW_STORAGE_ROOT="$RUN_DIR/storage"

  # Check every port first, so a conflict doesn't leave half a stack behind.
  for svc in "${SERVICES[@]}"; do
    port="${SERVICE_PORT[$svc]}"
    if [[ -z "$(service_pid "$svc")" ]] && port_open "$port"; then
      die "port $port is taken by another process; cannot start $svc"
    fi
  done

  cd "$ROOT"
  # Migrations are a step of their own, as the schema's owner; the services never receive the owner's URL.
  # The five databases are independent, so their steps run side by side.
  declare -A migrating=()
  for svc in "${SERVICES[@]}"; do
    "$VENV_PY" -m "tenderflow_$svc" migrate >"$LOG_DIR/$svc-migrate.log" 2>&1 &
    migrating[$svc]=$!
  done
  for svc in "${SERVICES[@]}"; do
    wait "${migrating[$svc]}" || { tail -n 40 "$LOG_DIR/$svc-migrate.log" >&2; die "$svc: migrate failed"; }
  done
  log "migrated in $(elapsed "$t0")"
  if [[ -f "$RUN_DIR/postgres-roles.env" ]]; then
    unset TENDERFLOW_POSTGRES_URL
    for svc in "${SERVICES[@]}"; do unset "TENDERFLOW_${svc^^}_MIGRATION_DATABASE_URL"; done
  fi
  for svc in "${SERVICES[@]}"; do
    port="${SERVICE_PORT[$svc]}"
    pid="$(service_pid "$svc")"
    if [[ -n "$pid" ]]; then
      log "$svc: already running as pid $pid"
    else
      # Each service gets its own role's URL only, not its peers'.
      others=()
      for other in "${SERVICES[@]}"; do
        [[ "$other" == "$svc" ]] || others+=(-u "TENDERFLOW_${other^^}_DATABASE_URL")
      done
      # setsid: own session and process group, so the service outlives this script and stops as a group.
      setsid env "${others[@]}" "$VENV_PY" -m "tenderflow_$svc" >"$LOG_DIR/$svc.log" 2>&1 </dev/null &
      pid=$!
      echo "$pid" >"$PID_DIR/$svc.pid"
      log "$svc: started as pid $pid (log ${LOG_DIR#"$ROOT"/}/$svc.log)"
    fi
    waits+=("$svc:$port:$pid")
  done

  if ! failed="$("$VENV_PY" "$ROOT/scripts/stack/wait_ready.py" --timeout "$READY_TIMEOUT" "${waits[@]}")"; then
    for svc in $failed; do
      printf '\n--- last lines of %s ---\n' "${LOG_DIR#"$ROOT"/}/$svc.log" >&2
      tail -n 40 "$LOG_DIR/$svc.log" >&2 || true
    done
    die "not ready: $failed (the others keep running; 'make stack-down' stops them)"
  fi
  log "stack ready in $(elapsed "$t0"): gateway http://127.0.0.1:${SERVICE_PORT[gateway]}"
}

main "$@"
