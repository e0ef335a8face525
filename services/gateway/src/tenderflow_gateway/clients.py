"""The gateway's clients for the internal APIs it reads from."""

from dataclasses import dataclass
from urllib.parse import quote

from tenderflow_common.internal_client import InternalClient
from tenderflow_common.internal_tokens import InternalTokenSigner
from tenderflow_common.service import Peers
from tenderflow_gateway.settings import GatewaySettings


def segment(value: str) -> str:
    """A client's id as exactly one path segment of an internal URL: control characters would make the URL invalid,
    and a slash or a dot segment would reach another route."""
    return quote(value, safe="").replace(".", "%2E")


@dataclass(frozen=True)
class Clients:
    """One internal client per service the gateway queries."""

    jobs: InternalClient
    questions: InternalClient
    workspace: InternalClient

    @classmethod
    def from_settings(cls, settings: GatewaySettings, peers: Peers | None = None) -> "Clients":
        """Clients over HTTP, or straight into in-process apps where `peers` has them."""
        signer = InternalTokenSigner(settings.platform.signing_key, "gateway")
        timeout, peers = settings.platform.internal_timeout_seconds, peers or {}
        return cls(jobs=InternalClient("jobs", settings.jobs_url, signer, timeout, transport=peers.get("jobs")),
                   questions=InternalClient("questions", settings.questions_url, signer, timeout,
                                            transport=peers.get("questions")),
                   workspace=InternalClient("workspace", settings.workspace_url, signer, timeout,
                                            transport=peers.get("workspace")))

    async def aclose(self) -> None:
        await self.jobs.aclose()
        await self.questions.aclose()
        await self.workspace.aclose()
