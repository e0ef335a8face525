"""How soon a followed job's stream hears of a new view: the jobs service's writer puts it and announces it, and the
gateway's one subscription wakes the stream; measured over the real Redis, beside the re-read interval a stream
would otherwise wait for.

    set -a; . .run/infra.env; set +a; .venv/bin/python services/gateway/benchmarks/bench_job_events.py

`BENCH_WRITES` (200) views are written one after another, each with one stream following its job; the time from
handing the view to the writer to the stream being woken is the notice latency. The ratio is the median notice
latency over the mean wait of a stream that only re-reads (half of `TENDERFLOW_GATEWAY_EVENTS_REREAD_SECONDS`).
"""

import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, datetime

import redis.asyncio as redis

from tenderflow_common.job_views import changes_channel
from tenderflow_gateway.job_changes import JobChanges
from tenderflow_gateway.settings import GatewaySettings
from tenderflow_jobs.projection import JobState
from tenderflow_jobs.read_model import JobViews

WRITES = int(os.environ.get("BENCH_WRITES", "200"))


async def subscribed(client: redis.Redis, namespace: str) -> None:
    for _ in range(200):
        if (await client.pubsub_numsub(changes_channel(namespace)))[0][1]:
            return
        await asyncio.sleep(0.05)
    raise RuntimeError("the gateway's subscription never showed up in Redis")


async def main() -> None:
    url, namespace = os.environ["TENDERFLOW_REDIS_URL"], f"bench-{uuid.uuid4().hex}."
    client = redis.from_url(url)
    views, changes = JobViews(redis.from_url(url), namespace), JobChanges(client, namespace)
    tasks = [asyncio.create_task(changes.run())]
    await subscribed(client, namespace)
    tasks.append(asyncio.create_task(views.run()))
    now, waits = datetime.now(UTC), []
    try:
        for index in range(WRITES):
            state = JobState(job_id=f"job-{index}", tenant_id="bench", created_at=now, updated_at=now, version=1)
            with changes.follow(state.tenant_id, state.job_id) as woken:
                started = time.perf_counter()
                views.publish([state])
                await woken.wait()
                waits.append(time.perf_counter() - started)
    finally:
        for task in tasks:
            task.cancel()
        await views.aclose()
        await client.aclose()
    waits.sort()
    reread = GatewaySettings.model_fields["events_reread_seconds"].default
    median = statistics.median(waits)
    print(f"notice latency over {len(waits)} writes: p50 {median * 1000:.1f} ms, "
          f"p95 {waits[int(len(waits) * 0.95)] * 1000:.1f} ms, max {waits[-1] * 1000:.1f} ms")
    print(f"re-read alone: {reread / 2:.1f} s on average; notice p50 / re-read wait = {median / (reread / 2):.4f}")


if __name__ == "__main__":
    asyncio.run(main())
