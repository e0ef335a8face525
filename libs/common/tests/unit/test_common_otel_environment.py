"""The standard OTEL_* variables work as the OpenTelemetry SDK documents them; Tenderflow's endpoint is an alias."""

import pytest

from tenderflow_common.telemetry import tracer_provider

OTEL = ("OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")


@pytest.fixture(autouse=True)
def no_otel_environment(monkeypatch):
    for name in OTEL:
        monkeypatch.delenv(name, raising=False)


def exporter_endpoint(provider) -> str | None:
    processors = provider._active_span_processor._span_processors
    return processors[0].span_exporter._endpoint if processors else None


def test_without_settings_the_service_is_named_and_nothing_is_exported():
    provider = tracer_provider("ingest", None)
    assert provider.resource.attributes["service.name"] == "tenderflow-ingest"
    assert exporter_endpoint(provider) is None


def test_service_name_and_resource_attributes_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "ingest-eu-1")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=staging,service.namespace=tenders")
    attributes = tracer_provider("ingest", None).resource.attributes
    assert attributes["service.name"] == "ingest-eu-1"
    assert attributes["deployment.environment"] == "staging" and attributes["service.namespace"] == "tenders"


def test_a_service_name_among_the_resource_attributes_is_kept(monkeypatch):
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attributes")
    assert tracer_provider("jobs", None).resource.attributes["service.name"] == "from-attributes"


def test_the_sampler_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
    assert "TraceIdRatioBased{0.25}" in tracer_provider("gateway", None).sampler.get_description()


@pytest.mark.parametrize(("variables", "alias", "endpoint"), [
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, None, "http://collector:4318/v1/traces"),
    ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/in"}, None, "http://traces:4318/in"),
    ({}, "http://alias:4318/v1/traces", "http://alias:4318/v1/traces"),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, "http://alias:4318/v1/traces",
     "http://collector:4318/v1/traces"),
])
def test_the_standard_endpoint_wins_over_the_alias(monkeypatch, variables, alias, endpoint):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert exporter_endpoint(tracer_provider("questions", alias)) == endpoint


def test_a_protocol_other_than_http_protobuf_is_refused(monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    with pytest.raises(ValueError, match="http/protobuf"):
        tracer_provider("workspace", None)
