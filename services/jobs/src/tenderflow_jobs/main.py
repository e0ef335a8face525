"""Composition root of the jobs service; nothing runs at import."""

from pathlib import Path

import redis.asyncio as redis

from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_tokens import InternalTokenVerifier
from tenderflow_common.service import Service, ServiceRuntime, create_service
from tenderflow_common.sweeps import periodic_sweep
from tenderflow_common.transport import Transport
from tenderflow_jobs import api, consumers, job_metrics
from tenderflow_jobs.models import messaging
from tenderflow_jobs.read_model import JobViews
from tenderflow_jobs.retention import RetentionSweep
from tenderflow_jobs.settings import JobsSettings
from tenderflow_jobs.stalls import StallSweep

MIGRATIONS = Path(__file__).parent / "migrations"
REDIS_TIMEOUT_SECONDS = 1.0
# The gateway reads a job here for a status poll it does not trace; a poll would otherwise start a trace of its own.
UNTRACED_READ = r"/internal/jobs/[^/]+$"


def build_service(settings: JobsSettings | None = None, transport: Transport | None = None) -> Service:
    """Jobs: folds every command and event into the job projection, and serves it internally."""
    runtime = ServiceRuntime("jobs", settings or JobsSettings(), messaging, MIGRATIONS, transport=transport)
    # Short timeouts: marking views happens inside the folding transaction, which an unreachable Redis must not hold.
    views = JobViews(redis.from_url(runtime.settings.redis.url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                    socket_timeout=REDIS_TIMEOUT_SECONDS),
                     runtime.settings.kafka.topic_prefix) if runtime.settings.redis.url else None
    runtime.consume(consumers.routes(views), max_records=consumers.POLL_MAX_RECORDS,
                    fold_poll=consumers.poll_fold(views))
    runtime.samplers.append(job_metrics.open_jobs_sampler(runtime.sessions))
    verifier = InternalTokenVerifier(runtime.settings.platform.signing_key, "jobs", callers=["gateway"])
    router = api.internal_router(runtime.database, InternalAuth(verifier), views)
    settings = runtime.settings
    stalls = periodic_sweep("stall sweep", StallSweep(runtime.transaction, settings.stall_seconds).sweep,
                            settings.stall_sweep_seconds)
    retention = periodic_sweep("retention sweep", RetentionSweep.configured(runtime.transaction, settings).sweep,
                               settings.retention_sweep_seconds)
    return create_service(runtime, [router], title="Tenderflow jobs",
                          description="The job projection, folded from every command and event.",
                          background=[stalls.run, retention.run, *([views.run] if views else [])],
                          on_stop=[views.aclose] if views else [], untraced=[UNTRACED_READ])
