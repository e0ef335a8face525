"""Every token that proves nothing gets 401 with a problem document; a good one, or one of a key still being
rotated out, gets through."""

import base64
import json
import secrets
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tenderflow_gateway.settings import GatewaySettings

from .conftest import ACTIVE_KID, RETIRING_KID, SIGNING_KEYS


def now() -> int:
    return int(time.time())


def good_claims() -> dict:
    return {"iss": "tenderflow-gateway", "aud": "tenderflow-api", "sub": "tenant-1", "iat": now(), "exp": now() + 600,
            "scope": "read write"}

GOOD_HEADER = {"kid": ACTIVE_KID, "typ": "at+jwt"}
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def mint(claims: dict | None = None, header: dict | None = None, *, drop: tuple[str, ...] = (),
         secret: str = SIGNING_KEYS[ACTIVE_KID], algorithm: str = "HS256") -> str:
    """A token like the gateway's own, changed as the attack needs."""
    payload = {name: value for name, value in (good_claims() | (claims or {})).items() if name not in drop}
    headers = {name: value for name, value in (GOOD_HEADER | (header or {})).items() if name not in drop}
    return jwt.encode(payload, secret, algorithm=algorithm, headers=headers)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(signature: str = "") -> str:
    """`alg: none`, with an empty signature as RFC 7519 writes it, or with another token's signature."""
    return f"{b64({'alg': 'none', 'typ': 'at+jwt', 'kid': ACTIVE_KID})}.{b64(good_claims())}.{signature}"


def tampered_payload() -> str:
    header, _, signature = mint().split(".")
    return f"{header}.{b64(good_claims() | {'sub': 'someone-else', 'scope': 'read write admin'})}.{signature}"


def tampered_signature() -> str:
    header, payload, signature = mint().split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return f"{header}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1:]}"


ATTACKS = {
    "alg none": unsigned,
    "alg none with a signature": lambda: unsigned(mint().rsplit(".", 1)[1]),
    "RS256 under our kid": lambda: mint(secret=RSA_KEY, algorithm="RS256"),
    "HS512 under our kid": lambda: mint(algorithm="HS512"),
    "unknown kid": lambda: mint(header={"kid": "2026-10"}),
    "no kid": lambda: mint(drop=("kid",)),
    "right kid, wrong secret": lambda: mint(secret=secrets.token_urlsafe(32)),
    "not an access token": lambda: mint(header={"typ": "JWT"}),
    "expired": lambda: mint({"exp": now() - 120}),
    "not yet valid": lambda: mint({"nbf": now() + 120}),
    "issued in the future": lambda: mint({"iat": now() + 120, "exp": now() + 900}),
    "wrong issuer": lambda: mint({"iss": "someone-else"}),
    "wrong audience": lambda: mint({"aud": "tenderflow-internal"}),
    "tampered payload": tampered_payload,
    "tampered signature": tampered_signature,
    "missing exp": lambda: mint(drop=("exp",)),
    "missing iat": lambda: mint(drop=("iat",)),
    "missing iss": lambda: mint(drop=("iss",)),
    "missing aud": lambda: mint(drop=("aud",)),
    "missing sub": lambda: mint(drop=("sub",)),
    "not a JWT": lambda: "not.a.jwt",
    "empty": lambda: "",
}


@pytest.fixture
async def gateway(make_gateway):
    return await make_gateway(auth_failures_per_minute=0)


async def bearer(gateway, token: str):
    return await gateway.client.get("/v1/jobs", headers={"Authorization": f"Bearer {token}"})


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("attack", ATTACKS)
async def test_attacks_get_401_with_a_problem_document(gateway, attack):
    response = await bearer(gateway, ATTACKS[attack]())
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:tenderflow:problem:unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_good_token_and_one_within_the_leeway_get_through(gateway):
    assert (await bearer(gateway, mint())).status_code == 200
    assert (await bearer(gateway, mint({"exp": now() - 10}))).status_code == 200


async def test_a_retiring_key_verifies_until_it_is_removed(make_gateway):
    old_token = mint(header={"kid": RETIRING_KID}, secret=SIGNING_KEYS[RETIRING_KID])
    rotating = await make_gateway()
    assert (await bearer(rotating, old_token)).status_code == 200
    retired = await make_gateway(token_signing_keys={ACTIVE_KID: SIGNING_KEYS[ACTIVE_KID]})
    assert (await bearer(retired, old_token)).status_code == 401
    assert (await bearer(retired, mint())).status_code == 200


async def test_a_key_is_exchanged_for_a_token_signed_with_the_active_kid(gateway):
    key = await gateway.key(scopes=frozenset({"read"}))
    response = await gateway.client.post("/v1/auth/token", headers={"X-API-Key": key})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("bearer", 900, "read")
    assert jwt.get_unverified_header(body["access_token"])["kid"] == ACTIVE_KID
    assert (await bearer(gateway, body["access_token"])).status_code == 200
    assert (await gateway.client.post("/v1/auth/token", headers={"X-API-Key": "tf_wrong"})).status_code == 401
    assert (await gateway.client.post("/v1/auth/token")).status_code == 401


async def test_both_credentials_at_once_are_refused(gateway):
    key = await gateway.key()
    response = await gateway.client.get("/v1/jobs", headers={"X-API-Key": key, "Authorization": f"Bearer {mint()}"})
    assert response.status_code == 401


@pytest.mark.parametrize("settings", [{"token_signing_keys": {"k": "short"}, "token_active_kid": "k"},
                                      {"token_signing_keys": SIGNING_KEYS, "token_active_kid": "other"},
                                      {"token_leeway_seconds": 61},
                                      {"idp_jwks_url": "http://127.0.0.1:1/jwks"}])
def test_weak_or_inconsistent_token_settings_are_refused(settings):
    with pytest.raises(ValueError):
        GatewaySettings(**settings)
