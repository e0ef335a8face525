"""A lean keep-alive HTTP/1.1 GET driver, so the client spends far less CPU than the servers it measures.

A closed loop (N connections, each sending its next request when the last answer arrives) finds the saturation
rate; an open loop sends on a fixed schedule, whatever the answers do, and measures each latency from the moment
the request was due, so a server falling behind shows in the tail instead of slowing the client down."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """What one phase measured."""

    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        """Milliseconds under which `fraction` of the requests finished."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def line(self) -> str:
        return (f"{self.rate:8.0f} req/s   p50 {self.percentile(0.5):6.1f} ms   p99 {self.percentile(0.99):6.1f} ms"
                f"   errors {self.errors}")


@contextlib.contextmanager
def no_collector_pauses() -> Iterator[None]:
    """Keep the client's garbage collector out of a phase: a full collection of the client's own heap stalled it
    for 50 to 125 ms, and every request due meanwhile counted the pause as the server's latency."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Connection:
    """One persistent connection sending the same GET again and again."""

    def __init__(self, host: str, port: int, request: bytes) -> None:
        self.host, self.port, self.request = host, port, request
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self) -> int:
        """The status of one more answer (its body read and dropped)."""
        reused = self.writer is not None
        try:
            return await self._answer()
        except (asyncio.IncompleteReadError, ConnectionResetError):
            if not reused:
                raise
            # The server closes a keep-alive connection left idle past its timeout: open a new one and ask again.
            self.close()
            self.writer = None
            return await self._answer()

    async def _answer(self) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return int(head[9:12])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def request_bytes(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def closed_loop(host: str, port: int, request: bytes, connections: int, seconds: float) -> Result:
    """`connections` clients, each waiting for its answer before asking again, for `seconds`."""
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        connection = Connection(host, port, request)
        try:
            while (started := time.perf_counter()) < stop_at:
                if await connection.get() != 200:
                    errors += 1
                latencies.append(time.perf_counter() - started)
        finally:
            connection.close()

    began = time.perf_counter()
    with no_collector_pauses():
        await asyncio.gather(*(client() for _ in range(connections)))
    return Result(len(latencies), errors, time.perf_counter() - began, latencies)


async def open_loop(host: str, port: int, request: bytes, rate: float, seconds: float,
                    max_connections: int = 256, timeout_seconds: float = 30.0) -> Result:
    """Requests due every 1/`rate` seconds, each on an idle connection (a new one when none is idle, up to
    `max_connections`; past that a request waits for one, its wait counted in its latency). A request unanswered
    after `timeout_seconds` is an error, its connection dropped."""
    idle: list[Connection] = []
    opened: set[Connection] = set()
    free = asyncio.Semaphore(max_connections)
    latencies: list[float] = []
    errors = 0

    async def send(due: float) -> None:
        nonlocal errors
        async with free:
            connection = idle.pop() if idle else Connection(host, port, request)
            opened.add(connection)
            try:
                status = await asyncio.wait_for(connection.get(), timeout_seconds)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                errors += 1
                connection.close()
                opened.discard(connection)
                return
            errors += status != 200
            latencies.append(time.perf_counter() - due)
            idle.append(connection)

    in_flight: set[asyncio.Task] = set()  # a finished request's task is let go, so the client's heap stays small
    with no_collector_pauses():
        began = time.perf_counter()
        for index in range(int(rate * seconds)):
            due = began + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(send(due))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        await asyncio.gather(*in_flight)
        elapsed = time.perf_counter() - began
    for connection in opened:
        connection.close()
    return Result(len(latencies), errors, elapsed, latencies)


def median_rate(results: list[Result]) -> float:
    return statistics.median(result.rate for result in results)
