"""Settings fragments each service composes; every value comes from TENDERFLOW_* environment variables."""

from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tenderflow_common.secret_strength import checkout_secret, weakness

DEVELOPMENT_SIGNING_KEY_FILE = Path(".run/internal-signing-key")


class KafkaSettings(BaseSettings):
    """Where the broker is, how clients prove who they are to it, and how hard a consumer tries before
    dead-lettering."""

    # Empty means unset, so deployments can pass every variable through and leave the ones they do not use blank.
    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_KAFKA_", env_ignore_empty=True)

    bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9._-]*$")
    handler_attempts: int = Field(default=3, ge=1, le=20)
    retry_backoff_seconds: float = Field(default=0.5, ge=0)
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None

    @property
    def uses_sasl(self) -> bool:
        """Whether clients authenticate with a user name and password."""
        return self.security_protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        """Whether connections are encrypted and the broker's certificate verified."""
        return self.security_protocol in ("SSL", "SASL_SSL")

    @model_validator(mode="after")
    def require_complete_credentials(self) -> "KafkaSettings":
        """Half a configuration would fail at the first connection, far from its cause; refuse it at start-up."""
        if self.uses_sasl and not (self.sasl_username and self.sasl_password and self.sasl_password.get_secret_value()):
            raise ValueError(f"TENDERFLOW_KAFKA_SASL_USERNAME and TENDERFLOW_KAFKA_SASL_PASSWORD are required with "
                             f"TENDERFLOW_KAFKA_SECURITY_PROTOCOL={self.security_protocol}")
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise ValueError("TENDERFLOW_KAFKA_SSL_CERTFILE and TENDERFLOW_KAFKA_SSL_KEYFILE go together")
        tls_files = (self.ssl_cafile, self.ssl_certfile)
        if not self.uses_tls and any(tls_files):
            raise ValueError("TLS files are set but TENDERFLOW_KAFKA_SECURITY_PROTOCOL is neither SSL nor SASL_SSL")
        return self


class PostgresSettings(BaseSettings):
    """The PostgreSQL server; each service adds its own database name."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_POSTGRES_")

    url: str = "postgresql+asyncpg://tenderflow:tenderflow@127.0.0.1:5432"

    def database_url(self, service: str) -> str:
        """The URL of one service's own database."""
        return f"{self.url.rstrip('/')}/tenderflow_{service}"


class RedisSettings(BaseSettings):
    """Redis for rate limits and short-lived caches; empty in embedded mode, which has none."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_REDIS_")

    url: str = "redis://127.0.0.1:6379/0"


class MessagingSettings(BaseSettings):
    """How long the messaging tables keep rows: processed messages past the topics' retention (Kafka's default is
    7 days), published outbox rows for a grace period to look into."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_MESSAGING_")

    processed_retention_hours: float = Field(default=336, gt=0)
    outbox_retention_hours: float = Field(default=24, gt=0)
    housekeeping_interval_seconds: float = Field(default=600, gt=0)
    housekeeping_batch: int = Field(default=1000, ge=1, le=100_000)


class S3Settings(BaseSettings):
    """An S3 bucket (AWS or any S3 API server); credentials left unset fall back to the AWS default chain."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_STORAGE_S3_")

    bucket: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$")
    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: SecretStr | None = None


class StorageSettings(BaseSettings):
    """Object storage for uploads and extracted text."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_STORAGE_")

    backend: Literal["local", "s3"] = "local"
    root: Path = Path(".run/storage")
    s3: S3Settings = Field(default_factory=S3Settings)

    @model_validator(mode="after")
    def require_bucket(self) -> "StorageSettings":
        """The S3 backend cannot guess its bucket."""
        if self.backend == "s3" and not self.s3.bucket:
            raise ValueError("TENDERFLOW_STORAGE_S3_BUCKET must be set when TENDERFLOW_STORAGE_BACKEND=s3")
        return self


class AnythingLLMSettings(BaseSettings):
    """An AnythingLLM server's developer API, used by the `anythingllm` workspace backend and answer provider.

    The key is instance-wide (admin level): it is a SecretStr, so it never shows in logs, events or job views.
    """

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_ANYTHINGLLM_")

    base_url: str | None = None
    api_key: SecretStr | None = None
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    read_timeout_seconds: float = Field(default=30.0, gt=0)
    embed_timeout_seconds: float = Field(default=900.0, gt=0)
    chat_timeout_seconds: float = Field(default=300.0, gt=0)
    retry_attempts: int = Field(default=3, ge=1, le=10)
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_ttl_seconds: float = Field(default=30.0, gt=0)
    top_n: int = Field(default=6, ge=1, le=50)
    similarity_threshold: float = Field(default=0.25, ge=0, le=1)
    temperature: float = Field(default=0.0, ge=0, le=2)

    @property
    def configured(self) -> bool:
        """Whether a server and a key are set."""
        return bool(self.base_url) and self.api_key is not None and bool(self.api_key.get_secret_value())


class PlatformSettings(BaseSettings):
    """What every process of the platform shares: environment, internal signing key and timeout, logs and tracing."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_")

    env: Literal["development", "test", "production"] = "development"
    internal_signing_key: SecretStr | None = None
    log_level: str = "INFO"
    otel_exporter_otlp_endpoint: str | None = None
    internal_timeout_seconds: float = Field(default=5.0, gt=0)

    @model_validator(mode="after")
    def require_strong_signing_key(self) -> "PlatformSettings":
        """Internal tokens are only as good as their key: production names one, development gets a random one per
        checkout, and a weak one is refused everywhere."""
        if self.internal_signing_key is None:
            if self.env == "production":
                raise ValueError("TENDERFLOW_INTERNAL_SIGNING_KEY must be set in production")
            self.internal_signing_key = SecretStr(checkout_secret(DEVELOPMENT_SIGNING_KEY_FILE))
        problem = weakness(self.internal_signing_key.get_secret_value())
        if problem:
            raise ValueError(f"TENDERFLOW_INTERNAL_SIGNING_KEY is too weak: {problem}")
        return self

    @property
    def signing_key(self) -> str:
        """The key internal tokens are signed and verified with."""
        assert self.internal_signing_key is not None, "set by the validator"
        return self.internal_signing_key.get_secret_value()


class ServiceSettings(BaseSettings):
    """What every service needs; each service subclasses it with its own prefix and fields."""

    # Empty means unset, so deployments can pass every variable through and leave the ones they do not use blank.
    model_config = SettingsConfigDict(env_ignore_empty=True)

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    postgres: PostgresSettings = Field(default_factory=PostgresSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    platform: PlatformSettings = Field(default_factory=PlatformSettings)
    messaging: MessagingSettings = Field(default_factory=MessagingSettings)

    host: str = "127.0.0.1"
    port: int
    database_url: str | None = None

    def resolved_database_url(self, service: str) -> str:
        """An explicit database URL wins over the one derived from the PostgreSQL server."""
        return self.database_url or self.postgres.database_url(service)

    @classmethod
    def for_embedded(cls, service: str, data_dir: Path, **shared: Any) -> Self:
        """The service's settings in embedded mode: a SQLite file in `data_dir`, plus its own embedded defaults."""
        return cls(database_url=f"sqlite+aiosqlite:///{data_dir / service}.db", **shared,
                   **cls.embedded_defaults(data_dir))

    @classmethod
    def embedded_defaults(cls, data_dir: Path) -> dict[str, Any]:
        """What a service changes when it runs in one process with the others and no servers; none by default."""
        return {}
