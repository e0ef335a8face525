"""values.schema.json accepts the chart's defaults and every CI value set, and refuses wrong types, unknown keys and
impossible choices; helm itself refuses them too, and what the chart renders from its value sets keeps the API the
only thing published and each internal service reachable only from its callers."""

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from tenderflow_common.testing.infra import repo_root

CHART = repo_root() / "deploy" / "helm" / "tenderflow"
SCHEMA = json.loads((CHART / "values.schema.json").read_text())
DEFAULTS = yaml.safe_load((CHART / "values.yaml").read_text())
VALUE_SETS = sorted((CHART / "ci").glob("*-values.yaml"))


def merged(base: dict, override: dict) -> dict:
    """`override` laid over `base` the way helm merges value files."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        result[key] = merged(result[key], value) if isinstance(value, dict) and isinstance(result.get(key), dict) \
            else value
    return result


def errors(values: dict) -> list[str]:
    return [error.message for error in jsonschema.Draft7Validator(SCHEMA).iter_errors(values)]


@pytest.mark.parametrize("value_set", [None, *VALUE_SETS], ids=lambda path: path.name if path else "defaults")
def test_the_defaults_and_every_ci_value_set_are_accepted(value_set):
    values = merged(DEFAULTS, yaml.safe_load(value_set.read_text())) if value_set else DEFAULTS
    assert errors(values) == []


@pytest.mark.parametrize("override", [
    {"services": {"gateway": {"replicas": "two"}}},
    {"services": {"gateway": {"replica": 2}}},
    {"services": {"search": {"port": 8005}}},
    {"replicas": 2},
    {"storage": {"backend": "gcs"}},
    {"storage": {"s3": {"bucket": "Not_A_Bucket"}}},
    {"kafka": {"securityProtocol": "TLS"}},
    {"kafka": {"sasl": {"mechanism": "GSSAPI"}}},
    {"kafka": {"topicPrefix": "has space"}},
    {"postgres": {"port": "5432"}},
    {"postgres": {"migrationPassword": "quote'd"}},
    {"ingress": {"hosts": [{"host": "example.com", "paths": [{"path": "/metrics"}]}]}},
    {"services": {"jobs": {"callers": ["browser"]}}},
    {"services": {"jobs": {"internalPort": 9100}}},
    {"services": {"ingest": {"autoscaling": {"enabled": "yes"}}}},
    {"networkPolicy": {"egress": {"kafka": {"ports": []}}}},
    {"metrics": {"serviceMonitor": {"interval": "often"}}},
    {"keda": {"enabled": "yes"}},
    {"keda": {"lagThreshold": 0}},
    {"keda": {"topics": ["tenderflow.uploads"]}},
], ids=json.dumps)
def test_wrong_types_unknown_keys_and_impossible_choices_are_refused(override):
    assert errors(merged(DEFAULTS, override))


def helm() -> str:
    found = shutil.which("helm") or str(Path(os.environ.get("GOPATH", Path.home() / "go")) / "bin" / "helm")
    if not Path(found).is_file():
        pytest.skip("helm is not installed (make chart-check builds it)")
    return found


def template(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([helm(), "template", "tenderflow", str(CHART), "--kube-version", "1.30.0",
                           f"--values={CHART / 'ci' / 'defaults-values.yaml'}", *arguments],
                          capture_output=True, text=True)


def manifests(*value_sets: str) -> list[dict]:
    rendered = template(*(f"--values={CHART / 'ci' / name}" for name in value_sets))
    assert rendered.returncode == 0, rendered.stderr
    return [document for document in yaml.safe_load_all(rendered.stdout) if document]


def test_helm_refuses_a_replica_count_that_is_not_a_number():
    rendered = template("--set", "services.gateway.replicas=two")
    assert rendered.returncode != 0
    assert "services.gateway.replicas" in rendered.stderr


def test_kafka_tls_uses_the_system_trust_store_without_a_ca_but_a_client_certificate_needs_its_secret():
    rendered = template("--set", "kafka.securityProtocol=SSL")
    assert rendered.returncode == 0, rendered.stderr
    assert "TENDERFLOW_KAFKA_SSL_CAFILE" not in rendered.stdout and "kafka-tls" not in rendered.stdout
    refused = template("--set", "kafka.securityProtocol=SSL", "--set", "kafka.tls.clientCertificate=true")
    assert refused.returncode != 0
    assert "kafka.tls.secretName" in refused.stderr


def test_keda_triggers_log_in_with_the_secrets_the_services_mount():
    objects = manifests("keda-sasl-tls-values.yaml")
    [auth] = [item for item in objects if item["kind"] == "TriggerAuthentication"]
    refs = {ref["parameter"]: (ref["name"], ref["key"]) for ref in auth["spec"]["secretTargetRef"]}
    for scaled in (item for item in objects if item["kind"] == "ScaledObject"):
        [worker] = [item for item in objects if item["kind"] == "Deployment"
                    and item["metadata"]["name"] == scaled["spec"]["scaleTargetRef"]["name"]]
        pod = worker["spec"]["template"]["spec"]
        env = {item["name"]: item for item in pod["containers"][0]["env"]}
        password = env["TENDERFLOW_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert refs["password"] == (password["name"], password["key"])
        [tls] = [volume["secret"]["secretName"] for volume in pod["volumes"] if volume["name"] == "kafka-tls"]
        assert {refs[parameter] for parameter in ("ca", "cert", "key")} == {
            (tls, "ca.crt"), (tls, "tls.crt"), (tls, "tls.key")}
        assert [item["name"] for item in auth["spec"]["env"]] == ["TENDERFLOW_KAFKA_SASL_USERNAME"]
        assert env["TENDERFLOW_KAFKA_SASL_USERNAME"]["value"] == "tenderflow"
        kafka = [trigger for trigger in scaled["spec"]["triggers"] if trigger["type"] == "kafka"]
        assert kafka and all(trigger["authenticationRef"]["name"] == auth["metadata"]["name"] for trigger in kafka)


def test_the_ingress_publishes_the_api_only_and_metrics_leave_the_published_port():
    objects = manifests("ingress-tls-values.yaml")
    ingress = next(item for item in objects if item["kind"] == "Ingress")
    paths = [path["path"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    assert paths == ["/v1"]
    assert ingress["spec"]["tls"][0]["secretName"] == "tenderflow-tls"
    gateway = next(item for item in objects if item["kind"] == "Deployment" and item["metadata"]["name"].endswith(
        "-gateway"))
    env = {item["name"]: item.get("value") for item in gateway["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["TENDERFLOW_GATEWAY_INTERNAL_PORT"] == "9100"
    assert gateway["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == "9100"
    assert "replicas" not in gateway["spec"], "the HPA owns the replica count"
    monitors = [item for item in objects if item["kind"] == "ServiceMonitor"]
    assert len(monitors) == 5


def test_internal_services_admit_only_their_callers():
    policies = {item["metadata"]["name"].rsplit("-", 1)[1]: item["spec"] for item in manifests()
                if item["kind"] == "NetworkPolicy"}
    callers = {service: [peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
                         for rule in spec["ingress"] if rule["ports"] == [{"port": "http"}]
                         for peer in rule.get("from", []) if "podSelector" in peer]
               for service, spec in policies.items()}
    assert callers == {"gateway": [], "ingest": [], "workspace": ["gateway", "questions"], "questions": ["gateway"],
                       "jobs": ["gateway"]}
    open_to_all = [service for service, spec in policies.items() for rule in spec["ingress"] if "from" not in rule]
    assert open_to_all == ["gateway"]


def test_the_s3_backend_mounts_no_volume_and_the_topic_hook_gets_the_prefix():
    objects = manifests("s3-values.yaml")
    assert not [item for item in objects if item["kind"] == "PersistentVolumeClaim"]
    config = next(item for item in objects if item["kind"] == "ConfigMap")["data"]
    assert config["TENDERFLOW_STORAGE_BACKEND"] == "s3"
    assert config["TENDERFLOW_STORAGE_S3_BUCKET"] == "tenderflow-documents"
    for item in objects:
        if item["kind"] == "Deployment":
            assert "storage" not in {volume["name"] for volume in item["spec"]["template"]["spec"]["volumes"]}
    hook = next(item for item in objects if item["metadata"]["name"].endswith("-create-topics"))
    env = {item["name"]: item.get("value") for item in hook["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["TENDERFLOW_KAFKA_TOPIC_PREFIX"] == "staging."
