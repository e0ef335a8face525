"""Internal APIs take their caller and tenant from a verified token, never from the request's own words."""

from typing import Annotated, Any

from fastapi import Depends, Header, Request

from tenderflow_common.internal_tokens import (
    InternalCaller,
    InternalTokenVerifier,
    InvalidInternalToken,
    bearer_token,
)
from tenderflow_common.problems import Problem


class InternalAuth:
    """FastAPI dependencies of one service's internal routes: a caller with a scope, and the tenant it acts for."""

    def __init__(self, verifier: InternalTokenVerifier) -> None:
        self._verifier = verifier

    def caller(self, scope: str) -> Any:
        """The verified caller, refused with 401 without a valid token and 403 without `scope`."""
        return Annotated[InternalCaller, self.require(scope)]

    def require(self, scope: str) -> Any:
        """A route dependency for routes that need a valid caller but no tenant."""

        async def dependency(authorization: Annotated[str | None, Header()] = None) -> InternalCaller:
            token = bearer_token(authorization)
            if token is None:
                raise Problem(401, "Internal token missing", kind="internal-auth",
                              headers={"WWW-Authenticate": "Bearer"})
            try:
                caller = self._verifier.verify(token)
            except InvalidInternalToken as error:
                raise Problem(401, "Internal token not valid", kind="internal-auth",
                              headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from error
            if scope not in caller.scopes:
                raise Problem(403, "Internal token lacks the scope", kind="internal-scope", scope=scope)
            return caller

        return Depends(dependency)

    def tenant(self, scope: str) -> Any:
        """The tenant the token names; a call without one, or whose query names another tenant, is refused."""
        Caller = self.caller(scope)

        async def dependency(request: Request, caller: Caller) -> str:
            if caller.tenant_id is None:
                raise Problem(403, "Internal token names no tenant", kind="internal-tenant")
            claimed = request.query_params.getlist("tenant_id")
            if any(value != caller.tenant_id for value in claimed):
                raise Problem(403, "Tenant in the query differs from the token's", kind="internal-tenant")
            return caller.tenant_id

        return Annotated[str, Depends(dependency)]
