"""A job cancelled before its run is remembered only while a message about it may still arrive: housekeeping
forgets it with the processed messages."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_questions.main import MIGRATIONS, build_service
from tenderflow_questions.models import cancelled_jobs
from tenderflow_questions.settings import QuestionsSettings


async def test_a_cancelled_job_is_forgotten_after_the_processed_message_retention(tmp_path) -> None:
    settings = QuestionsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'questions.db'}")
    runtime = build_service(settings, transport=InMemoryTransport()).runtime
    await upgrade_to_head(MIGRATIONS, runtime.database_url)
    retention = timedelta(hours=settings.messaging.processed_retention_hours)
    try:
        async with runtime.sessions() as session, session.begin():
            await session.execute(insert(cancelled_jobs).values(job_id="job-1"))
        now = datetime.now(UTC)
        await runtime.housekeeping.delete_some(now + retention - timedelta(minutes=5))
        assert await remembered(runtime) == 1

        await runtime.housekeeping.delete_some(now + retention + timedelta(minutes=5))
        assert await remembered(runtime) == 0
    finally:
        await runtime.engine.dispose()


async def remembered(runtime) -> int:
    async with runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(cancelled_jobs))
