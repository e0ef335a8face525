"""`tenderflow jobs ...`: list, show and cancel jobs through the API (remote or embedded)."""

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tenderflow_cli.connection import gateway_client, problem_text
from tenderflow_cli.embedded import DEFAULT_DATA_DIR

jobs_app = typer.Typer(no_args_is_help=True, help="List, show and cancel jobs.")
console = Console()

Gateway = Annotated[str | None, typer.Option("--gateway", envvar="TENDERFLOW_GATEWAY_URL",
                                             help="Gateway URL; without it the embedded data folder is used.")]
ApiKey = Annotated[str | None, typer.Option("--api-key", envvar="TENDERFLOW_API_KEY")]
DataDir = Annotated[Path, typer.Option("--data-dir", help="Embedded mode's data folder.")]


async def _call(method: str, path: str, gateway: str | None, api_key: str | None, data_dir: Path, **params):
    async with gateway_client(gateway, api_key, data_dir) as client:
        response = await client.request(method, path, params=params or None)
    if response.status_code >= 400:
        console.print(f"[red]error:[/red] {problem_text(response)}")
        raise typer.Exit(1)
    return response.json()


@jobs_app.command("list")
def list_jobs(status: Annotated[str | None, typer.Option(help="Only jobs with this status.")] = None,
              limit: int = 20, gateway: Gateway = None, api_key: ApiKey = None,
              data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Your jobs, newest first."""
    params = {"limit": limit} | ({"status": status} if status else {})
    page = asyncio.run(_call("GET", "/v1/jobs", gateway, api_key, data_dir, **params))
    table = Table("job", "status", "stage", "progress", "file", "created")
    for job in page["jobs"]:
        table.add_row(job["job_id"], job["status"], job["stage"], f"{job['progress']['percent']:.0f}%",
                      job.get("filename") or "", job["created_at"])
    console.print(table)


@jobs_app.command("show")
def show_job(job_id: str, gateway: Gateway = None, api_key: ApiKey = None,
             data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """One job as JSON: status, stage, progress, ETA, per-file verdicts and errors."""
    job = asyncio.run(_call("GET", f"/v1/jobs/{job_id}", gateway, api_key, data_dir))
    typer.echo(json.dumps(job, indent=2, ensure_ascii=False))


@jobs_app.command("cancel")
def cancel_job(job_id: str, gateway: Gateway = None, api_key: ApiKey = None,
               data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Ask a running job to stop."""
    answer = asyncio.run(_call("POST", f"/v1/jobs/{job_id}/cancel", gateway, api_key, data_dir))
    typer.echo(f"{answer['job_id']}: {answer['status']}")


@jobs_app.command("rebuild")
def rebuild(confirm: Annotated[bool, typer.Option("--yes", help="The jobs database is empty or may be rebuilt.")]
            = False) -> None:
    """Replay every retained Kafka message into the jobs database (stop the jobs service and empty it first)."""
    from tenderflow_jobs.rebuild import rebuild_projection
    from tenderflow_jobs.settings import JobsSettings

    if not confirm:
        console.print("Stop the jobs service, drop and recreate its database, then run again with --yes.")
        raise typer.Exit(2)
    read = asyncio.run(rebuild_projection(JobsSettings()))
    typer.echo(f"projection rebuilt from {read} messages")
