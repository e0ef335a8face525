"""Use cases: fold each message into its job; a cancel command becomes a fact every service reacts to."""

import functools
from collections.abc import Iterable

from tenderflow_common.contracts.jobs import CancelJob, JobCancelRequested, JobPurged, JobStalled, PurgeJob
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.messages import Message
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_jobs import job_metrics, projection, repository
from tenderflow_jobs.read_model import JobViews

SOURCE = "tenderflow/jobs"


async def fold(message: Message, envelope: Envelope, uow: UnitOfWork, views: JobViews | None = None) -> set[str]:
    """Apply one command or event to the job it belongs to, creating the job if this is its first message."""
    repeated = await fold_poll([(message, envelope)], frozenset({envelope.jobid}), uow, views)
    return {seen.id for seen in repeated}


async def fold_poll(messages: Iterable[tuple[Message, Envelope]], keys: frozenset[str], uow: UnitOfWork,
                    views: JobViews | None = None) -> list[Envelope]:
    """Apply messages in delivery order to their jobs in memory, then write each job they touched once; returns
    the envelopes of those their jobs had folded before, which the consumer counts as duplicates.

    The jobs named by `keys` are read first in one query; a job whose messages were keyed otherwise is read when
    its first message comes. The result is the same as folding them one by one: each job sees its own messages in
    the same order, and a message whose tenant is not its job's is ignored as it would be alone."""
    stored = await repository.get_many(uow.session, keys, for_update=True)
    looked_up = set(keys)
    drafts: dict[str, projection.Draft] = {}
    repeated: list[Envelope] = []
    for message, envelope in messages:
        job = drafts.get(envelope.jobid)
        if job is None:
            if envelope.jobid not in looked_up:
                looked_up.add(envelope.jobid)
                stored |= await repository.get_many(uow.session, {envelope.jobid}, for_update=True)
            job = drafts[envelope.jobid] = projection.Draft(stored.get(envelope.jobid) or projection.new_job(envelope))
        if job.tenant_id != envelope.tenantid:
            continue
        was_terminal, was_purged = job.terminal, job.status == "purged"
        if not projection.fold(job, message, envelope):
            repeated.append(envelope)
            continue
        if job.terminal and not was_terminal:
            uow.after_commit(functools.partial(job_metrics.observe_end, job.freeze()))
        if job.terminal and not was_terminal and isinstance(message, CancelJob | JobStalled):
            # A stalled job's work is stopped like a cancelled one's, so a late worker spends nothing on it.
            reason = message.reason if isinstance(message, CancelJob) else "stalled"
            await uow.emit(envelope.follow(JobCancelRequested(reason=reason), source=SOURCE,
                                           message_id=stable_id(envelope.jobid, "cancel-requested")))
        if job.status == "purged" and not was_purged and isinstance(message, PurgeJob):
            await uow.emit(envelope.follow(JobPurged(reason="deleted"), source=SOURCE,
                                           message_id=stable_id(envelope.jobid, "purged")))
    states = {job_id: job.freeze() for job_id, job in drafts.items()}
    await repository.save_many(uow.session, [state for job_id, state in states.items() if job_id not in stored],
                               new=True)
    await repository.update_many(uow.session, [state for job_id, state in states.items() if job_id in stored], stored)
    if views is not None:
        # Pending before the commit, put after it: the gateway never serves a view older than this database.
        await views.mark_pending(states.values())
        uow.after_commit(functools.partial(views.publish, list(states.values())))
    return repeated
