#!/usr/bin/env bash
# Makes uv available for `make install`: installs the given version with pip, first installing Debian's
# python3-pip when the system Python has no pip (as on a fresh Debian or Ubuntu machine).
set -euo pipefail
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "$0")/infra/lib.sh"

UV_VERSION="${1:?usage: install_uv.sh VERSION}"

have_uv() { command -v uv >/dev/null || python3 -m uv --version >/dev/null 2>&1; }

main() {
  have_uv && return 0
  python3 -m pip --version >/dev/null 2>&1 || apt_ensure python3-pip
  log "installing uv $UV_VERSION"
  # Debian marks its Python as externally managed; uv is a standalone binary, so the override is harmless here.
  PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet "uv==$UV_VERSION"
  have_uv || die "uv $UV_VERSION was installed but neither 'uv' nor 'python3 -m uv' runs"
}

main "$@"
