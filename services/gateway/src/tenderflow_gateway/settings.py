"""Gateway settings."""

import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from tenderflow_common.settings import RedisSettings, ServiceSettings

MIN_SIGNING_KEY_BYTES = 32


class GatewaySettings(ServiceSettings):
    """Public port, upload limit, who may call and how, and where the services it reads from live."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_GATEWAY_")

    port: int = 8000
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    jobs_url: str = "http://127.0.0.1:8004"
    questions_url: str = "http://127.0.0.1:8003"
    workspace_url: str = "http://127.0.0.1:8002"
    rate_limit_per_minute: int = Field(default=600, ge=0)
    # What one request spends of its tenant's budget per minute; a read spends one.
    upload_weight: int = Field(default=10, ge=1)
    run_weight: int = Field(default=5, ge=1)
    write_weight: int = Field(default=2, ge=1)
    auth_failures_per_minute: int = Field(default=20, ge=0)
    # How long a checked API key is trusted in memory: a revocation reaches every replica within this time.
    key_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    # Job event streams: a comment line this often keeps proxies from closing a quiet stream; the view is re-read
    # this often whatever Redis announces (its notices are at most once); open streams are bounded per replica.
    events_keepalive_seconds: float = Field(default=15.0, gt=0, le=300)
    events_reread_seconds: float = Field(default=5.0, gt=0, le=60)
    events_per_tenant: int = Field(default=20, ge=1)
    events_per_replica: int = Field(default=1000, ge=1)
    # Share of status polls and event streams traced (as short traces linked to the job's); a client's sampled
    # `traceparent` always is. 0 traces only those the client asks for.
    poll_trace_ratio: float = Field(default=0.01, ge=0, le=1)
    # An accepted upload or run is remembered only until the jobs service surely knows it. At most a day, the
    # shortest retention, so a job purged on expiry leaves nothing here either.
    submission_keep_hours: float = Field(default=24, gt=0, le=24)

    token_signing_keys: dict[str, SecretStr] = Field(default_factory=dict)
    token_active_kid: str = ""
    token_issuer: str = "tenderflow-gateway"
    token_audience: str = "tenderflow-api"
    token_ttl_seconds: int = Field(default=900, ge=60, le=3600)
    token_leeway_seconds: int = Field(default=30, ge=0, le=60)
    idp_jwks_url: str = ""
    idp_issuer: str = ""
    idp_audience: str = ""
    idp_algorithms: list[Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                                 "EdDSA"]] = Field(default_factory=lambda: ["RS256", "ES256"])
    idp_tenant_claim: str = "sub"

    cors_origins: list[str] = Field(default_factory=list)
    expose_docs: bool | None = None
    expose_metrics: bool = True
    internal_port: int = Field(default=0, ge=0, le=65535)

    @model_validator(mode="after")
    def check_token_keys(self) -> "GatewaySettings":
        """Signing keys are long random secrets, and the active one must be among them."""
        for kid, secret in self.token_signing_keys.items():
            if len(secret.get_secret_value().encode()) < MIN_SIGNING_KEY_BYTES:
                raise ValueError(f"token signing key {kid!r} is shorter than {MIN_SIGNING_KEY_BYTES} bytes")
        if self.token_signing_keys and self.token_active_kid not in self.token_signing_keys:
            raise ValueError("TENDERFLOW_GATEWAY_TOKEN_ACTIVE_KID must name one of the token signing keys")
        if self.idp_jwks_url and not (self.idp_issuer and self.idp_audience):
            raise ValueError("an identity provider needs TENDERFLOW_GATEWAY_IDP_ISSUER and _IDP_AUDIENCE")
        return self

    @property
    def docs_exposed(self) -> bool:
        """API documentation is public by default, except in production, where it is opted into; with an internal
        port it is served there instead."""
        if self.internal_port:
            return False
        return self.expose_docs if self.expose_docs is not None else self.platform.env != "production"

    @property
    def metrics_exposed(self) -> bool:
        """Metrics are public unless switched off or moved to the internal port."""
        return self.expose_metrics and not self.internal_port

    @classmethod
    def embedded_defaults(cls, data_dir: Path) -> dict[str, Any]:
        """Embedded mode has no Redis, so no shared rate limit either; it is one process, so a key of its own
        signs its tokens."""
        return {"redis": RedisSettings(url=""), "rate_limit_per_minute": 0,
                "token_signing_keys": {"embedded": SecretStr(secrets.token_urlsafe(48))},
                "token_active_kid": "embedded"}
