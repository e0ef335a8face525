"""The gateway's clients for the internal APIs it reads from."""

from dataclasses import dataclass

from tenderflow_common.internal_client import InternalClient
from tenderflow_gateway.settings import GatewaySettings


@dataclass(frozen=True)
class Clients:
    """One internal client per service the gateway queries."""

    jobs: InternalClient
    questions: InternalClient

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> "Clients":
        token, timeout = settings.runtime.internal_token, settings.runtime.internal_timeout_seconds
        return cls(jobs=InternalClient("jobs", settings.jobs_url, token, timeout),
                   questions=InternalClient("questions", settings.questions_url, token, timeout))

    async def aclose(self) -> None:
        await self.jobs.aclose()
        await self.questions.aclose()
