"""The shared secret that guards service-to-service APIs."""

import hmac

from fastapi import Header

from tenderflow_common.problems import Problem

INTERNAL_TOKEN_HEADER = "X-Internal-Token"


def require_internal_token(expected: str):
    """A FastAPI dependency rejecting calls that do not carry the internal token."""

    async def dependency(x_internal_token: str | None = Header(default=None)) -> None:
        if x_internal_token is None or not hmac.compare_digest(x_internal_token.encode(), expected.encode()):
            raise Problem(401, "Internal token missing or wrong", kind="internal-auth")

    return dependency
