"""Where each model provider lives and how to reach it; a provider nobody configured is not offered."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ModelProviderSettings(BaseSettings):
    """Base URL, key (from the environment or a mounted secret file), default model and timeout of one provider."""

    base_url: str | None = None
    api_key: SecretStr | None = None
    api_key_file: Path | None = None
    default_model: str | None = None
    timeout_seconds: float = Field(default=60.0, gt=0)

    def key(self) -> str | None:
        """The key itself, read from the mounted file when one is named; never logged."""
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        if self.api_key_file is not None:
            return self.api_key_file.read_text().strip()
        return None


class OpenAISettings(ModelProviderSettings):
    """Configured by a key (OpenAI) or a base URL (any OpenAI-compatible server, which may need no key)."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_OPENAI_")

    structured_output: Literal["json_schema", "json_object", "none"] = "json_schema"
    """How to ask for JSON: OpenAI's `json_schema`; `json_object` with a schema for llama.cpp's server."""

    @property
    def configured(self) -> bool:
        return self.key() is not None or self.base_url is not None


class AnthropicSettings(ModelProviderSettings):
    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_ANTHROPIC_")

    @property
    def configured(self) -> bool:
        return self.key() is not None


class OllamaSettings(ModelProviderSettings):
    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_OLLAMA_")

    @property
    def configured(self) -> bool:
        return self.base_url is not None
