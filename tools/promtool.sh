#!/usr/bin/env bash
# Builds promtool, at the version of the compose stack's Prometheus, into Go's bin folder (GOBIN, else GOPATH/bin),
# for `make chart-check` and tests/unit/test_alert_rules.py, and prints its path. Prometheus's go.mod has exclude
# directives, so `go install pkg@version` refuses it: the module's source comes from the Go module proxy and is
# built in a scratch copy (the first build takes minutes).
set -euo pipefail

# Prometheus v3.7.3 (docker-compose.yml) is Go module version v0.307.3.
PROMETHEUS_VERSION=3.7.3
PROMETHEUS_MODULE_VERSION=v0.307.3
bin="$(go env GOBIN)"
bin="${bin:-$(go env GOPATH)/bin}"
if "$bin/promtool" --version 2>/dev/null | grep -q "version $PROMETHEUS_VERSION "; then
  echo "$bin/promtool"
  exit 0
fi
echo "building promtool $PROMETHEUS_VERSION (the first time takes minutes)" >&2
source_dir="$(go mod download -json "github.com/prometheus/prometheus@$PROMETHEUS_MODULE_VERSION" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r "$source_dir/." "$scratch"
chmod -R u+w "$scratch"
mkdir -p "$bin"
(cd "$scratch" && GOFLAGS=-mod=mod go build -o "$bin/promtool" \
  -ldflags "-X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION" ./cmd/promtool >&2)
echo "$bin/promtool"
