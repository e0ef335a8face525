"""`GET /v1/jobs`: the filters and cursor a client may send, checked here and passed on to the jobs service."""

from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from tenderflow_common.contracts.jobs import JobKind, JobPage, ListedStatus
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.problems import Problem

JOB_HISTORY_PROBLEMS = {422: {
    "description": "A filter value the API does not know, a parameter that is not a filter, or a cursor that no "
                   "earlier page returned",
    "content": {"application/problem+json": {"schema": {"type": "object"}}}}}


class JobHistoryQuery(BaseModel):
    """Any other parameter is refused, so a mistyped filter cannot silently list every job."""

    model_config = ConfigDict(extra="forbid")

    status: ListedStatus | None = Field(default=None, examples=["succeeded"], description="Only jobs with this status.")
    kind: JobKind | None = Field(default=None, examples=["run"],
                                 description="`upload` or `run` (questions asked again over a workspace).")
    workspace: str | None = Field(default=None, min_length=1, max_length=100, examples=["harbour"],
                                  description="Only jobs in this workspace, named by its id or its name.")
    created_after: AwareDatetime | None = Field(default=None, examples=["2026-03-01T00:00:00Z"],
                                                description="Only jobs created after this instant (with its offset).")
    created_before: AwareDatetime | None = Field(default=None, examples=["2026-04-01T00:00:00Z"],
                                                 description="Only jobs created before this instant.")
    limit: int = Field(default=50, ge=1, le=200, description="Jobs per page.")
    cursor: str | None = Field(default=None, min_length=1, max_length=500,
                               description="The `next_cursor` of the previous page, with the same filters.")

    @field_validator("created_after", "created_before", mode="before")
    @classmethod
    def _not_a_number(cls, value: object) -> object:
        """Only ISO 8601, as documented: a number would otherwise be taken for seconds since 1970."""
        try:
            float(str(value))
        except ValueError:
            return value
        raise ValueError("must be an ISO 8601 instant with its offset, not a number")

    @field_validator("created_after", "created_before")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """The jobs service compares instants in UTC; an offset that carries one past year 9999 there names none."""
        try:
            return value.astimezone(UTC) if value else None
        except OverflowError as error:
            raise ValueError("is past the last instant once converted to UTC") from error


async def job_page(jobs: InternalClient, tenant_id: str, query: JobHistoryQuery) -> JobPage:
    """One page of the tenant's history; a cursor the jobs service did not hand out is the client's mistake."""
    response = await jobs.get("/internal/jobs", tenant_id=tenant_id, **query.model_dump(mode="json",
                                                                                        exclude_none=True))
    if response.status_code == 422:
        raise Problem(422, "Invalid cursor", "`cursor` must be the `next_cursor` of an earlier page.",
                      kind="validation")
    return JobPage.model_validate_json(response.content)
