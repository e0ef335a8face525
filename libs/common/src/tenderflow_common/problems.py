"""RFC 9457 problem details for every error a client can see."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tenderflow_common import failures
from tenderflow_common.correlation import request_correlation_id

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(Exception):
    """An error with an HTTP status and a human explanation, rendered as problem+json."""

    def __init__(self, status: int, title: str, detail: str | None = None, *, kind: str | None = None,
                 headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.headers = headers
        self.extensions = extensions


def problem_response(request: Request, status: int, title: str, detail: str | None = None, *,
                     kind: str | None = None, headers: dict[str, str] | None = None,
                     **extensions: Any) -> JSONResponse:
    """A problem+json response; `type` is a stable URN clients can switch on, `correlation_id` finds its logs."""
    body: dict[str, Any] = {
        "type": f"urn:tenderflow:problem:{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    body.update(extensions)
    correlation = request_correlation_id(request.scope)
    if correlation:
        body["correlation_id"] = correlation
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    """Turn every exception into problem+json; unexpected ones become a 500 without internals."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(request, error.status, error.title, error.detail, kind=error.kind,
                                headers=error.headers, **error.extensions)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        title = error.detail if isinstance(error.detail, str) else "HTTP error"
        return problem_response(request, error.status_code, title, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in error.errors()]
        return problem_response(request, 422, "Request is not valid", "See `errors` for each problem.",
                                kind="validation", errors=errors)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # This runs outside the middleware that set the context, so the id is passed along explicitly.
        log.exception("unhandled error on %s", request.url.path,
                      extra={"correlation_id": request_correlation_id(request.scope)})
        return problem_response(request, 500, "Internal error", failures.MESSAGES[failures.INTERNAL_ERROR],
                                kind="internal", code=failures.INTERNAL_ERROR)
