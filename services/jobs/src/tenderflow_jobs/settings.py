"""Jobs service settings."""

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import RedisSettings, ServiceSettings


class JobsSettings(ServiceSettings):
    """Where the jobs service listens, keeps its projection and publishes job views for the gateway."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_JOBS_")

    port: int = 8004
    redis: RedisSettings = Field(default_factory=RedisSettings)
    # A finished job is purged everywhere this many days after it was created; 0 keeps jobs for ever.
    retention_days: int = Field(default=90, ge=0)
    tenant_retention_days: dict[str, int] = Field(default_factory=dict, description="Per tenant id, as JSON.")
    retention_sweep_seconds: float = Field(default=3600.0, gt=0)
    # Far above the longest quiet stretch of a healthy job (docs/decisions.md, "No job waits for ever").
    stall_seconds: int = Field(default=7200, ge=1)
    stall_sweep_seconds: float = Field(default=60.0, gt=0)

    @classmethod
    def embedded_defaults(cls, data_dir: Path) -> dict[str, Any]:
        """Embedded mode has no Redis: its gateway asks the jobs service in process."""
        return {"redis": RedisSettings(url="")}
