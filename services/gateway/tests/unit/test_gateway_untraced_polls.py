"""A job's status poll gets no spans (it is the most frequent request and does no work worth tracing); other
requests still do."""

from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


async def test_a_status_poll_is_not_traced_but_a_listing_is(make_gateway):
    gateway = await make_gateway()
    exporter = InMemorySpanExporter()
    trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(exporter))
    headers = {"X-API-Key": await gateway.key()}
    assert (await gateway.client.get("/v1/jobs/some-job", headers=headers)).status_code == 404
    assert exporter.get_finished_spans() == ()
    assert (await gateway.client.get("/v1/jobs", headers=headers)).status_code == 200
    assert any(span.name.startswith("GET /v1/jobs") for span in exporter.get_finished_spans())
    exporter.shutdown()
