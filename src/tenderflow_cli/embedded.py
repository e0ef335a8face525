"""All five services in one process: the same handlers and contracts over an in-process transport and SQLite."""

import functools
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi import FastAPI

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.logging import TenderflowJsonFormatter
from tenderflow_common.service import Peers, Service
from tenderflow_common.settings import PlatformSettings, ServiceSettings, StorageSettings
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


@dataclass
class EmbeddedSystem:
    """The five services sharing one transport; their databases and storage live under `data_dir`."""

    data_dir: Path
    transport: InMemoryTransport = field(default_factory=InMemoryTransport)
    services: dict[str, Service] = field(default_factory=dict)

    def build(self) -> "EmbeddedSystem":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        shared = {"platform": PlatformSettings(internal_signing_key=secrets.token_urlsafe(48), log_level="INFO"),
                  "storage": StorageSettings(root=self.data_dir / "storage")}
        peers: Peers = {}
        # In this order, so that the services a service calls in process exist before it.
        builders: tuple[tuple[str, Callable[..., Service], type[ServiceSettings]], ...] = (
            ("jobs", jobs.build_service, JobsSettings),
            ("workspace", workspace.build_service, WorkspaceSettings),
            ("ingest", ingest.build_service, IngestSettings),
            ("questions", functools.partial(questions.build_service, peers=peers), QuestionsSettings),
            ("gateway", functools.partial(gateway.build_service, peers=peers), GatewaySettings),
        )
        for name, build_service, settings_class in builders:
            service = build_service(settings_class.for_embedded(name, self.data_dir, **shared), self.transport)
            self.services[name] = service
            peers[name] = httpx.ASGITransport(app=service.app)
        self._log_to_file()
        return self

    @property
    def gateway(self) -> FastAPI:
        return self.services["gateway"].app

    async def start(self) -> None:
        for service in self.services.values():
            await service.start()

    async def stop(self) -> None:
        """Let consumers catch up, then stop every service; unfinished work resumes on the next start."""
        await self.transport.stop()
        for service in reversed(list(self.services.values())):
            await service.stop()

    async def dev_api_key(self) -> tuple[str, bool]:
        """The development key kept in the data folder; created (and reported as new) on first start."""
        key_file = self.data_dir / "dev-api-key"
        if key_file.is_file():
            return key_file.read_text().strip(), False
        async with self.services["gateway"].runtime.sessions() as session, session.begin():
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
