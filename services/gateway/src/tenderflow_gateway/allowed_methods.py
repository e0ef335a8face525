"""A 405 names every method the path supports, not only those of the first route that matched it."""

import re
from functools import cache

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tenderflow_common.problems import problem_response

PARAMETER = re.compile(r"\\\{[^/]+?\\\}")


@cache
def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + PARAMETER.sub("[^/]+", re.escape(path)) + "$")


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Methods the OpenAPI document gives the path; routes of one path can sit in several routers, whose nesting
    FastAPI keeps to itself, and the document is what clients are told to trust."""
    methods = {method.upper() for template, operations in app.openapi().get("paths", {}).items()
               if _template(template).match(path) for method in operations}
    return sorted(methods)


def install_allowed_methods(app: FastAPI) -> None:
    """Answer 405 as a problem whose `Allow` header lists the path's methods, as RFC 9110 asks."""

    @app.exception_handler(405)
    async def _method_not_allowed(request: Request, error: HTTPException) -> JSONResponse:
        return problem_response(request, 405, "Method Not Allowed", kind="method-not-allowed",
                                headers={"Allow": ", ".join(allowed_methods(request.app, request.url.path))})
