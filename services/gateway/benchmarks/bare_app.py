"""A bare FastAPI app answering one GET with a fixed JSON document, served like the services are.

    python bare_app.py PORT DOCUMENT.json

The yardstick for the gateway's job read: the same document, the same uvicorn settings (`serve`), nothing else.
`/v1/jobs/{id}` returns the document as a dict, as a plain endpoint does; `/raw/jobs/{id}` returns its bytes as
they are, the least any endpoint can do."""

import json
import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Response


def bare_app(document: bytes) -> FastAPI:
    app = FastAPI()
    parsed = json.loads(document)

    @app.get("/v1/jobs/{job_id}")
    async def get_job(job_id: str) -> dict:
        return parsed

    @app.get("/raw/jobs/{job_id}")
    async def get_raw_job(job_id: str) -> Response:
        return Response(document, media_type="application/json")

    return app


if __name__ == "__main__":
    port, document = int(sys.argv[1]), Path(sys.argv[2]).read_bytes()
    # The same call as tenderflow_common.serve.serve makes for every service.
    uvicorn.run(bare_app(document), host="127.0.0.1", port=port, log_config=None, access_log=False)
