"""Calls to a model API: bounded retries that honour Retry-After, and a circuit breaker per provider.

Each provider says which of its SDK's errors are worth another try (rate limits, overload, 5xx, connection
errors and timeouts) and how long the server asked it to wait; a 4xx that will fail again is never retried. After
`failures` calls in a row fail, the breaker opens and calls fail at once for `recovery_seconds`, so a provider that
is down costs each question milliseconds, not a timeout.
"""

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from tenderflow_questions.providers.base import ProviderFailed

Result = TypeVar("Result")
MAX_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_seconds: float = 0.5
    max_seconds: float = 8.0


class Resilience:
    """Retries and a circuit breaker around one provider's calls."""

    def __init__(self, provider: str, *, transient: Callable[[BaseException], bool],
                 retry_after: Callable[[BaseException], float | None],
                 failed: Callable[[BaseException], ProviderFailed], policy: RetryPolicy | None = None,
                 failures: int = 5, recovery_seconds: float = 30.0) -> None:
        self._provider = provider
        self._transient = transient
        self._retry_after = retry_after
        self._failed = failed
        self._policy = policy or RetryPolicy()
        # Only failures that say the provider is unwell count; a request it refuses (a 4xx) does not.
        self._breakers = AsyncCircuitBreakerFactory(default_threshold=failures, default_ttl=recovery_seconds,
                                                    exclude=[(Exception, lambda error: not transient(error))])

    async def call(self, make_call: Callable[[], Awaitable[Result]]) -> Result:
        """The call's result; ProviderFailed with a stable code once it fails for good or the breaker is open."""
        try:
            async with await self._breakers.get_breaker(self._provider):
                async for attempt in AsyncRetrying(stop=stop_after_attempt(self._policy.attempts),
                                                   wait=self._wait, retry=retry_if_exception(self._transient),
                                                   reraise=True):
                    with attempt:
                        return await make_call()
        except OpenedState as error:
            raise ProviderFailed(f"{self._provider}_unavailable",
                                 f"{self._provider} failed repeatedly; calls are paused for a while") from error
        except ProviderFailed:
            raise
        except Exception as error:
            raise self._failed(error) from error
        raise AssertionError("unreachable: the retry loop returns or raises")

    def _wait(self, state: RetryCallState) -> float:
        """What the server asked for (Retry-After), else exponential backoff with full jitter."""
        error = state.outcome.exception() if state.outcome else None
        asked = self._retry_after(error) if error is not None else None
        if asked is not None:
            return min(max(asked, 0.0), MAX_WAIT_SECONDS)
        ceiling = min(self._policy.max_seconds, self._policy.base_seconds * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)


def retry_after_seconds(headers) -> float | None:
    """Seconds from `retry-after-ms` or `Retry-After` (seconds; an HTTP date is not worth parsing here)."""
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) * scale
        except ValueError:
            continue
    return None
