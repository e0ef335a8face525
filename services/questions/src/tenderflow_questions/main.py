"""Composition root of the questions service; nothing runs at import."""

from pathlib import Path

from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.internal_tokens import InternalTokenSigner, InternalTokenVerifier
from tenderflow_common.service import Peers, Service, ServiceRuntime, create_service
from tenderflow_common.transport import Transport
from tenderflow_questions import api, consumers
from tenderflow_questions.models import cancelled_jobs, messaging
from tenderflow_questions.providers import Providers, providers_from_settings
from tenderflow_questions.question_sets_api import question_sets_router
from tenderflow_questions.runner import Answering, TenantSlots, run_worker
from tenderflow_questions.settings import QuestionsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: QuestionsSettings | None = None, transport: Transport | None = None,
                  peers: Peers | None = None, providers: Providers | None = None) -> Service:
    """Questions: starts a run once documents are indexed and answers it in the background, searching the
    workspace service; serves results and question sets internally."""
    settings = settings or QuestionsSettings()
    runtime = ServiceRuntime("questions", settings, messaging, MIGRATIONS, transport=transport)
    runtime.housekeeping.forget_with_messages(cancelled_jobs.c.cancelled_at)
    key = settings.platform.signing_key
    # A run is started by a Kafka message, not a request: questions signs for the run's tenant itself.
    workspace = InternalClient("workspace", settings.workspace_url, InternalTokenSigner(key, "questions"),
                               settings.platform.internal_timeout_seconds, transport=(peers or {}).get("workspace"))
    providers = providers or providers_from_settings(settings)
    worker = run_worker(Answering(runtime.transaction, runtime.sessions, workspace, providers,
                                  run_concurrency=settings.run_concurrency, top_k=settings.top_k,
                                  temperature=settings.temperature, max_tokens=settings.max_tokens,
                                  tenant_slots=TenantSlots(settings.tenant_concurrency),
                                  tenant_max_running=settings.tenant_max_running,
                                  slice_seconds=settings.slice_seconds))
    runtime.consume(consumers.routes(worker.wake, providers))
    auth = InternalAuth(InternalTokenVerifier(key, "questions", callers=["gateway"]))
    routers = [api.internal_router(runtime.database, auth, providers), question_sets_router(runtime.database, auth)]
    return create_service(runtime, routers, title="Tenderflow questions",
                          description="Question sets, runs and answers.", background=[worker.run],
                          on_stop=[workspace.aclose, providers.aclose])
