"""Access tokens: the gateway's own, signed with rotating keys, and optionally an identity provider's (RFC 8725)."""

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass

import jwt

from tenderflow_gateway.domain import known_scopes, scopes_text

OWN_ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
log = logging.getLogger(__name__)


class InvalidToken(Exception):
    """A token that proves nothing; the reason goes to the audit trail, never to the caller."""


@dataclass(frozen=True)
class VerifiedToken:
    """Who a valid token speaks for: a tenant (its id, or for an identity provider its name), the scopes, and for
    our own tokens the key they were exchanged for."""

    subject: str
    scopes: frozenset[str]
    external: bool = False
    key_id: str | None = None


@dataclass(frozen=True)
class TokenPolicy:
    """What every accepted token must name: its issuer and audience, within a bounded clock skew."""

    issuer: str
    audience: str
    leeway_seconds: int


def _checked_header(token: str) -> dict:
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise InvalidToken(f"malformed: {error}") from error


def _decoded(token: str, key, algorithms: list[str], policy: TokenPolicy) -> dict:
    try:
        return jwt.decode(token, key, algorithms=algorithms, audience=policy.audience, issuer=policy.issuer,
                          leeway=policy.leeway_seconds, options={"require": REQUIRED_CLAIMS})
    except jwt.PyJWTError as error:
        raise InvalidToken(type(error).__name__) from error


def _scopes(claims: dict) -> frozenset[str]:
    """OAuth's space-separated `scope`, or the list some providers send as `scp`."""
    raw = claims.get("scope", claims.get("scp", ""))
    words = raw.split() if isinstance(raw, str) else [word for word in raw if isinstance(word, str)]
    return known_scopes(words)


class TokenKeys:
    """The gateway's signing keys by `kid`: the active one signs, every configured one verifies until retired."""

    def __init__(self, keys: dict[str, str], active_kid: str, policy: TokenPolicy, ttl_seconds: int) -> None:
        if not keys:
            # A random key of this process's own: as strong, but its tokens die with the process and no other
            # replica accepts them, so deployments with several replicas configure keys.
            log.warning("no token signing keys configured; access tokens are valid at this process only")
            active_kid = f"ephemeral-{secrets.token_hex(4)}"
            keys = {active_kid: secrets.token_urlsafe(32)}
        self._keys = keys
        self._active_kid = active_kid
        self.policy = policy
        self.ttl_seconds = ttl_seconds

    def owns(self, kid: object) -> bool:
        return isinstance(kid, str) and kid in self._keys

    def issue(self, tenant_id: str, scopes: frozenset[str], *, key_id: str,
              not_after: float | None = None) -> tuple[str, int]:
        """A signed token for the tenant and scopes, and its lifetime in seconds (never past the key's expiry)."""
        issued = int(time.time())
        expires = issued + self.ttl_seconds if not_after is None else min(issued + self.ttl_seconds, int(not_after))
        claims = {"iss": self.policy.issuer, "aud": self.policy.audience, "sub": tenant_id, "iat": issued,
                  "nbf": issued, "exp": expires, "scope": scopes_text(scopes), "key": key_id,
                  "jti": secrets.token_hex(8)}
        headers = {"kid": self._active_kid, "typ": TOKEN_TYPE}
        token = jwt.encode(claims, self._keys[self._active_kid], algorithm=OWN_ALGORITHM, headers=headers)
        return token, expires - issued

    def verify(self, token: str, header: dict) -> VerifiedToken:
        """Only HS256 under one of the configured kids, explicitly typed, with every required claim."""
        if header.get("alg") != OWN_ALGORITHM:
            raise InvalidToken(f"algorithm {header.get('alg')!r} not allowed")
        if header.get("typ") != TOKEN_TYPE:
            raise InvalidToken("not an access token")
        claims = _decoded(token, self._keys[header["kid"]], [OWN_ALGORITHM], self.policy)
        key_id = claims.get("key")
        return VerifiedToken(str(claims["sub"]), _scopes(claims), key_id=key_id if isinstance(key_id, str) else None)


class IdentityProvider:
    """Tokens of an external identity provider, verified with the public keys its JWKS publishes."""

    def __init__(self, jwks_url: str, algorithms: list[str], policy: TokenPolicy, tenant_claim: str) -> None:
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5)
        self._algorithms = algorithms
        self.policy = policy
        self._tenant_claim = tenant_claim

    async def verify(self, token: str, header: dict) -> VerifiedToken:
        """Only the configured asymmetric algorithms, so a public key can never serve as an HMAC secret."""
        if header.get("alg") not in self._algorithms:
            raise InvalidToken(f"algorithm {header.get('alg')!r} not allowed")
        try:
            signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
        except jwt.PyJWTError as error:
            raise InvalidToken(f"no such key: {type(error).__name__}") from error
        claims = _decoded(token, signing_key, self._algorithms, self.policy)
        tenant = claims.get(self._tenant_claim)
        if not isinstance(tenant, str) or not tenant:
            raise InvalidToken(f"no {self._tenant_claim} claim")
        return VerifiedToken(tenant, _scopes(claims), external=True)


class TokenVerifier:
    """Sends a token to whichever issuer its `kid` belongs to; an unknown `kid` is refused outright."""

    def __init__(self, own: TokenKeys, provider: IdentityProvider | None) -> None:
        self.own = own
        self._provider = provider

    async def verify(self, token: str) -> VerifiedToken:
        header = _checked_header(token)
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("no kid")
        if self.own.owns(kid):
            return self.own.verify(token, header)
        if self._provider is not None:
            return await self._provider.verify(token, header)
        raise InvalidToken(f"unknown kid {kid!r}")
