"""The Helm chart as CI checks it: `helm lint --strict` and `helm template` with each value set in the chart's ci/
folder (on top of its required values), and every rendered object validated against the strict Kubernetes JSON
schemas of KUBERNETES_VERSION that the kubernetes-validate package ships, so the check needs no network.

Usage: chart_check.py HELM
"""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import kubernetes_validate
import yaml

CHART = Path(__file__).resolve().parent.parent / "deploy" / "helm" / "tenderflow"
REQUIRED = CHART / "ci" / "defaults-values.yaml"
KUBERNETES_VERSION = "1.30.0"
# The Prometheus Operator's kinds: their schemas come with its CRDs, not with Kubernetes, so they are only parsed.
OPERATOR_KINDS = {"ServiceMonitor", "PrometheusRule"}


def value_sets() -> list[list[Path]]:
    """The required values alone, then each other set on top of them."""
    others = sorted(path for path in (CHART / "ci").glob("*-values.yaml") if path != REQUIRED)
    return [[REQUIRED], *([REQUIRED, other] for other in others)]


def helm(binary: str, command: str, files: list[Path]) -> str:
    arguments = [binary, command, *(["--strict"] if command == "lint" else ["tenderflow"]), str(CHART),
                 "--kube-version", KUBERNETES_VERSION, *(f"--values={path}" for path in files)]
    run = subprocess.run(arguments, capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"helm {command} with {', '.join(path.name for path in files)} failed:\n{run.stderr}")
    return run.stdout


def invalid(manifest: dict) -> str | None:
    """Why the object does not match its kind's schema, or None."""
    if manifest["kind"] in OPERATOR_KINDS:
        return None
    try:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return f"{'.'.join(str(part) for part in error.path)}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError:
        return f"no Kubernetes {KUBERNETES_VERSION} schema for {manifest['apiVersion']} {manifest['kind']}"
    return None


def main() -> int:
    binary = sys.argv[1]
    failures = 0
    for files in value_sets():
        helm(binary, "lint", files)
        manifests = [document for document in yaml.safe_load_all(helm(binary, "template", files)) if document]
        for manifest in manifests:
            reason = invalid(manifest)
            if reason:
                failures += 1
                print(f"{files[-1].name}: {manifest['kind']} {manifest['metadata']['name']}: {reason}")
        kinds = Counter(manifest["kind"] for manifest in manifests)
        print(f"{files[-1].name}: lint ok, {len(manifests)} objects "
              f"({', '.join(f'{count} {kind}' for kind, count in sorted(kinds.items()))})")
    print(f"chart: every object checked against Kubernetes {KUBERNETES_VERSION}'s strict schemas "
          f"({', '.join(sorted(OPERATOR_KINDS))} parsed only); {failures} invalid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
