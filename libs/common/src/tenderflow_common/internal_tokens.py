"""Short-lived signed tokens for internal calls: who calls, for which tenant, with which scopes, to which service.

A service believes the tenant a token names, never the tenant a query string names; the signing key is one secret
per deployment (HS256 with the algorithm pinned, so a token's own `alg` header cannot choose how it is checked)."""

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
TOKEN_TYPE = "tenderflow-internal+jwt"
LIFETIME_SECONDS = 30
LEEWAY_SECONDS = 5
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "scope")
READ, WRITE = "read", "write"
SERVICES = ("gateway", "ingest", "workspace", "questions", "jobs")


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def party(service: str) -> str:
    """The issuer or audience name of a service."""
    return f"tenderflow/{service}"


class InvalidInternalToken(Exception):
    """The token is missing, forged, expired, or meant for another service."""


@dataclass(frozen=True)
class InternalCaller:
    """What a verified token says: the calling service, the tenant it acts for (None for tenant-free calls)."""

    issuer: str
    tenant_id: str | None
    scopes: frozenset[str]


class InternalTokenSigner:
    """Signs, per call, a token naming this service as issuer and the called service as audience."""

    def __init__(self, key: str, service: str, lifetime_seconds: int = LIFETIME_SECONDS) -> None:
        self._key = key
        self.issuer = party(service)
        self._lifetime = lifetime_seconds

    def sign(self, audience: str, scopes: Iterable[str], tenant_id: str | None = None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": party(audience), "iat": now, "nbf": now, "exp": now + self._lifetime,
                  "jti": uuid.uuid4().hex, "scope": " ".join(sorted(scopes))}
        if tenant_id is not None:
            claims["sub"] = tenant_id
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"typ": TOKEN_TYPE})


class InternalTokenVerifier:
    """Accepts tokens for this service from the named calling services only."""

    def __init__(self, key: str, service: str, callers: Iterable[str]) -> None:
        self._key = key
        self.audience = party(service)
        self._issuers = frozenset(party(caller) for caller in callers)

    def verify(self, token: str) -> InternalCaller:
        try:
            if jwt.get_unverified_header(token).get("typ") != TOKEN_TYPE:
                raise InvalidInternalToken("not an internal token")
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM], audience=self.audience,
                                leeway=LEEWAY_SECONDS, options={"require": list(REQUIRED_CLAIMS), "strict_aud": True})
        except jwt.PyJWTError as error:
            raise InvalidInternalToken(type(error).__name__) from error
        if claims["iss"] not in self._issuers:
            raise InvalidInternalToken("issuer not allowed to call this service")
        tenant = claims.get("sub")
        if tenant is not None and (not isinstance(tenant, str) or not tenant):
            raise InvalidInternalToken("tenant claim is not a name")
        return InternalCaller(issuer=claims["iss"], tenant_id=tenant, scopes=frozenset(str(claims["scope"]).split()))
