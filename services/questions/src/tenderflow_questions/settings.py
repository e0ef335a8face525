"""Questions service settings."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import AnythingLLMSettings, ServiceSettings
from tenderflow_questions.providers.settings import AnthropicSettings, OllamaSettings, OpenAISettings


class QuestionsSettings(ServiceSettings):
    """Port, where to search, how many questions run at once, and the model providers this installation offers."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_QUESTIONS_")

    port: int = 8003
    workspace_url: str = "http://127.0.0.1:8002"
    run_concurrency: int = Field(default=4, ge=1, le=64)
    provider_concurrency: int = Field(default=8, ge=1, le=256)
    tenant_concurrency: int = Field(default=4, ge=1, le=256)
    tenant_max_running: int = Field(default=4, ge=1)
    slice_seconds: float = Field(default=30.0, gt=0)
    top_k: int = Field(default=8, ge=1, le=50)
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int = Field(default=512, ge=16, le=8192)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    anthropic: AnthropicSettings = Field(default_factory=AnthropicSettings)
    ollama: OllamaSettings = Field(default_factory=OllamaSettings)
    anythingllm: AnythingLLMSettings = Field(default_factory=AnythingLLMSettings)
