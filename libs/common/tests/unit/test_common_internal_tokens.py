"""Internal tokens verify only when signed with the deployment's key, for this service, by an allowed caller, in time;
signing keys are refused when weak in every environment."""

import base64
import json
import secrets
import time

import jwt
import pytest
from pydantic import ValidationError

from tenderflow_common import settings as settings_module
from tenderflow_common.internal_tokens import (
    ALGORITHM,
    TOKEN_TYPE,
    InternalTokenSigner,
    InternalTokenVerifier,
    InvalidInternalToken,
    party,
)
from tenderflow_common.secret_strength import checkout_secret, weakness
from tenderflow_common.settings import PlatformSettings

KEY = secrets.token_urlsafe(48)
JOBS = InternalTokenVerifier(KEY, "jobs", callers=["gateway"])


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {"iss": party("gateway"), "aud": party("jobs"), "iat": now, "exp": now + 30, "sub": "tenant-a",
              "scope": "read"}
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _token(claims: dict, key: str = KEY, algorithm: str = ALGORITHM, typ: str = TOKEN_TYPE) -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"typ": typ})


def test_a_signed_token_names_the_caller_tenant_and_scopes():
    token = InternalTokenSigner(KEY, "gateway").sign("jobs", {"read"}, "tenant-a")
    caller = JOBS.verify(token)
    assert (caller.issuer, caller.tenant_id, caller.scopes) == (party("gateway"), "tenant-a", frozenset({"read"}))


def test_a_token_without_a_tenant_names_none():
    assert JOBS.verify(InternalTokenSigner(KEY, "gateway").sign("jobs", {"read"})).tenant_id is None


@pytest.mark.parametrize("token", [
    pytest.param(lambda: _token(_claims(exp=int(time.time()) - 60)), id="expired"),
    pytest.param(lambda: _token(_claims(iat=int(time.time()) + 600, nbf=int(time.time()) + 600)), id="not-yet-valid"),
    pytest.param(lambda: _token(_claims(aud=party("questions"))), id="other-audience"),
    pytest.param(lambda: _token(_claims(aud=[party("jobs"), party("questions")])), id="audience-list"),
    pytest.param(lambda: _token(_claims(iss=party("questions"))), id="caller-not-allowed"),
    pytest.param(lambda: _token(_claims(exp=None)), id="no-exp"),
    pytest.param(lambda: _token(_claims(scope=None)), id="no-scope"),
    pytest.param(lambda: _token(_claims(), key=secrets.token_urlsafe(48)), id="other-key"),
    pytest.param(lambda: _token(_claims(), algorithm="HS512"), id="other-algorithm"),
    pytest.param(lambda: _token(_claims(), typ="JWT"), id="other-token-type"),
    pytest.param(lambda: _token(_claims(sub="")), id="empty-tenant"),
])
def test_tokens_that_are_not_for_this_service_now_are_refused(token):
    with pytest.raises(InvalidInternalToken):
        JOBS.verify(token())


def test_an_unsigned_token_is_refused():
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": TOKEN_TYPE}).encode()).rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(_claims()).encode()).rstrip(b"=")
    with pytest.raises(InvalidInternalToken):
        JOBS.verify(f"{header.decode()}.{payload.decode()}.")


def test_a_tampered_tenant_is_refused():
    header, _, signature = _token(_claims()).split(".")
    forged = base64.urlsafe_b64encode(json.dumps(_claims(sub="tenant-b")).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidInternalToken):
        JOBS.verify(f"{header}.{forged}.{signature}")


@pytest.mark.parametrize("secret", ["secret", "a" * 64, "ab" * 40, "development-internal-token", "changeme" * 8])
@pytest.mark.parametrize("env", ["development", "test", "production"])
def test_weak_signing_keys_are_refused_in_every_environment(secret, env):
    assert weakness(secret) is not None
    with pytest.raises(ValidationError, match="too weak"):
        PlatformSettings(env=env, internal_signing_key=secret)


def test_production_must_name_its_signing_key(monkeypatch):
    monkeypatch.delenv("TENDERFLOW_INTERNAL_SIGNING_KEY", raising=False)
    with pytest.raises(ValidationError, match="must be set in production"):
        PlatformSettings(env="production")


def test_development_gets_a_random_key_per_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv("TENDERFLOW_INTERNAL_SIGNING_KEY", raising=False)
    monkeypatch.setattr(settings_module, "DEVELOPMENT_SIGNING_KEY_FILE", tmp_path / ".run" / "signing-key")
    first, second = PlatformSettings(env="development"), PlatformSettings(env="test")
    assert first.signing_key == second.signing_key
    assert weakness(first.signing_key) is None
    assert (tmp_path / ".run" / "signing-key").stat().st_mode & 0o077 == 0
    assert checkout_secret(tmp_path / "another-checkout") != first.signing_key
