"""The gateway's one pipelined Redis connection: answers reach the commands that asked, in any number at once, and it
comes back by itself after Redis drops it or forgets its scripts."""

import asyncio
import uuid

import hiredis
import pytest
import redis.asyncio as redis

from tenderflow_gateway.redis_pipe import RedisPipe, Script

pytestmark = pytest.mark.integration


async def test_concurrent_commands_each_get_their_own_answer(redis_url):
    pipe = RedisPipe(redis_url)
    answers = await asyncio.gather(*(pipe.call("ECHO", f"answer {n}") for n in range(500)))
    assert answers == [f"answer {n}".encode() for n in range(500)]
    await pipe.aclose()


async def test_an_error_answer_is_raised_and_the_connection_goes_on(redis_url):
    pipe, key = RedisPipe(redis_url), f"test-{uuid.uuid4().hex}"
    await pipe.call("SET", key, "text")
    with pytest.raises(hiredis.ReplyError, match="WRONGTYPE"):
        await pipe.call("LPUSH", key, "x")
    assert await pipe.call("GET", key) == b"text"
    await pipe.call("DEL", key)
    await pipe.aclose()


async def test_a_dropped_connection_fails_only_what_was_waiting_and_the_next_command_reconnects(redis_url):
    pipe = RedisPipe(redis_url)
    own_id = await pipe.call("CLIENT", "ID")
    async with redis.from_url(redis_url) as admin:
        await admin.execute_command("CLIENT", "KILL", "ID", own_id)
    assert await pipe.call("ECHO", "back") == b"back"
    assert await pipe.call("CLIENT", "ID") != own_id
    await pipe.aclose()


async def test_a_script_redis_does_not_know_is_sent_whole(redis_url):
    pipe, script = RedisPipe(redis_url), Script(f"return '{uuid.uuid4().hex}'")
    assert await pipe.call("SCRIPT", "EXISTS", script.sha) == [0]
    assert await pipe.run(script, [], []) == script.source.split("'")[1].encode()
    assert await pipe.call("SCRIPT", "EXISTS", script.sha) == [1]
    await pipe.aclose()


async def test_a_stalled_server_fails_the_command_at_its_timeout(redis_url):
    pipe = RedisPipe(redis_url, timeout_seconds=0.2)
    with pytest.raises(TimeoutError):
        await pipe.call("BLPOP", f"test-empty-{uuid.uuid4().hex}", 2)
    assert await pipe.call("ECHO", "after") == b"after"
    await pipe.aclose()


async def test_every_command_waiting_behind_a_stalled_one_fails_with_it(redis_url):
    pipe = RedisPipe(redis_url, timeout_seconds=0.2)
    stalled = asyncio.ensure_future(pipe.call("BLPOP", f"test-empty-{uuid.uuid4().hex}", 2))
    await asyncio.sleep(0.1)
    started = asyncio.get_running_loop().time()
    behind = await asyncio.gather(stalled, pipe.call("ECHO", "behind"), return_exceptions=True)
    assert [type(error) for error in behind] == [TimeoutError, TimeoutError]
    assert asyncio.get_running_loop().time() - started < 1.0
    assert await pipe.call("ECHO", "after") == b"after"
    await pipe.aclose()
