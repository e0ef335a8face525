"""Questions service settings."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import ServiceSettings


class QuestionsSettings(ServiceSettings):
    """Port, where to search, and how many questions run at once."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_QUESTIONS_")

    port: int = 8003
    workspace_url: str = "http://127.0.0.1:8002"
    run_concurrency: int = Field(default=4, ge=1, le=64)
    provider_concurrency: int = Field(default=8, ge=1, le=256)
    top_k: int = Field(default=8, ge=1, le=50)
