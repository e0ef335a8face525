"""Every record of a running job delivered again, and poison on every topic: the job's effects happen once, each
poison message is dead-lettered once by every consumer group that reads its topic, and nothing else is."""

import asyncio
from collections import Counter

import pytest

from tenderflow_common import topics

from .faults import (
    POISON,
    SHORT_PACKAGE,
    consumer_groups_by_topic,
    poison_for_every_topic,
    put_on_topics,
    tenant_with_key,
    tender_package,
    upload,
)

pytestmark = pytest.mark.faults
JOB_SECONDS = 600.0
POISON_VALUES = {value for value, _ in POISON}


async def records_of(ledger, job_id: str) -> list[tuple[str, bytes, bytes, list]]:
    """What the topics carry for the job so far, ready to be produced again as they were (the poison is sent
    once, so that the dead letters it is due are known)."""
    return [(topic, record.key, record.value, list(record.headers or ()))
            for topic, batch in (await ledger.topic_records()).items() if topic in topics.PIPELINE_TOPICS
            for record in batch if record.key == job_id.encode() and record.value not in POISON_VALUES]


async def test_duplicates_and_poison_on_every_topic_change_nothing_twice(
        fault_stack, watch, ledger, report, dead_letters_due, tmp_path):
    tenant_id, key = await tenant_with_key(fault_stack, "messages")
    job_id = await upload(fault_stack, key, tender_package(SHORT_PACKAGE))
    poison = poison_for_every_topic(job_id)

    await watch.wait_for(job_id, lambda s: s.documents_extracted >= 1, JOB_SECONDS)
    await put_on_topics(fault_stack, poison + await records_of(ledger, job_id))
    await watch.wait_for(job_id, lambda s: s.stage == "answering", JOB_SECONDS)
    repeated = await records_of(ledger, job_id)
    await put_on_topics(fault_stack, repeated)
    await watch.wait_for(job_id, lambda s: s.terminal, JOB_SECONDS)
    await put_on_topics(fault_stack, await records_of(ledger, job_id))

    readers = consumer_groups_by_topic(tmp_path)
    sent = Counter(topic for topic, *_ in poison)
    dead_letters_due.update({topic: sent[topic] * readers[topic] for topic in sent})
    check = await _settled_check(ledger, watch, job_id, dead_letters_due)
    replay = await ledger.replay_matches_live(tenant_id)
    report.record("duplicate delivery of every record (3 times) and poison on every topic",
                  f"{len(repeated)} records repeated while answering; {sum(sent.values())} poison",
                  None, check.summary())
    assert check.problems == []
    assert replay == []


async def _settled_check(ledger, watch, job_id: str, due: Counter, timeout_seconds: float = 60.0):
    """The consumers read poison at their own pace: check until every dead letter is in, or the time is up."""
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    while True:
        check = await ledger.check([job_id], watch, dead_letters_due=due)
        if not check.problems or asyncio.get_running_loop().time() > deadline:
            return check
        await asyncio.sleep(2)
