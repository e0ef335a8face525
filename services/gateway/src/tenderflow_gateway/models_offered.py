"""Which answer providers the installation offers, so an upload naming another is refused at once with 422."""

import logging
import time

from tenderflow_common.contracts.questions import ProviderList
from tenderflow_common.internal_client import InternalClient, ServiceUnavailable
from tenderflow_common.problems import Problem

CACHE_SECONDS = 30.0
log = logging.getLogger(__name__)


class OfferedProviders:
    """The questions service's provider list, asked at most every `CACHE_SECONDS`."""

    def __init__(self, questions: InternalClient) -> None:
        self._questions = questions
        self._names: list[str] = []
        self._fetched_at = float("-inf")

    async def check(self, model: str) -> None:
        """Problem 422 when `model` names a provider that is not configured here.

        When the questions service cannot be asked, the upload goes on: its run then fails with the reason."""
        provider = model.split(":", 1)[0]
        wanted = [provider, _inner(model)] if provider == "hybrid" else [provider]
        names = await self._current()
        missing = [name for name in wanted if names and name not in names]
        if missing:
            raise Problem(422, "Model provider not configured",
                          f"This installation offers {', '.join(names)}; {missing[0]!r} is not configured.",
                          kind="provider-not-configured", provider=missing[0], offered=names)

    async def _current(self) -> list[str]:
        if time.monotonic() - self._fetched_at < CACHE_SECONDS:
            return self._names
        try:
            response = await self._questions.get("/internal/providers")
            self._names = ProviderList.model_validate_json(response.content).providers
            self._fetched_at = time.monotonic()
        except ServiceUnavailable:
            log.warning("could not ask the questions service which providers it offers")
        return self._names


def _inner(model: str) -> str:
    """The model provider a `hybrid:<provider>:<model>` names."""
    return model.split(":")[1] if model.count(":") >= 2 else ""
