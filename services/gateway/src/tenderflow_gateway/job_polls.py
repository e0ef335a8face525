"""A job's status poll, the request clients send most, answered by one plain function: credentials, scope, cost,
the view and its fallback in turn, without FastAPI solving four dependencies and validating the answer again."""

from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.routing import request_response
from starlette.types import Receive, Scope, Send

from tenderflow_common.endpoints import Database
from tenderflow_gateway.auth import API_KEY, BEARER, Authenticator, Unspent
from tenderflow_gateway.clients import Clients
from tenderflow_gateway.domain import required_scope
from tenderflow_gateway.job_lookup import stored_job
from tenderflow_gateway.job_views import JobViewReader
from tenderflow_gateway.poll_traces import JobTraces

Answer = Callable[[Request], Awaitable[Response]]


def answered_by(answer: Answer) -> type[APIRoute]:
    """A route class whose requests `answer` handles whole; FastAPI still documents the route from its endpoint's
    signature (parameters, security schemes, response model), and never calls that endpoint.

    A request of the route's method goes straight to `answer`, its exceptions turned into responses by the app's
    handlers, without the stacks FastAPI opens for dependencies that yield (it has none) or a body limit (it reads
    no body); another method is answered 405 by FastAPI as before."""

    plain = request_response(answer)  # Starlette's own: the request in, the response out, errors to the handlers

    class PlainRoute(APIRoute):
        def get_route_handler(self) -> Answer:
            return answer

        async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["method"] not in self.methods:
                await super().handle(scope, receive, send)
                return
            await plain(scope, receive, send)

    return PlainRoute


class JobPoll:
    """`GET /v1/jobs/{job_id}`: the caller's budget spent and the job's view read in one Redis round trip, the jobs
    service asked only when Redis has no current view."""

    def __init__(self, authenticator: Authenticator, clients: Clients, database: Database, namespace: str) -> None:
        self._authenticator = authenticator
        self._views = JobViewReader(authenticator.tenant_limiter, namespace)
        self._traces = JobTraces(database)
        self._clients = clients
        self._database = database

    async def answer(self, request: Request) -> Response:
        """The job's view as JSON; 401, 403, 404 or 429 as problems, as the dependencies of other routes answer."""
        authenticator = self._authenticator
        caller = await authenticator.caller(request, await API_KEY(request), await BEARER(request))
        await authenticator.refuse_scope(request, caller, required_scope(request.method))
        job_id, tenant_id = request.path_params["job_id"], caller.tenant_id
        await self._traces.link_poll(job_id, tenant_id)
        published = await self._views.view(Unspent(tenant_id, authenticator.cost(request)), job_id)
        if published is not None:
            return Response(published, media_type="application/json")
        job = await stored_job(self._clients, self._database, job_id, tenant_id)
        return Response(job.view.model_dump_json(), media_type="application/json")
