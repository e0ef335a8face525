"""All five services in one process: the same handlers and contracts over an in-process transport and SQLite."""

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi import FastAPI

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.logging import TenderflowJsonFormatter
from tenderflow_common.settings import PlatformSettings, RedisSettings, StorageSettings
from tenderflow_gateway import main as gateway
from tenderflow_gateway import repository as gateway_repository
from tenderflow_gateway.settings import GatewaySettings
from tenderflow_ingest import main as ingest
from tenderflow_ingest.settings import IngestSettings
from tenderflow_jobs import main as jobs
from tenderflow_jobs.settings import JobsSettings
from tenderflow_questions import main as questions
from tenderflow_questions.settings import QuestionsSettings
from tenderflow_workspace import main as workspace
from tenderflow_workspace.settings import WorkspaceSettings

DEFAULT_DATA_DIR = Path(os.environ.get("TENDERFLOW_DATA_DIR", ".tenderflow"))
DEV_TENANT = "dev"
# Built so that every service's in-process peers exist before the service that calls them.
BUILD_ORDER = (("jobs", jobs, JobsSettings), ("workspace", workspace, WorkspaceSettings),
               ("ingest", ingest, IngestSettings), ("questions", questions, QuestionsSettings),
               ("gateway", gateway, GatewaySettings))


@dataclass
class EmbeddedSystem:
    """The five service apps sharing one transport; their databases and storage live under `data_dir`."""

    data_dir: Path
    transport: InMemoryTransport = field(default_factory=InMemoryTransport)
    apps: dict[str, FastAPI] = field(default_factory=dict)

    def build(self) -> "EmbeddedSystem":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        platform = PlatformSettings(internal_token=secrets.token_urlsafe(32), log_level="INFO")
        storage = StorageSettings(root=self.data_dir / "storage")
        peers: dict[str, httpx.AsyncBaseTransport] = {}
        for name, module, settings_class in BUILD_ORDER:
            extra = {"redis": RedisSettings(url=""), "rate_limit_per_minute": 0} if name == "gateway" else {}
            if name == "ingest":
                extra["work_dir"] = str(self.data_dir / "work")
            settings = settings_class(database_url=f"sqlite+aiosqlite:///{self.data_dir / name}.db",
                                      storage=storage, platform=platform, **extra)
            app = module.build_app(settings, self.transport, peers)
            self.apps[name] = app
            peers[name] = httpx.ASGITransport(app=app)
        self._log_to_file()
        return self

    @property
    def gateway(self) -> FastAPI:
        return self.apps["gateway"]

    async def start(self) -> None:
        for app in self.apps.values():
            await app.state.lifecycle.start()

    async def stop(self) -> None:
        """Let consumers catch up, then stop every service; unfinished work resumes on the next start."""
        await self.transport.stop()
        for app in reversed(list(self.apps.values())):
            await app.state.lifecycle.stop()

    async def dev_api_key(self) -> tuple[str, bool]:
        """The development key kept in the data folder; created (and reported as new) on first start."""
        key_file = self.data_dir / "dev-api-key"
        if key_file.is_file():
            return key_file.read_text().strip(), False
        runtime = self.gateway.state.runtime
        async with runtime.sessions() as session, session.begin():
            tenant_id = await gateway_repository.ensure_tenant(session, DEV_TENANT)
            _, key = await gateway_repository.create_key(session, tenant_id)
        key_file.write_text(key + "\n")
        key_file.chmod(0o600)
        return key, True

    def _log_to_file(self) -> None:
        """Service logs go to a file so the terminal keeps the progress bar and the results."""
        handler = logging.FileHandler(self.data_dir / "tenderflow.log")
        handler.setFormatter(TenderflowJsonFormatter("embedded"))
        logging.getLogger().handlers[:] = [handler]
