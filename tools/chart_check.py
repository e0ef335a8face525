"""The Helm chart as CI checks it: `helm lint --strict` and `helm template` with each value set in the chart's ci/
folder (on top of its required values), and every rendered object validated against the strict Kubernetes JSON
schemas of KUBERNETES_VERSION that the kubernetes-validate package ships, so the check needs no network. KEDA's
ScaledObjects and TriggerAuthentications are validated against the schemas of KEDA's CRDs whose files are given
(tools/chart-check.sh takes them from KEDA's Go module), unknown fields included; without them they are only parsed.

Usage: chart_check.py HELM [KEDA_CRD ...]
"""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

CHART = Path(__file__).resolve().parent.parent / "deploy" / "helm" / "tenderflow"
REQUIRED = CHART / "ci" / "defaults-values.yaml"
KUBERNETES_VERSION = "1.30.0"
# The Prometheus Operator's kinds: their schemas come with its CRDs, not with Kubernetes, so they are only parsed.
OPERATOR_KINDS = {"ServiceMonitor", "PrometheusRule"}
KEDA_KINDS = {"ScaledObject", "TriggerAuthentication"}


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


def crd_schemas(paths: list[Path]) -> dict[str, dict]:
    """The OpenAPI schema of each CRD's served version, by the kind it defines."""
    schemas = {}
    for path in paths:
        crd = yaml.safe_load(path.read_text())
        [version] = [version for version in crd["spec"]["versions"] if version.get("served")]
        schemas[crd["spec"]["names"]["kind"]] = version["schema"]["openAPIV3Schema"]
    return schemas


def unknown_fields(value, schema: dict, path: str = "") -> list[str]:
    """Fields the schema does not declare, as the API server's strict field validation would refuse them."""
    if isinstance(value, dict) and "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        extra = schema.get("additionalProperties")
        found = []
        for key, item in value.items():
            if key in schema["properties"]:
                found += unknown_fields(item, schema["properties"][key], f"{path}.{key}")
            elif not extra:
                found.append(f"{path}.{key}")
        return found
    if isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        return [field for key, item in value.items()
                for field in unknown_fields(item, schema["additionalProperties"], f"{path}.{key}")]
    if isinstance(value, list) and "items" in schema:
        return [field for index, item in enumerate(value)
                for field in unknown_fields(item, schema["items"], f"{path}[{index}]")]
    return []


def invalid_custom(manifest: dict, schema: dict) -> str | None:
    """Why a custom resource does not match its CRD's schema, or None."""
    error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(manifest))
    if error is not None:
        return f"{'.'.join(str(part) for part in error.path)}: {error.message}"
    unknown = unknown_fields(manifest, schema)
    return f"unknown fields {', '.join(unknown)}" if unknown else None


def invalid(manifest: dict, keda: dict[str, dict]) -> str | None:
    """Why the object does not match its kind's schema, or None."""
    if manifest["kind"] in OPERATOR_KINDS:
        return None
    if manifest["kind"] in KEDA_KINDS:
        return invalid_custom(manifest, keda[manifest["kind"]]) if manifest["kind"] in keda else None
    try:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return f"{'.'.join(str(part) for part in error.path)}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError:
        return f"no Kubernetes {KUBERNETES_VERSION} schema for {manifest['apiVersion']} {manifest['kind']}"
    return None


def main() -> int:
    binary = sys.argv[1]
    keda = crd_schemas([Path(path) for path in sys.argv[2:]])
    failures = 0
    for files in value_sets():
        helm(binary, "lint", files)
        manifests = [document for document in yaml.safe_load_all(helm(binary, "template", files)) if document]
        for manifest in manifests:
            reason = invalid(manifest, keda)
            if reason:
                failures += 1
                print(f"{files[-1].name}: {manifest['kind']} {manifest['metadata']['name']}: {reason}")
        kinds = Counter(manifest["kind"] for manifest in manifests)
        print(f"{files[-1].name}: lint ok, {len(manifests)} objects "
              f"({', '.join(f'{count} {kind}' for kind, count in sorted(kinds.items()))})")
    parsed_only = sorted(OPERATOR_KINDS | (KEDA_KINDS - set(keda)))
    print(f"chart: every object checked against Kubernetes {KUBERNETES_VERSION}'s strict schemas"
          f"{' and KEDA ' + ', '.join(sorted(keda)) + ' against their CRDs' if keda else ''} "
          f"({', '.join(parsed_only)} parsed only); {failures} invalid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
