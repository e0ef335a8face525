"""Workspace service settings."""

from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import ServiceSettings


class WorkspaceSettings(ServiceSettings):
    """Port and the backend new workspaces get."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_WORKSPACE_")

    port: int = 8002
    default_backend: str = "builtin"
    index_cache_size: int = 32
