"""A job's status poll is traced only when sampled (the client's `traceparent`, or the ratio), as a short trace of
its own linked to the job's; any other poll makes no span, while other requests are traced as ever."""

from datetime import UTC, datetime

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tenderflow_common.contracts.jobs import JobProgress, JobView
from tenderflow_common.endpoints import Database
from tenderflow_common.job_views import VERSION_HEADER
from tenderflow_common.telemetry import tracer
from tenderflow_gateway import repository
from tenderflow_gateway.poll_traces import JobTraces

CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN = "00f067aa0ba902b7"


@pytest.fixture
def exporter():
    """Finished spans, from a gateway built before the first is looked at (building one installs the provider)."""
    spans = InMemorySpanExporter()
    yield spans
    spans.shutdown()


async def traced_gateway(make_gateway, exporter, ratio: float, **settings):
    gateway = await make_gateway(poll_trace_ratio=ratio, **settings)
    trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(exporter))
    return gateway


async def accepted_job(gateway, job_id: str = "job-1") -> int:
    """A job accepted inside an upload's trace, as the upload route records it; the trace's id."""
    tenant_id = await gateway.tenant_id()
    with tracer("test").start_as_current_span("POST /v1/documents") as upload:
        async with gateway.service.runtime.sessions() as session, session.begin():
            await repository.record_submission(session, job_id, tenant_id, "tender.zip")
    return upload.get_span_context().trace_id


def poll_spans(exporter) -> list:
    return [span for span in exporter.get_finished_spans() if span.name == "GET /v1/jobs/{job_id}"]


async def test_a_poll_with_a_sampled_traceparent_continues_it_linked_to_the_jobs_trace(make_gateway, exporter):
    gateway = await traced_gateway(make_gateway, exporter, 0)
    job_trace = await accepted_job(gateway)
    headers = {"X-API-Key": await gateway.key(), "traceparent": f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-01"}
    assert (await gateway.client.get("/v1/jobs/job-1", headers=headers)).status_code == 200
    [poll] = poll_spans(exporter)
    assert poll.context.trace_id == int(CLIENT_TRACE, 16) != job_trace
    assert poll.parent.span_id == int(CLIENT_SPAN, 16)
    assert [link.context.trace_id for link in poll.links] == [job_trace]
    assert poll.attributes["http.response.status_code"] == 200


async def test_without_a_sampled_traceparent_and_a_ratio_of_0_a_poll_makes_no_span(make_gateway, exporter):
    gateway = await traced_gateway(make_gateway, exporter, 0)
    await accepted_job(gateway)
    exporter.clear()
    key = await gateway.key()
    unsampled = {"X-API-Key": key, "traceparent": f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-00"}
    for headers in ({"X-API-Key": key}, unsampled):
        assert (await gateway.client.get("/v1/jobs/job-1", headers=headers)).status_code == 200
    assert (await gateway.client.get("/v1/jobs/unknown", headers={"X-API-Key": key})).status_code == 404
    assert exporter.get_finished_spans() == ()
    assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": key})).status_code == 200
    assert any(span.name.startswith("GET /v1/jobs") for span in exporter.get_finished_spans())


async def test_a_poll_the_ratio_picks_is_a_new_root_linked_to_the_jobs_trace(make_gateway, exporter):
    gateway = await traced_gateway(make_gateway, exporter, 1)
    job_trace = await accepted_job(gateway)
    assert (await gateway.client.get("/v1/jobs/job-1", headers={"X-API-Key": await gateway.key()})).status_code == 200
    [poll] = poll_spans(exporter)
    assert poll.parent is None and poll.context.trace_id != job_trace
    assert [link.context.trace_id for link in poll.links] == [job_trace]


def finished_jobs(request: httpx.Request) -> httpx.Response:
    """The jobs service knowing every job as succeeded, so an event stream sends its end and closes at once."""
    if request.url.path == "/internal/jobs":
        return httpx.Response(200, json={"jobs": []})
    now = datetime.now(UTC)
    view = JobView(job_id=request.url.path.rsplit("/", 1)[-1], tenant_id="t", status="succeeded", stage="done",
                   progress=JobProgress(percent=100), filename="tender.zip", created_at=now, updated_at=now)
    return httpx.Response(200, json=view.model_dump(mode="json"), headers={VERSION_HEADER: "7"})


async def test_a_sampled_event_stream_is_one_span_linked_to_the_jobs_trace(make_gateway, exporter):
    gateway = await traced_gateway(make_gateway, exporter, 0, jobs=finished_jobs)
    job_trace = await accepted_job(gateway)
    key = await gateway.key()
    assert (await gateway.client.get("/v1/jobs/job-1/events", headers={"X-API-Key": key})).status_code == 200
    assert [span for span in exporter.get_finished_spans() if "/events" in span.name] == []
    headers = {"X-API-Key": key, "traceparent": f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-01"}
    response = await gateway.client.get("/v1/jobs/job-1/events", headers=headers)
    assert response.status_code == 200 and "event: end" in response.text
    [stream] = [span for span in exporter.get_finished_spans() if span.name == "GET /v1/jobs/{job_id}/events"]
    assert stream.context.trace_id == int(CLIENT_TRACE, 16)
    assert [link.context.trace_id for link in stream.links] == [job_trace]


async def test_a_jobs_link_is_read_once_a_minute_however_often_its_polls_are_traced(make_gateway, exporter):
    gateway = await traced_gateway(make_gateway, exporter, 1)
    job_trace = await accepted_job(gateway)
    database, opened, now = gateway.service.runtime.database, [], [0.0]

    def sessions():
        opened.append(now[0])
        return database.sessions()

    traces = JobTraces(Database(sessions, database.transaction), clock=lambda: now[0])
    tenant_id = await gateway.tenant_id()
    for now[0] in (0.0, 30.0, 59.9, 60.0, 61.0):
        with tracer("test").start_as_current_span("GET /v1/jobs/{job_id}") as poll:
            await traces.link_poll("job-1", tenant_id)
        assert [link.context.trace_id for link in poll.links] == [job_trace]
    assert opened == [0.0, 60.0]
