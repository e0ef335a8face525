"""Every model call measured and traced: latency, tokens and failures by provider and model, one span per call.

Spans follow OpenTelemetry's generative-AI conventions (`gen_ai.*` attributes), so a tracing dashboard shows
each question's call inside its job's trace.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Histogram

from tenderflow_common.telemetry import tracer
from tenderflow_questions.providers.base import ProviderFailed, Usage

call_seconds = Histogram("tenderflow_llm_call_seconds", "Model call latency, retries included",
                         ["provider", "model", "outcome"], buckets=(0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160))
tokens = Counter("tenderflow_llm_tokens_total", "Tokens spent on model calls", ["provider", "model", "direction"])
failures = Counter("tenderflow_llm_failures_total", "Model calls that failed for good, by stable code",
                   ["provider", "model", "code"])


class Spent(Protocol):
    usage: Usage


Result = TypeVar("Result", bound=Spent)


async def observed(provider: str, model: str, call: Callable[[], Awaitable[Result]]) -> Result:
    """Run one model call inside a client span, counting its latency, tokens and failure code."""
    started = time.perf_counter()
    outcome = "ok"
    with tracer("tenderflow.llm").start_as_current_span(
            f"chat {model}", kind=SpanKind.CLIENT,
            attributes={"gen_ai.system": provider, "gen_ai.operation.name": "chat",
                        "gen_ai.request.model": model}) as span:
        try:
            completion = await call()
        except ProviderFailed as failure:
            outcome = failure.code
            failures.labels(provider, model, failure.code).inc()
            span.set_status(Status(StatusCode.ERROR, failure.code))
            raise
        finally:
            call_seconds.labels(provider, model, outcome).observe(time.perf_counter() - started)
        usage = completion.usage
        span.set_attributes({"gen_ai.usage.input_tokens": usage.prompt_tokens,
                             "gen_ai.usage.output_tokens": usage.completion_tokens})
        tokens.labels(provider, model, "prompt").inc(usage.prompt_tokens)
        tokens.labels(provider, model, "completion").inc(usage.completion_tokens)
        return completion
