"""Use cases: fold each message into its job; a cancel command becomes a fact every service reacts to."""

from tenderflow_common.contracts.jobs import CancelJob, JobCancelRequested
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.messages import Message
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_jobs import projection, repository

SOURCE = "tenderflow/jobs"


async def fold(message: Message, envelope: Envelope, uow: UnitOfWork) -> None:
    """Apply one command or event to the job it belongs to, creating the job if this is its first message."""
    state = await repository.get(uow.session, envelope.jobid, for_update=True)
    is_new = state is None
    if is_new:
        state = projection.new_job(envelope)
    elif state.tenant_id != envelope.tenantid:
        return
    was_terminal = state.terminal
    state = projection.apply(state, message, envelope)
    await repository.save(uow.session, state, new=is_new)
    if isinstance(message, CancelJob) and state.cancel_requested and not was_terminal:
        await uow.emit(envelope.follow(JobCancelRequested(reason=message.reason), source=SOURCE,
                                       message_id=stable_id(envelope.jobid, "cancel-requested")))
