"""Which tenants each producing system may hand packages to: the allowlist upload events are checked against."""

from collections.abc import Mapping
from dataclasses import dataclass

from tenderflow_common.consumer import Unprocessable


@dataclass(frozen=True)
class UploadSources:
    """Kafka does not tell a consumer who produced a record, so an event's declared source (its CloudEvents
    `source`, which broker ACLs and the deployment bind to one producer principal) is what is checked."""

    tenants_by_source: Mapping[str, frozenset[str]] | None

    @classmethod
    def any_source(cls) -> "UploadSources":
        """No allowlist: every source may upload for every tenant (development and tests only)."""
        return cls(None)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, list[str]]) -> "UploadSources":
        return cls({source: frozenset(tenants) for source, tenants in mapping.items()})

    def check(self, source: str, tenant_id: str) -> None:
        """Refuse, for dead-lettering with the reason, an event whose source may not upload for its tenant."""
        if self.tenants_by_source is None:
            return
        tenants = self.tenants_by_source.get(source)
        if tenants is None:
            raise Unprocessable(f"source {source!r} is not an allowed upload source")
        if tenant_id not in tenants:
            raise Unprocessable(f"source {source!r} may not upload for tenant {tenant_id!r}")
