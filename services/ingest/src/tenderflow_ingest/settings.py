"""Ingest service settings, including every archive safety limit."""

import dataclasses
import typing
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, create_model, model_validator
from pydantic_settings import SettingsConfigDict

from tenderflow_common.secret_strength import weakness
from tenderflow_common.settings import ServiceSettings
from tenderflow_ingest.limits import MAY_BE_ZERO, IngestLimits
from tenderflow_ingest.pipeline import Turns
from tenderflow_ingest.upload_sources import UploadSources


def _limit_fields() -> dict[str, Any]:
    """One positive setting per IngestLimits field, so a new limit is configurable the day it is added."""
    hints = typing.get_type_hints(IngestLimits)
    return {
        field.name: (hints[field.name], Field(default=field.default, **_lower_bound(field.name)))
        for field in dataclasses.fields(IngestLimits)
    }


def _lower_bound(name: str) -> dict[str, int]:
    return {"ge": 0} if name in MAY_BE_ZERO else {"gt": 0}


_LimitSettings = create_model("_LimitSettings", __base__=ServiceSettings, **_limit_fields())


class IngestSettings(_LimitSettings):
    """Port, work folder, and each IngestLimits field as TENDERFLOW_INGEST_<FIELD> (MAX_ENTRIES and so on)."""

    model_config = SettingsConfigDict(env_prefix="TENDERFLOW_INGEST_")

    port: int = 8001
    work_dir: str = ".run/ingest-work"
    # How often spool folders whose claim is no longer in work (a replica killed midway) are cleared; also at start.
    spool_sweep_seconds: float = Field(default=600.0, gt=0)
    # JSON, e.g. {"erp.example": ["<tenant id>", ...]}: the tenants each upload event source may address.
    upload_sources: dict[str, list[str]] | None = None
    # JSON, e.g. {"erp.example": "<secret>"}: a source listed here must sign its events with its secret.
    upload_source_keys: dict[str, SecretStr] = Field(default_factory=dict)
    # Fair turns between tenants (tenderflow_ingest.pipeline.Turns).
    tenant_max_running: int = Field(default=4, ge=1)
    slice_seconds: float = Field(default=30.0, gt=0)
    package_budget_seconds: float = Field(default=3600.0, gt=0)

    @classmethod
    def embedded_defaults(cls, data_dir: Path) -> dict[str, Any]:
        """Scratch space inside the data folder, beside everything else embedded mode keeps."""
        return {"work_dir": str(data_dir / "work")}

    @model_validator(mode="after")
    def source_keys_are_strong(self) -> "IngestSettings":
        """A guessable key would let any producer pass as that source."""
        for source, key in self.upload_source_keys.items():
            problem = weakness(key.get_secret_value())
            if problem:
                raise ValueError(f"the upload source key of {source!r} is too weak: {problem}")
        return self

    @model_validator(mode="after")
    def limits_are_consistent(self) -> "IngestSettings":
        """Refuse at start-up what IngestLimits would refuse later."""
        self.limits()
        return self

    def upload_allowlist(self) -> UploadSources:
        """The configured allowlist; unset, production accepts no upload event and development accepts all."""
        keys = {source: key.get_secret_value() for source, key in self.upload_source_keys.items()}
        if self.upload_sources is not None:
            return UploadSources.from_mapping(self.upload_sources, keys)
        if self.platform.env == "production":
            return UploadSources.from_mapping({})
        return UploadSources(None, keys)

    def turns(self) -> Turns:
        """The configured turns between tenants."""
        return Turns(self.tenant_max_running, self.slice_seconds, self.package_budget_seconds)

    def limits(self) -> IngestLimits:
        """The configured limits as the domain's value object."""
        names = (field.name for field in dataclasses.fields(IngestLimits))
        return IngestLimits(**{name: getattr(self, name) for name in names})
