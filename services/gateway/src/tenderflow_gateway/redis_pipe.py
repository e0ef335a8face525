"""One pipelined Redis connection for the scripts every request runs (its rate limit, a poll's view).

redis-py's asyncio client spends about 0.1 ms of CPU on a call (a pool checkout, command packing, its parser and
timeout machinery), a fifth of a job poll, and a socket write of its own. Here a command is packed into RESP and
written to one connection that every request shares, together with the other commands sent in the same turn of the
event loop (one system call for all of them); hiredis parses the answers in C and they are handed back in the order
the commands went out."""

import asyncio
import collections
import functools
import hashlib
import ssl
from typing import Any

import hiredis
from redis.connection import SSLConnection, parse_url

TIMEOUT_SECONDS = 5.0


def pack(*parts: str | bytes | int | float) -> bytes:
    """A command in RESP: an array of bulk strings."""
    encoded = [part if isinstance(part, bytes) else str(part).encode() for part in parts]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in encoded)


class Script:
    """A Lua script run by its SHA1, and by its source once when Redis does not know it (first use, a restart)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()


class _Answers(asyncio.Protocol):
    """Answers handed to the commands waiting for them, first written first answered.

    One timer watches the oldest command, rather than a timeout of each command's own (a timer set and cancelled
    per request): once it is `timeout_seconds` old unanswered, the server has stalled, the connection is dropped
    and every command waiting on it fails with TimeoutError."""

    def __init__(self, timeout_seconds: float) -> None:
        self.parser = hiredis.Reader()
        self.timeout_seconds = timeout_seconds
        # Each waiting command's future and the loop time by which it must be answered.
        self.waiting: collections.deque[tuple[asyncio.Future, float]] = collections.deque()
        self.outgoing: list[bytes] = []
        self.transport: asyncio.Transport | None = None
        self._watch: asyncio.TimerHandle | None = None
        self._stalled = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        # An answer no command waits for, or bytes that are not RESP, raise here; asyncio then closes the
        # connection, every waiting command fails, and the next one connects again.
        self.parser.feed(data)
        while (answer := self.parser.gets()) is not False:
            waiter = self.waiting.popleft()[0]
            if not waiter.done():
                waiter.set_result(answer)

    def connection_lost(self, error: Exception | None) -> None:
        self.transport = None
        if self._watch is not None:
            self._watch.cancel()
        while self.waiting:
            waiter = self.waiting.popleft()[0]
            if not waiter.done():
                waiter.set_exception(TimeoutError(f"Redis did not answer in {self.timeout_seconds} s")
                                     if self._stalled else
                                     ConnectionError(f"the connection to Redis was lost: {error or 'closed'}"))

    @property
    def open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def send(self, command: bytes) -> asyncio.Future:
        """The command goes out with the others sent in this turn of the event loop, in one write."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        self.waiting.append((waiter, loop.time() + self.timeout_seconds))
        if self._watch is None:
            self._watch = loop.call_later(self.timeout_seconds, self._check_oldest)
        if not self.outgoing:
            loop.call_soon(self._flush)
        self.outgoing.append(command)
        return waiter

    def _check_oldest(self) -> None:
        self._watch = None
        if not self.waiting or self.transport is None:
            return
        loop = asyncio.get_running_loop()
        due = self.waiting[0][1]
        if due > loop.time():
            self._watch = loop.call_at(due, self._check_oldest)
            return
        self._stalled = True
        self.transport.abort()

    def _flush(self) -> None:
        commands, self.outgoing = self.outgoing, []
        if self.transport is not None:
            self.transport.write(b"".join(commands))


class RedisPipe:
    """A connection opened on first use and again after it is lost; a command unanswered in `timeout_seconds`
    fails, and closes the connection so that no later command waits behind a stalled server."""

    def __init__(self, url: str, timeout_seconds: float = TIMEOUT_SECONDS) -> None:
        self._options = parse_url(url)
        self._timeout = timeout_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None
        self._answers: _Answers | None = None

    async def call(self, *parts: str | bytes | int | float) -> Any:
        """The command's answer; an error answer is raised as hiredis.ReplyError."""
        answers = self._answers
        if answers is None or not answers.open or self._loop is not asyncio.get_running_loop():
            answers = await self._connected()
        answer = await answers.send(pack(*parts))
        if isinstance(answer, hiredis.ReplyError):
            raise answer
        return answer

    async def run(self, script: Script, keys: list[str], args: list) -> Any:
        try:
            return await self.call("EVALSHA", script.sha, len(keys), *keys, *args)
        except hiredis.ReplyError as error:
            if not str(error).startswith("NOSCRIPT"):
                raise
        return await self.call("EVAL", script.source, len(keys), *keys, *args)

    async def aclose(self) -> None:
        if self._answers is not None and self._answers.open:
            self._answers.transport.close()  # type: ignore[union-attr]
        self._answers = None

    async def _connected(self) -> _Answers:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # An event loop of its own (tests run one per test) needs a connection of its own.
            self._loop, self._lock, self._answers = loop, asyncio.Lock(), None
        if self._answers is not None and self._answers.open:
            return self._answers
        async with self._lock:  # type: ignore[union-attr]
            if self._answers is None or not self._answers.open:
                self._answers = await asyncio.wait_for(self._connect(loop), self._timeout)
            return self._answers

    async def _connect(self, loop: asyncio.AbstractEventLoop) -> _Answers:
        options, protocol = self._options, functools.partial(_Answers, self._timeout)
        if "path" in options:
            _, answers = await loop.create_unix_connection(protocol, options["path"])
        else:
            tls = ssl.create_default_context() if options.get("connection_class") is SSLConnection else None
            _, answers = await loop.create_connection(protocol, options.get("host", "localhost"),
                                                      options.get("port", 6379), ssl=tls)
        greetings = []
        if options.get("password"):
            greetings.append(("AUTH", *filter(None, (options.get("username"), options["password"]))))
        if options.get("db"):
            greetings.append(("SELECT", options["db"]))
        for answer in await asyncio.gather(*(answers.send(pack(*greeting)) for greeting in greetings)):
            if isinstance(answer, hiredis.ReplyError):
                answers.transport.close()  # type: ignore[union-attr]
                raise answer
        return answers
