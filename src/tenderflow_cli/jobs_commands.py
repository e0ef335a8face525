"""`tenderflow jobs ...`: list, show and cancel jobs through the API (remote or embedded)."""

import asyncio
import json
import logging
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from tenderflow_cli.connection import gateway_client, problem_text
from tenderflow_cli.embedded import DEFAULT_DATA_DIR
from tenderflow_cli.errors import CliError, one_line, without_password

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
        raise CliError(problem_text(response))
    return response.json()


@jobs_app.command("list")
def list_jobs(status: Annotated[str | None, typer.Option(
                  help="Only jobs with this status: queued, running, succeeded, failed or cancelled.")] = None,
              kind: Annotated[str | None, typer.Option(
                  help="Only uploads (upload) or questions asked again over a workspace (run).")] = None,
              workspace: Annotated[str | None, typer.Option(help="Only jobs in this workspace (id or name).")] = None,
              created_after: Annotated[str | None, typer.Option(
                  help="Only jobs created after this ISO 8601 instant with its offset (2026-03-01T00:00:00Z).")]
              = None,
              created_before: Annotated[str | None, typer.Option(
                  help="Only jobs created before this ISO 8601 instant with its offset.")] = None,
              limit: Annotated[int, typer.Option(help="Jobs per page.")] = 20,
              cursor: Annotated[str | None, typer.Option(help="Start at the page a previous list named.")] = None,
              every_page: Annotated[bool, typer.Option("--all", help="Follow every page to the last.")] = False,
              gateway: Gateway = None, api_key: ApiKey = None, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Your jobs, newest first, filtered; the next page's cursor is printed when there is one."""
    filters = {"status": status, "kind": kind, "workspace": workspace, "created_after": created_after,
               "created_before": created_before, "limit": limit}
    jobs, total, next_cursor = asyncio.run(_history({k: v for k, v in filters.items() if v is not None}, cursor,
                                                    every_page, gateway, api_key, data_dir))
    table = Table("job", "kind", "status", "stage", "progress", "workspace", "file", "created")
    for job in jobs:
        table.add_row(job["job_id"], job.get("kind", "upload"), job["status"], job["stage"],
                      f"{job['progress']['percent']:.0f}%", job.get("workspace") or "", job.get("filename") or "",
                      job["created_at"])
    console.print(table)
    typer.echo(f"{len(jobs)} of {total} jobs" + (f"; next page: --cursor {next_cursor}" if next_cursor else ""))


async def _history(params: dict, cursor: str | None, every_page: bool, gateway: str | None, api_key: str | None,
                   data_dir: Path) -> tuple[list[dict], int, str | None]:
    """The jobs of one page, or of every page from `cursor` on, with the total and the cursor left to follow."""
    jobs: list[dict] = []
    async with gateway_client(gateway, api_key, data_dir) as client:
        while True:
            response = await client.get("/v1/jobs", params=params | ({"cursor": cursor} if cursor else {}))
            if response.status_code >= 400:
                raise CliError(_refusal(response))
            page = response.json()
            jobs += page["jobs"]
            cursor = page.get("next_cursor")
            if not (every_page and cursor):
                return jobs, page.get("total", len(jobs)), cursor


def _refusal(response: httpx.Response) -> str:
    """The problem's line and, for a refused filter, which one and why."""
    text = problem_text(response)
    try:
        first = response.json()["errors"][0]
        return f"{text} ({first['loc'][-1]}: {first['msg']})"
    except (ValueError, KeyError, IndexError, TypeError):
        return text


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
def rebuild(ctx: typer.Context,
            confirm: Annotated[bool, typer.Option("--yes", help="The jobs database is empty or may be rebuilt.")]
            = False) -> None:
    """Replay every retained Kafka message into the jobs database (stop the jobs service and empty it first)."""
    from aiokafka.errors import KafkaError
    from redis.exceptions import RedisError

    from tenderflow_jobs.rebuild import rebuild_projection
    from tenderflow_jobs.settings import JobsSettings

    if not confirm:
        typer.echo("Stop the jobs service, drop and recreate its database, then run again with --yes.", err=True)
        raise typer.Exit(2)
    if not ctx.find_root().params.get("debug"):
        # aiokafka logs each failed connection attempt; the error below reports the failure once.
        logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    settings = JobsSettings()
    try:
        read = asyncio.run(rebuild_projection(settings))
    except (OSError, DBAPIError, KafkaError, RedisError) as error:
        raise CliError(f"cannot rebuild the jobs projection from Kafka at {settings.kafka.bootstrap_servers} into "
                       f"{without_password(settings.resolved_database_url('jobs'))} ({one_line(error)}); "
                       "is `make infra-up` running, and are TENDERFLOW_KAFKA_BOOTSTRAP_SERVERS, "
                       "TENDERFLOW_POSTGRES_URL and TENDERFLOW_REDIS_URL right?") from error
    typer.echo(f"projection rebuilt from {read} messages")
