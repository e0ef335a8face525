"""What the suite does to the stack: uploads through the gateway, `kill -9` and restart, second replicas, and
poison or repeated records put straight on the topics."""

import asyncio
import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from tenderflow_cli.embedded import EmbeddedSystem
from tenderflow_common import topics
from tenderflow_common.contracts.ingest import package_id_of
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.testing.infra import Infra
from tenderflow_common.testing.stack import Stack, free_port
from tenderflow_common.testing.topics import create_prefixed_topics, delete_topics, new_prefix
from tenderflow_gateway import repository as gateway_repository
from tenderflow_ingest.testing.documents import tender_pdf

from .ledger import query_rows
from .watch import JobWatch

TENDERS = Path(__file__).resolve().parents[3] / "shared" / "data" / "tenders"
# Text-layer documents only: a scan's OCR would make every job minutes long on a shared two-core machine.
SHORT_PACKAGE = ("ted/20-155018-001-EXP.xml", "ted/21-000061-001-EXP.xml", "ocds/nsw-1.json",
                 "es/jaen-plants-anuncio.pdf", "us/gsa-dol-14c-sf1449.pdf", "br/ufop-edital-pregao.pdf")
FULL_PACKAGE = SHORT_PACKAGE + ("ted/18-151256-001-EXP.xml", "ted/19-090974-001-EXP.xml", "ocds/nsw-2.json",
                                "ocds/montreal-0636358.json", "es/jaen-plants-pcap.pdf", "es/jaen-plants-anexo-i.pdf",
                                "br/dom-macedo-costa-edital-pregao.pdf", "us/gsa-ads-bpa-rfq.pdf",
                                "in/idfoi-rfp-epayment-gateway.pdf")


def tender_package(files: tuple[str, ...], generated_pdfs: int = 0) -> bytes:
    """A package of real tender documents, built at test time from the shared folder, and as many generated
    30-page tender PDFs: they keep extraction going, a document at a time, however fast the real ones are read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in files:
            archive.write(TENDERS / name, name)
        for seed in range(generated_pdfs):
            archive.writestr(f"annexes/annex-{seed + 1:02d}.pdf", tender_pdf(pages=30, seed=seed))
    return buffer.getvalue()


async def tenant_with_key(stack: Stack, tenant: str) -> tuple[str, str]:
    engine = create_engine(stack.databases["gateway"], pool_size=1)
    try:
        async with session_factory(engine)() as session, session.begin():
            tenant_id = await gateway_repository.ensure_tenant(session, tenant)
            _, key = await gateway_repository.create_key(session, tenant_id)
        return tenant_id, key
    finally:
        await engine.dispose()


async def upload(stack: Stack, key: str, package: bytes, questions: int | None = None) -> str:
    """Submit a package through the gateway, with `questions` questions of its own if given; the job's id."""
    name = f"tender-{uuid.uuid4().hex[:8]}.zip"
    form = {} if questions is None else {"questions": json.dumps(
        [{"id": f"q{n}", "text": f"What does the tender say about delivery item {n}?"} for n in range(questions)])}
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=60) as client:
        response = await client.post("/v1/documents", data=form,
                                     files={"file": (name, package, "application/zip")})
    assert response.status_code == 202, response.text
    return response.json()["job_id"]


@contextlib.asynccontextmanager
async def running_stack(infra: Infra, work_dir: Path, **extra_env: str) -> AsyncIterator[Stack]:
    """The five services over `infra`, with fresh databases and topics under a fresh prefix, all gone afterwards."""
    prefix = new_prefix()
    names = await create_prefixed_topics(infra.kafka_bootstrap_servers, prefix)
    stack = Stack(infra=infra, topic_prefix=prefix, work_dir=work_dir, extra_env=extra_env)
    try:
        # Five Pythons importing at once on two shared cores can take minutes when other work runs beside them.
        await stack.start(float(os.environ.get("TENDERFLOW_STACK_READY_TIMEOUT", "180")))
        yield stack
    finally:
        await stack.stop()
        await delete_topics(infra.kafka_bootstrap_servers, names)


@contextlib.asynccontextmanager
async def watching(stack: Stack) -> AsyncIterator[JobWatch]:
    """Every job of the stack sampled while the block runs."""
    watch = JobWatch(stack.databases["jobs"])
    await watch.start()
    try:
        yield watch
    finally:
        await watch.stop()


def kill(stack: Stack, process: str) -> float:
    """`kill -9`: no shutdown hook runs, no offset or lease is given back. The moment it happened."""
    running = stack.processes.pop(process)
    running.kill()
    running.wait()
    return time.monotonic()


async def restart(stack: Stack, service: str) -> None:
    stack.start_service(service)
    await stack.wait_ready(120, services=(service,))


def start_replica(stack: Stack, service: str, name: str, **extra_env: str) -> None:
    """Another process of `service` in the same consumer group, on a port of its own (then `wait_ready`)."""
    stack.ports[name] = free_port()
    env = {**stack.environment(), f"TENDERFLOW_{service.upper()}_PORT": str(stack.ports[name]), **extra_env}
    log_file = (stack.work_dir / "logs" / f"{name}.log").open("ab")
    stack.processes[name] = subprocess.Popen([sys.executable, "-m", f"tenderflow_{service}"], env=env,
                                             stdout=log_file, stderr=subprocess.STDOUT)


def _process_tree(pid: int) -> list[int]:
    """The process and its descendants (an ingest replica's sandbox server and the child extracting)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid] + [descendant for child in children for descendant in _process_tree(int(child))]


def pause(stack: Stack, process: str) -> list[int]:
    """SIGSTOP the process and its children, as a frozen VM or a long GC pause would: it holds whatever it held,
    renews nothing and knows nothing of the time passing. The pids stopped, for `resume`."""
    stopped = _process_tree(stack.processes[process].pid)
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    return stopped


def resume(stopped: list[int]) -> None:
    for pid in stopped:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


async def spool_folders_left(work_dirs: list[Path], timeout_seconds: float) -> list[str]:
    """The ingest spool folders still under these work folders once they are gone or the timeout has passed."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        left = [str(folder) for work_dir in work_dirs if work_dir.is_dir() for folder in work_dir.iterdir()]
        if not left or time.monotonic() > deadline:
            return left
        await asyncio.sleep(0.5)


# A claimed task being worked on: ingest's packages are `processing`, questions' runs `running`.
_WORKED_ON = "status IN ('processing', 'running')"


async def still_working(stack: Stack, service: str, table: str) -> bool:
    """Whether a claimed task in `table` is still being worked on (the job has not moved past it)."""
    working = await query_rows(stack.databases[service],
                               f"SELECT count(*) AS n FROM {table} WHERE {_WORKED_ON}")
    return bool(working[0]["n"])


async def package_indexed(stack: Stack, job_id: str) -> bool:
    """Whether the workspace holds any document of the job's package yet."""
    indexed = await query_rows(stack.databases["workspace"],
                               "SELECT count(*) AS n FROM documents WHERE package_id = $1", package_id_of(job_id))
    return bool(indexed[0]["n"])


async def claimed_again(stack: Stack, service: str, table: str, since: datetime, timeout_seconds: float) -> float:
    """Seconds until another process claimed the work a killed one held (its lease was renewed by no one since)."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        latest = await query_rows(stack.databases[service], f"SELECT max(claimed_at) AS at FROM {table}")
        if latest[0]["at"] > since:
            return (datetime.now(UTC) - since).total_seconds()
        if not await still_working(stack, service, table):
            raise AssertionError(f"the {table} work ended before any replica took it over")
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {service} replica took the {table} over in {timeout_seconds} s")


# FastStream logs each assignment a consumer is given: "... assigned to partitions: (TopicPartition(...), ...)".
_ASSIGNED = "assigned to partitions"
_TOPIC_PARTITION = re.compile(r"TopicPartition\(topic='([^']+)', partition=(\d+)\)")


def _assigned(stack: Stack, process: str, topic: str) -> set[int]:
    """The partitions of `topic` a replica was last given, as its log says."""
    lines = [line for line in stack.log_tail(process, lines=5000).splitlines() if _ASSIGNED in line]
    return {int(partition) for name, partition in _TOPIC_PARTITION.findall(lines[-1]) if name == topic} if lines \
        else set()


async def partition_holder(stack: Stack, replicas: tuple[str, ...], topic: str, key: str,
                           timeout_seconds: float) -> str:
    """The replica whose consumer holds the partition of `topic` that records keyed `key` go to, once the group has
    split the topic's partitions between the replicas (each holds some, none holds one twice)."""
    name = stack.topic_prefix + topic
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        held = {replica: _assigned(stack, replica, name) for replica in replicas}
        partitions = sorted(set().union(*held.values()))
        if all(held.values()) and sum(map(len, held.values())) == len(partitions):
            partition = DefaultPartitioner()(key.encode(), partitions, partitions)
            return next(replica for replica, mine in held.items() if partition in mine)
        await asyncio.sleep(0.5)
    raise AssertionError(f"the replicas {replicas} did not split {topic} in {timeout_seconds} s")


async def claim_holder(stack: Stack, replicas: tuple[str, ...], service: str, table: str) -> str:
    """The replica whose process holds the live claim on the work in `table` (`claimed_by` ends with its pid)."""
    holders = await query_rows(stack.databases[service],
                               f"SELECT claimed_by FROM {table} WHERE {_WORKED_ON}")
    pids = {int(row["claimed_by"].rsplit(":", 1)[1]) for row in holders}
    holding = [replica for replica in replicas if stack.processes[replica].pid in pids]
    assert len(holding) == 1, f"the {table} claims are held by {sorted(pids)}, not by one of {replicas}"
    return holding[0]


def consumer_groups_by_topic(scratch: Path) -> Counter:
    """How many consumer groups read each topic: each of them dead-letters a poison message once."""

    class Subscriptions:
        def __init__(self) -> None:
            self.read: Counter = Counter()

        def subscribe(self, topic_names, group_id, handler, max_records=None) -> None:
            self.read.update(topic_names)

    recording = Subscriptions()
    EmbeddedSystem(scratch, transport=recording).build()
    return recording.read


async def put_on_topics(stack: Stack, records: list[tuple[str, bytes | None, bytes, list]]) -> None:
    """Produce (topic, key, value, headers) records under the stack's prefix, as another producer would."""
    producer = AIOKafkaProducer(bootstrap_servers=stack.infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        for topic, key, value, headers in records:
            await producer.send_and_wait(stack.topic_prefix + topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


POISON = (
    # Headers that are not text too: a header with no value, and bytes that are not UTF-8.
    (b"\xff not an envelope", [("x-empty", None), ("x-latin-1", "café".encode("latin-1"))]),
    (b'{"specversion": "1.0", "type": "tenderflow.unknown.v1"}', []),
)


def poison_for_every_topic(job_id: str) -> list[tuple[str, bytes, bytes, list]]:
    """Records no consumer can handle, on every pipeline topic, keyed to a running job."""
    return [(topic, job_id.encode(), value, headers) for topic in topics.PIPELINE_TOPICS for value, headers in POISON]
