"""Workspace service settings."""

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import AnythingLLMSettings, ServiceSettings


class WorkspaceSettings(ServiceSettings):
    """Port, the backend new workspaces get, and the AnythingLLM server the `anythingllm` backend indexes into."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_WORKSPACE_")

    port: int = 8002
    default_backend: Literal["builtin", "anythingllm"] = "builtin"
    index_cache_size: int = 32
    anythingllm: AnythingLLMSettings = Field(default_factory=AnythingLLMSettings)
    anythingllm_attempts: int = Field(default=5, ge=1, le=100)

    @model_validator(mode="after")
    def anythingllm_needs_a_server(self) -> "WorkspaceSettings":
        """New workspaces cannot default to a backend that has nowhere to go."""
        if self.default_backend == "anythingllm" and not self.anythingllm.configured:
            raise ValueError("TENDERFLOW_WORKSPACE_DEFAULT_BACKEND=anythingllm needs TENDERFLOW_ANYTHINGLLM_BASE_URL "
                             "and TENDERFLOW_ANYTHINGLLM_API_KEY")
        return self
