"""Which tenants each producing system may hand packages to, and the keys that prove an event came from it."""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

from tenderflow_common.consumer import Unprocessable

SIGNATURE_HEADER = "x-tenderflow-signature"


def signature(key: str, value: bytes) -> str:
    """The header value a source sends: HMAC-SHA256 of the record's exact bytes, so no canonical form is needed."""
    return "sha256=" + hmac.new(key.encode(), value, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class UploadSources:
    """Kafka does not tell a consumer who produced a record, so an event's declared source (its CloudEvents
    `source`) is checked: signed with that source's key where it has one, and mapped to the event's tenant."""

    tenants_by_source: Mapping[str, frozenset[str]] | None
    keys: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def any_source(cls) -> "UploadSources":
        """No allowlist and no keys: every source may upload for every tenant (development and tests only)."""
        return cls(None)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, list[str]], keys: Mapping[str, str] | None = None) -> "UploadSources":
        return cls({source: frozenset(tenants) for source, tenants in mapping.items()}, dict(keys or {}))

    def admit(self, source: str, tenant_id: str, value: bytes, headers: Mapping[str, str]) -> None:
        """Refuse, for dead-lettering with the reason, an event whose source is unproven or not allowed the tenant."""
        key = self.keys.get(source)
        if key is not None:
            sent = headers.get(SIGNATURE_HEADER)
            if sent is None:
                raise Unprocessable(f"source {source!r} must sign its events ({SIGNATURE_HEADER})")
            if not hmac.compare_digest(sent.encode(), signature(key, value).encode()):
                raise Unprocessable(f"the {SIGNATURE_HEADER} header does not match source {source!r}")
        self.check(source, tenant_id)

    def check(self, source: str, tenant_id: str) -> None:
        """Refuse a source that is not allowed to upload for the tenant."""
        if self.tenants_by_source is None:
            return
        tenants = self.tenants_by_source.get(source)
        if tenants is None:
            raise Unprocessable(f"source {source!r} is not an allowed upload source")
        if tenant_id not in tenants:
            raise Unprocessable(f"source {source!r} may not upload for tenant {tenant_id!r}")
