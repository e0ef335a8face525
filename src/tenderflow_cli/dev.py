"""`tenderflow dev`: the whole system in one process with the full /v1 API on one port."""

import asyncio
import contextlib
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from tenderflow_cli.embedded import DEFAULT_DATA_DIR, EmbeddedSystem
from tenderflow_cli.errors import CliError, one_line
from tenderflow_cli.local_model import apply_local_model_env, describe


class _Server(uvicorn.Server):
    """Stops on Ctrl-C or SIGTERM like uvicorn, without raising the signal again afterwards.

    uvicorn re-raises the signal once it has shut down, which would interrupt the orderly stop of the services.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        original = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def dev(host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port of the /v1 API.")] = 8000,
        data_dir: Annotated[Path, typer.Option("--data-dir", help="Databases and storage.")] = DEFAULT_DATA_DIR,
        ) -> None:
    """Run all five services in this process (SQLite, local storage, in-process messaging) for one machine.

    For production use Kafka and PostgreSQL: see `make infra-up && make stack-up`, docker compose or Helm.
    """
    _check_free(host, port)
    asyncio.run(_serve(host, port, data_dir.resolve()))


def _check_free(host: str, port: int) -> None:
    """Fail before anything starts when the port is taken (uvicorn would only log it, into embedded mode's log)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as error:
        raise CliError(f"cannot listen on {host}:{port} ({one_line(error)}); is `tenderflow dev` or the stack "
                       "running there already? Another port: --port") from error


async def _serve(host: str, port: int, data_dir: Path) -> None:
    local_model = apply_local_model_env()
    system = EmbeddedSystem(data_dir).build()
    await system.start()
    try:
        key, created = await system.dev_api_key()
        typer.echo(f"Tenderflow (embedded) on http://{host}:{port}  ·  data in {data_dir}")
        typer.echo(f"{'New development API key' if created else 'Development API key'}: {key}")
        if local_model is not None:
            typer.echo(describe(local_model))
        typer.echo("Press Ctrl-C to stop.")
        server = _Server(uvicorn.Config(system.gateway, host=host, port=port, lifespan="off",
                                               log_config=None, access_log=False))
        await server.serve()
    finally:
        await system.stop()
        typer.echo("stopped; data kept for the next start")
