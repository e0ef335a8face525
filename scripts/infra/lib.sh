# Shared helpers for the infra and stack scripts (sourced, not executed).
# shellcheck shell=bash disable=SC2034

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# TENDERFLOW_INFRA_RUN_DIR gives a second instance (other ports, see up.sh) its own data, logs and records.
RUN_DIR="${TENDERFLOW_INFRA_RUN_DIR:-$ROOT/.run}"
VENV_PY="$ROOT/.venv/bin/python"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Seconds since the epoch with microseconds; used for the per-part timings.
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True while <pid> exists and is not a zombie (an exited daemon may wait a while to be reaped by init).
pid_alive() {
  local stat
  [[ "$1" =~ ^[0-9]+$ ]] && stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

# True when <pid> is a live process whose command line contains <pattern>.
pid_matches() {
  local pid="$1" pattern="$2" cmdline
  pid_alive "$pid" && cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" && [[ "$cmdline" == *"$pattern"* ]]
}

# Holds <lock file> on fd 9 until the script ends, waiting while another run holds it; <who> names the other run.
# Servers started while holding it get "9>&-" so they don't keep the lock after the script ends.
hold_lock() {
  mkdir -p "$(dirname "$1")"
  exec 9>"$1"
  if ! flock -n 9; then
    log "another $2 is running; waiting for it"
    flock 9
  fi
}

# Serialises infra-up/infra-down runs (parallel `make test`s would otherwise race to start the same servers).
lock_infra() { hold_lock "$RUN_DIR/infra/lock" infra-up/infra-down; }

# uv as `make install` puts it on a machine: on PATH, or as a module of the Python that pip installed it for.
run_uv() {
  if type -P uv >/dev/null; then command uv "$@"; else python3 -m uv "$@"; fi
}

# Runs a command as root (directly when already root, else through sudo).
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Installs the given Debian packages unless already installed. The package lists are refreshed only when
# apt does not know a package yet, or when an install from possibly stale lists fails.
# (Outputs are captured before matching: with pipefail, "cmd | grep -q" can fail on SIGPIPE.)
apt_ensure() {
  local missing=() pkg out updated=0 apt_log="$RUN_DIR/logs/apt.log"
  for pkg in "$@"; do
    out="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$out" == "install ok installed" ]] || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  mkdir -p "$(dirname "$apt_log")"
  for pkg in "${missing[@]}"; do
    if ! apt_knows "$pkg"; then
      apt_update "$apt_log"
      updated=1
      break
    fi
  done
  log "apt-get install ${missing[*]} (output in ${apt_log#"$ROOT"/})"
  apt_install "$apt_log" "${missing[@]}" && return 0
  if ((!updated)); then
    apt_update "$apt_log"
    apt_install "$apt_log" "${missing[@]}" && return 0
  fi
  tail -n 30 "$apt_log" >&2
  die "apt-get install ${missing[*]} failed"
}

# True when apt's (possibly stale) package lists have a version of <package> to install.
apt_knows() {
  local out
  out="$(apt-cache policy "$1" 2>/dev/null || true)"
  [[ "$out" =~ Candidate:\ [^\(] ]]
}

# apt-get update, appending its output to <log>.
apt_update() {
  log "apt-get update"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$1" 2>&1 ||
    { tail -n 30 "$1" >&2; die "apt-get update failed"; }
}

# apt-get install of the given packages, appending the output to <log>; returns apt's status.
apt_install() {
  local apt_log="$1"
  shift
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Use-Pty=0 "$@" >>"$apt_log" 2>&1
}
