"""How the job event stream is described in the OpenAPI document, with an example of a whole stream."""

from datetime import UTC, datetime

from tenderflow_common.contracts.jobs import JobProgress, JobView

_STARTED = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
_RUNNING = JobView(job_id="01JD4S6V8X", tenant_id="01JD4S5K2M", status="running", stage="ingesting",
                   progress=JobProgress(percent=40, files_total=4, files_accepted=4, documents_extracted=2, pages=3),
                   eta_seconds=6.0, filename="harbour-works.zip", created_at=_STARTED,
                   updated_at=_STARTED.replace(second=4))
_FINISHED = _RUNNING.model_copy(update={
    "status": "succeeded", "stage": "done", "eta_seconds": None, "updated_at": _STARTED.replace(second=11),
    "finished_at": _STARTED.replace(second=11),
    "progress": JobProgress(percent=100, files_total=4, files_accepted=4, documents_extracted=4, pages=7, chunks=12,
                            questions_total=11, questions_answered=11)})
EXAMPLE = (f"id: 7\r\nevent: job\r\ndata: {_RUNNING.model_dump_json()}\r\n\r\n"
           ": ping - 2026-12-02 12:00:19.000000+00:00\r\n\r\n"
           f"id: 31\r\nevent: end\r\ndata: {_FINISHED.model_dump_json()}\r\n\r\n")
# One event of the stream (what an SSE client hands over per event; keep-alive comments are not events).
EVENT_SCHEMA = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["job", "end", "gone"]},
        "id": {"type": "string", "description": "The job view's version: send it back as `Last-Event-ID`."},
        "data": {"type": "string", "description": "JSON: the job as `GET /v1/jobs/{job_id}` returns it (for `gone`, "
                                                  "a problem)."},
    },
}
GONE = {"type": "urn:tenderflow:problem:job-not-found", "title": "Job not found", "status": 404}

EVENTS_RESPONSES = {
    200: {"description": "A stream of `job` events, then one `end` event; `id` is the job view's version.",
          "content": {"text/event-stream": {"schema": EVENT_SCHEMA, "example": EXAMPLE}}},
    429: {"description": "Past the tenant's requests per minute, or the tenant already follows as many jobs at "
                         "once as a replica allows (`too-many-streams`); see `Retry-After`"},
    503: {"description": "A service behind the gateway is unavailable, or this replica holds as many streams as "
                         "it can (`streams-full`); see `Retry-After`"},
}
