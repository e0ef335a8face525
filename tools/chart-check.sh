#!/usr/bin/env bash
# `make chart-check`: the Helm chart (tools/chart_check.py) and docker-compose.yml (tools/composecheck, the Compose
# Specification's loader), checked offline. Helm and the loader are built with the Go toolchain from the Go module
# proxy at pinned versions; Go's module and build caches make every run after the first quick.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=v3.16.4

if ! command -v go >/dev/null; then
  echo "chart-check needs the Go toolchain (go) on PATH" >&2
  exit 1
fi
bin="$(go env GOBIN)"
helm="${bin:-$(go env GOPATH)/bin}/helm"
# A helm built by `go install` reports no release version of its own, so the module version it was built from is
# what is compared.
if ! go version -m "$helm" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+helm.sh/helm/v3[[:space:]]+$HELM_VERSION[[:space:]]"; then
  echo "building helm $HELM_VERSION (the first time takes minutes)" >&2
  go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
# KEDA's ScaledObject and TriggerAuthentication schemas come with their CRDs, in KEDA's Go module (downloaded once
# into Go's module cache).
KEDA_MODULE_VERSION=v2.16.1
keda_dir="$(go mod download -json "github.com/kedacore/keda/v2@$KEDA_MODULE_VERSION" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
.venv/bin/python tools/chart_check.py "$helm" "$keda_dir/config/crd/bases/keda.sh_scaledobjects.yaml" \
  "$keda_dir/config/crd/bases/keda.sh_triggerauthentications.yaml"

# The secrets docker-compose.yml refuses to start without, as placeholders: the loader interpolates them.
placeholders=(POSTGRES_PASSWORD POSTGRES_MIGRATION_PASSWORD POSTGRES_GATEWAY_PASSWORD POSTGRES_INGEST_PASSWORD
              POSTGRES_WORKSPACE_PASSWORD POSTGRES_QUESTIONS_PASSWORD POSTGRES_JOBS_PASSWORD
              TENDERFLOW_INTERNAL_SIGNING_KEY)
env "${placeholders[@]/%/=placeholder}" go run -C tools/composecheck . "$PWD/docker-compose.yml"

# The compose stack's alert rules, by promtool at its Prometheus's version: checked, and their unit tests run.
promtool="$(tools/promtool.sh)"
"$promtool" check rules deploy/prometheus/alerts.yml
"$promtool" test rules deploy/prometheus/alerts_test.yml
