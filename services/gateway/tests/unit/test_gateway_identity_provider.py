"""Tokens of an external identity provider are verified with the keys its JWKS publishes, served here by a local
HTTP server; a public key never works as an HMAC secret and a foreign key never passes for the provider's."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://idp.example"
AUDIENCE = "tenderflow"
KID = "idp-key-1"
PROVIDER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
FOREIGN_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = PROVIDER_KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)


def jwks() -> bytes:
    key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(PROVIDER_KEY.public_key()))
    return json.dumps({"keys": [key | {"kid": KID, "use": "sig", "alg": "RS256"}]}).encode()


class JwksHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = jwks()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        """Quiet: the test output is not the place for request lines."""


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), JwksHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()
    server.server_close()


@pytest.fixture
async def gateway(make_gateway, jwks_url):
    gateway = await make_gateway(idp_jwks_url=jwks_url, idp_issuer=ISSUER, idp_audience=AUDIENCE,
                                 auth_failures_per_minute=0)
    await gateway.tenant_id("acme")
    return gateway


def provider_token(claims: dict | None = None, *, key=PROVIDER_KEY, algorithm: str = "RS256",
                   kid: str = KID) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": "acme", "iat": now, "exp": now + 300, "scope": "read"}
    return jwt.encode(payload | (claims or {}), key, algorithm=algorithm, headers={"kid": kid})


async def call(gateway, token: str, method: str = "GET", path: str = "/v1/jobs"):
    return await gateway.client.request(method, path, headers={"Authorization": f"Bearer {token}"})


async def test_a_provider_token_names_a_tenant_and_its_scopes(gateway):
    assert (await call(gateway, provider_token())).status_code == 200
    assert (await call(gateway, provider_token(), "POST", "/v1/jobs/j/cancel")).status_code == 403


def hs256_with_the_public_key() -> str:
    """The classic confusion: the provider's public key, which anyone has, used as an HMAC secret."""
    header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "kid": KID, "typ": "JWT"}).encode())
    now = int(time.time())
    payload = jwt.utils.base64url_encode(json.dumps({"iss": ISSUER, "aud": AUDIENCE, "sub": "acme", "iat": now,
                                                     "exp": now + 300, "scope": "read write admin"}).encode())
    signature = hmac.new(PUBLIC_PEM, header + b"." + payload, hashlib.sha256).digest()
    return (header + b"." + payload + b"." + jwt.utils.base64url_encode(signature)).decode()


ATTACKS = {
    "HS256 signed with the provider's public key": hs256_with_the_public_key,
    "a foreign key under the provider's kid": lambda: provider_token(key=FOREIGN_KEY),
    "a kid the provider does not publish": lambda: provider_token(kid="idp-key-2"),
    "wrong issuer": lambda: provider_token({"iss": "https://evil.example"}),
    "wrong audience": lambda: provider_token({"aud": "someone-else"}),
    "expired": lambda: provider_token({"exp": int(time.time()) - 300}),
    "not yet valid": lambda: provider_token({"nbf": int(time.time()) + 300}),
    "an unknown tenant": lambda: provider_token({"sub": "nobody"}),
    "no tenant": lambda: provider_token({"sub": ""}),
}


@pytest.mark.parametrize("attack", ATTACKS)
async def test_attacks_on_the_provider_path_get_401(gateway, attack):
    response = await call(gateway, ATTACKS[attack]())
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
