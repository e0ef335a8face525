"""Jobs service settings."""

from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import ServiceSettings


class JobsSettings(ServiceSettings):
    """Where the jobs service listens and keeps its projection."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_JOBS_")

    port: int = 8004
