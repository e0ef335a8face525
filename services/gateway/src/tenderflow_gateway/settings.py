"""Gateway settings."""

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import RedisSettings, ServiceSettings


class GatewaySettings(ServiceSettings):
    """Public port, upload limit and where the services it reads from live."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_GATEWAY_")

    port: int = 8000
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    jobs_url: str = "http://127.0.0.1:8004"
    questions_url: str = "http://127.0.0.1:8003"
    rate_limit_per_minute: int = Field(default=600, ge=0)
    redis: RedisSettings = Field(default_factory=RedisSettings)

    @classmethod
    def embedded_defaults(cls, data_dir: Path) -> dict[str, Any]:
        """Embedded mode has no Redis, so no shared rate limit either."""
        return {"redis": RedisSettings(url=""), "rate_limit_per_minute": 0}
