"""The Helm chart rendered by `helm template`: service pods never receive the owner's database URL, a migrate hook
Job per service does, and the security settings reach the pods that read them."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tenderflow_common.testing.infra import repo_root

CHART = repo_root() / "deploy" / "helm" / "tenderflow"
SERVICES = ("gateway", "ingest", "workspace", "questions", "jobs")
OWNER_PASSWORD = "0wnerpassw0rd0wnerpassw0rd"
REQUIRED = {
    "kafka.bootstrapServers": "kafka:9092", "redis.url": "redis://redis:6379/0", "postgres.host": "db",
    "postgres.migrationPassword": OWNER_PASSWORD, "internalSigningKey": "k" * 8 + "9f3a6c1e2b7d4058aa61c3f9e0b2d7c4",
    **{f"postgres.servicePasswords.{service}": f"{service}pw123" for service in SERVICES},
}


def helm() -> str:
    """The helm binary on PATH or where `go install` puts it."""
    found = shutil.which("helm") or str(Path(os.environ.get("GOPATH", Path.home() / "go")) / "bin" / "helm")
    if not Path(found).is_file():
        pytest.skip("helm is not installed")
    return found


def render(values: dict) -> list[dict]:
    """Every manifest the chart renders with the required values plus `values` (given as JSON)."""
    arguments = [f"--set-json={key}={json.dumps(value)}" for key, value in {**REQUIRED, **values}.items()]
    # A helm built from source assumes Kubernetes 1.20 unless told; the chart requires 1.25 or later.
    command = [helm(), "template", "tenderflow", str(CHART), "--kube-version", "1.30.0", *arguments]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [document for document in yaml.safe_load_all(output) if document]


def named(manifests: list[dict], kind: str) -> dict[str, dict]:
    """The manifests of one kind by name, for asserting on one object at a time."""
    return {manifest["metadata"]["name"]: manifest for manifest in manifests if manifest["kind"] == kind}


def container(workload: dict) -> dict:
    """A workload's only container."""
    return workload["spec"]["template"]["spec"]["containers"][0]


def test_service_pods_get_no_owner_url_and_a_migrate_hook_runs_per_service():
    manifests = render({})
    deployments, secrets, jobs = (named(manifests, kind) for kind in ("Deployment", "Secret", "Job"))
    pod_secrets = {ref["secretRef"]["name"] for deployment in deployments.values()
                   for ref in container(deployment)["envFrom"] if "secretRef" in ref}
    for name in pod_secrets:
        assert OWNER_PASSWORD not in json.dumps(secrets[name]), name
    assert "tenderflow-hooks" not in pod_secrets
    assert OWNER_PASSWORD in json.dumps(secrets["tenderflow-hooks"])
    for service in SERVICES:
        job = jobs[f"tenderflow-migrate-{service}"]
        assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert container(job)["command"] == ["python", "-m", f"tenderflow_{service}", "migrate"]
        assert container(job)["env"][0]["valueFrom"]["secretKeyRef"]["name"] == "tenderflow-hooks"
    weight = {name: int(job["metadata"]["annotations"]["helm.sh/hook-weight"]) for name, job in jobs.items()}
    hook_secret_weight = int(secrets["tenderflow-hooks"]["metadata"]["annotations"]["helm.sh/hook-weight"])
    assert all(hook_secret_weight < value for value in weight.values())


def test_security_settings_reach_the_pods_that_read_them():
    manifests = render({
        "kafka.securityProtocol": "SASL_SSL", "kafka.sasl.username": "tenderflow", "kafka.sasl.password": "saslpw",
        "kafka.tls.secretName": "kafka-ca", "gateway.tokenSigningKeys": {"k1": "s" * 40},
        "gateway.tokenActiveKid": "k1",
        "gateway.forwardedAllowIps": "10.0.0.0/8", "ingest.uploadSources": {"erp.example": ["t1"]},
        "ingest.uploadSourceKeys": {"erp.example": "u" * 40},
    })
    deployments, secrets, jobs = (named(manifests, kind) for kind in ("Deployment", "Secret", "Job"))
    config = named(manifests, "ConfigMap")["tenderflow-config"]["data"]
    assert config["FORWARDED_ALLOW_IPS"] == "10.0.0.0/8"
    assert json.loads(config["TENDERFLOW_INGEST_UPLOAD_SOURCES"]) == {"erp.example": ["t1"]}
    assert config["TENDERFLOW_GATEWAY_TOKEN_ACTIVE_KID"] == "k1"
    assert json.loads(secrets["tenderflow-gateway-database"]["stringData"]["TENDERFLOW_GATEWAY_TOKEN_SIGNING_KEYS"])
    assert "TENDERFLOW_GATEWAY_TOKEN_SIGNING_KEYS" not in secrets["tenderflow-ingest-database"]["stringData"]
    assert "TENDERFLOW_INGEST_UPLOAD_SOURCE_KEYS" in secrets["tenderflow-ingest-database"]["stringData"]
    assert secrets["tenderflow-secrets"]["stringData"]["TENDERFLOW_KAFKA_SASL_PASSWORD"] == "saslpw"
    for workload in [*deployments.values(), jobs["tenderflow-create-topics"]]:
        env = {item["name"]: item for item in container(workload)["env"]}
        assert env["TENDERFLOW_KAFKA_SECURITY_PROTOCOL"]["value"] == "SASL_SSL"
        assert env["TENDERFLOW_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == \
            "TENDERFLOW_KAFKA_SASL_PASSWORD"
        assert env["TENDERFLOW_KAFKA_SSL_CAFILE"]["value"] == "/etc/tenderflow/kafka-tls/ca.crt"
        volumes = {volume["name"]: volume for volume in workload["spec"]["template"]["spec"]["volumes"]}
        assert volumes["kafka-tls"]["secret"]["secretName"] == "kafka-ca"


class RecordingTransport:
    """Stands in for Kafka while the services are built: what each consumer group subscribes to is kept."""

    def __init__(self) -> None:
        self.subscriptions: dict[str, set[str]] = {}

    def subscribe(self, topic_names, group_id, handler, max_records=None) -> None:
        self.subscriptions[group_id] = set(topic_names)


def test_keda_scales_each_worker_on_the_lag_of_every_topic_its_consumers_read(tmp_path):
    from tenderflow_cli.embedded import EmbeddedSystem

    transport = RecordingTransport()
    EmbeddedSystem(tmp_path, transport=transport).build()
    manifests = render({"keda.enabled": True, "keda.lagThreshold": 40, "kafka.topicPrefix": "staging."})
    scaled, autoscalers = named(manifests, "ScaledObject"), named(manifests, "HorizontalPodAutoscaler")
    assert set(scaled) == {f"tenderflow-{worker}" for worker in ("ingest", "workspace", "questions", "jobs")}
    assert set(autoscalers) == {"tenderflow-gateway"}, "a worker KEDA scales has no second autoscaler"
    for name, scaled_object in scaled.items():
        spec, group = scaled_object["spec"], f"staging.{name}"
        kafka = [trigger["metadata"] for trigger in spec["triggers"] if trigger["type"] == "kafka"]
        assert {trigger["consumerGroup"] for trigger in kafka} == {group}
        assert {trigger["topic"] for trigger in kafka} == {
            f"staging.{topic}" for topic in transport.subscriptions[name]}
        assert {trigger["lagThreshold"] for trigger in kafka} == {"40"}
        assert {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "75"}} in spec["triggers"]
        assert (spec["scaleTargetRef"]["name"], spec["minReplicaCount"], spec["maxReplicaCount"]) == (name, 1, 4)
    assert not named(render({}), "ScaledObject"), "CPU autoscaling stays the default"


def kafka_triggers(manifests: list[dict]) -> list[dict]:
    """Every kafka trigger of every ScaledObject."""
    return [trigger for scaled_object in named(manifests, "ScaledObject").values()
            for trigger in scaled_object["spec"]["triggers"] if trigger["type"] == "kafka"]


def test_keda_logs_in_to_a_sasl_ssl_kafka_with_the_services_secrets():
    manifests = render({"keda.enabled": True, "kafka.securityProtocol": "SASL_SSL", "kafka.sasl.username": "u",
                        "kafka.sasl.password": "p", "kafka.sasl.mechanism": "SCRAM-SHA-256",
                        "kafka.tls.secretName": "kafka-tls", "kafka.tls.clientCertificate": True})
    [auth] = named(manifests, "TriggerAuthentication").values()
    assert {(ref["parameter"], ref["name"], ref["key"]) for ref in auth["spec"]["secretTargetRef"]} == {
        ("password", "tenderflow-secrets", "TENDERFLOW_KAFKA_SASL_PASSWORD"), ("ca", "kafka-tls", "ca.crt"),
        ("cert", "kafka-tls", "tls.crt"), ("key", "kafka-tls", "tls.key")}
    assert auth["spec"]["env"] == [{"parameter": "username", "name": "TENDERFLOW_KAFKA_SASL_USERNAME"}]
    ingest = container(named(manifests, "Deployment")["tenderflow-ingest"])
    assert {"name": "TENDERFLOW_KAFKA_SASL_USERNAME", "value": "u"} in ingest["env"], "KEDA reads it from here"
    triggers = kafka_triggers(manifests)
    assert len(triggers) == 16
    assert all(trigger["authenticationRef"] == {"name": "tenderflow-kafka"} for trigger in triggers)
    assert {(trigger["metadata"]["sasl"], trigger["metadata"]["tls"]) for trigger in triggers} == {
        ("scram_sha256", "enable")}


def test_keda_takes_the_sasl_password_from_an_existing_secret_without_tls():
    manifests = render({"keda.enabled": True, "kafka.securityProtocol": "SASL_PLAINTEXT", "kafka.sasl.username": "u",
                        "kafka.sasl.password": "p", "kafka.sasl.mechanism": "PLAIN",
                        "existingSecret": "operator-secrets"})
    [auth] = named(manifests, "TriggerAuthentication").values()
    assert auth["spec"]["secretTargetRef"] == [
        {"parameter": "password", "name": "operator-secrets", "key": "TENDERFLOW_KAFKA_SASL_PASSWORD"}]
    assert {json.dumps(trigger["metadata"].get("sasl")) + json.dumps(trigger["metadata"].get("tls"))
            for trigger in kafka_triggers(manifests)} == {'"plaintext"null'}


def test_keda_needs_no_trigger_authentication_without_credentials():
    system_trust = render({"keda.enabled": True, "kafka.securityProtocol": "SSL"})
    assert not named(system_trust, "TriggerAuthentication")
    assert {(trigger["metadata"].get("tls"), "authenticationRef" in trigger)
            for trigger in kafka_triggers(system_trust)} == {("enable", False)}
    plaintext = render({"keda.enabled": True})
    assert not named(plaintext, "TriggerAuthentication")
    assert all({"tls", "sasl"}.isdisjoint(trigger["metadata"]) and "authenticationRef" not in trigger
               for trigger in kafka_triggers(plaintext))
    secured = {"kafka.securityProtocol": "SASL_SSL", "kafka.sasl.username": "u", "kafka.sasl.password": "p"}
    assert not named(render(secured), "TriggerAuthentication"), "without keda.enabled nothing refers to it"


def test_the_prometheus_rule_carries_the_compose_stacks_rules_unchanged():
    rules = yaml.safe_load((repo_root() / "deploy" / "prometheus" / "alerts.yml").read_text())
    [rule] = named(render({"metrics.prometheusRule.enabled": True}), "PrometheusRule").values()
    assert rule["spec"]["groups"] == rules["groups"]
    assert "{{ $labels.service }}" in json.dumps(rule["spec"]), "the annotations' templates reach Prometheus"
