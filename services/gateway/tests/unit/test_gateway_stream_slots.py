"""Open event streams are bounded per tenant (429) and per replica (503), and a released slot is free again."""

import pytest

from tenderflow_common.problems import Problem
from tenderflow_gateway.stream_slots import StreamSlots


async def test_a_tenant_past_its_streams_gets_429_and_a_full_replica_503() -> None:
    slots = StreamSlots(per_tenant=2, per_replica=3)
    slots.take("acme")
    slots.take("acme")
    with pytest.raises(Problem) as tenant_full:
        slots.take("acme")
    assert tenant_full.value.status == 429 and tenant_full.value.kind == "too-many-streams"
    assert tenant_full.value.headers["Retry-After"]

    slots.take("globex")
    with pytest.raises(Problem) as replica_full:
        slots.take("initech")
    assert replica_full.value.status == 503 and replica_full.value.kind == "streams-full"
    assert slots.open() == 3

    await slots.release("acme")
    slots.take("initech")
    await slots.release("globex")
    slots.take("acme")
    assert slots.open() == 3
