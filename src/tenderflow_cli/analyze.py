"""`tenderflow analyze`: upload a package, follow its job with progress bars, print the answer table."""

import asyncio
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from tenderflow_cli.connection import gateway_client, problem_text
from tenderflow_cli.embedded import DEFAULT_DATA_DIR
from tenderflow_cli.errors import CliError
from tenderflow_cli.job_stream import streamed
from tenderflow_cli.local_model import answered_by_openai, apply_local_model_env, describe

TERMINAL = ("succeeded", "failed", "cancelled")
TABLE_ANSWER_CHARS = 120
Format = Literal["table", "json", "csv"]
status_console = Console(stderr=True)


class JobFailed(CliError):
    """The package was refused or the job ended without results; the message is the one-line reason."""


def analyze(
    package: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The tender package (ZIP).")],
    questions: Annotated[Path | None, typer.Option("--questions", exists=True, dir_okay=False,
                                                   help='JSON array of {"id", "text", ...}.')] = None,
    question_set: Annotated[str | None, typer.Option("--question-set", help="A named question set.")] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", help="provider:model, e.g. extractive:default; again to compare models side by side.")] = None,
    workspace: Annotated[str | None, typer.Option("--workspace", help="Workspace to index into.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", help="Write the results here.")] = None,
    gateway: Annotated[str | None, typer.Option("--gateway", envvar="TENDERFLOW_GATEWAY_URL",
                                                help="Gateway URL; without it everything runs in process.")] = None,
    api_key: Annotated[str | None, typer.Option("--api-key", envvar="TENDERFLOW_API_KEY")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Embedded mode's data folder.")] = DEFAULT_DATA_DIR,
) -> None:
    """Analyze a tender package and print each question's answer, confidence and source."""
    if output_format not in ("table", "json", "csv"):
        raise typer.BadParameter("--format must be table, json or csv")
    models = ",".join(model or [])
    fields = {k: v for k, v in {"question_set": question_set, "model": models, "workspace": workspace}.items() if v}
    if questions:
        fields["questions"] = questions.read_text(encoding="utf-8")
    if not gateway:
        local_model = apply_local_model_env()
        if local_model is not None and any(answered_by_openai(name) for name in model or []):
            typer.echo(describe(local_model), err=True)
    rendered = asyncio.run(_analyze(package, fields, output_format, gateway, api_key, data_dir))
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(rendered, encoding="utf-8")
        status_console.print(f"results written to {output}")
    else:
        sys.stdout.write(rendered)


async def _analyze(package: Path, fields: dict, output_format: Format, gateway: str | None, api_key: str | None,
                   data_dir: Path) -> str:
    async with gateway_client(gateway, api_key, data_dir) as client:
        with package.open("rb") as file:
            response = await client.post("/v1/documents", files={"file": (package.name, file, "application/zip")},
                                         data=fields)
        if response.status_code != 202:
            raise JobFailed(problem_text(response))
        job = await follow(client, response.headers["location"], stream=bool(gateway))
        if job["status"] != "succeeded":
            reason = "; ".join(job.get("errors") or []) or job["status"]
            raise JobFailed(f"job {job['job_id']} {job['status']}: {reason}")
        report_rejections(job)
        results_url = f"/v1/jobs/{job['job_id']}/results"
        if output_format == "csv":
            return (await client.get(results_url, params={"format": "csv"})).text
        results = await client.get(results_url)
        if output_format == "json":
            return results.text + "\n"
        return answer_table(results.json())


async def follow(client: httpx.AsyncClient, job_url: str, *, stream: bool = False) -> dict:
    """Follow the job until it ends, showing files, pages and questions with the job's own ETA: through the
    gateway's event stream when `stream` is set and the gateway offers it, otherwise by polling."""
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[note]}"), TimeRemainingColumn(), console=status_console,
                  transient=True) as progress:
        show = progress_bars(progress)
        if stream and (job := await streamed(client, job_url, show)) is not None:
            return job
        while True:
            response = await client.get(job_url)
            if response.status_code != 200:
                # A job that is gone (or a refusal the client's checks let through) ends the wait with its reason.
                raise JobFailed(problem_text(response))
            job = response.json()
            show(job)
            if job.get("status") in TERMINAL:
                return job
            await asyncio.sleep(0.2)


def progress_bars(progress: Progress) -> Callable[[dict], None]:
    """Bars for files, pages, questions and the whole job, and a function moving them to a job view's counts."""
    files = progress.add_task("files", total=None, note="")
    pages = progress.add_task("pages", total=None, note="")
    answers = progress.add_task("questions", total=None, note="")
    overall = progress.add_task("overall", total=100, note="")

    def show(job: dict) -> None:
        counts = job.get("progress", {})
        rejected = counts.get("files_rejected", 0)
        progress.update(files, completed=counts.get("documents_extracted", 0),
                        total=counts.get("files_accepted") or None, note=f"{rejected} rejected" if rejected else "")
        progress.update(pages, completed=counts.get("pages", 0), total=counts.get("pages") or None, note="")
        progress.update(answers, completed=counts.get("questions_answered", 0),
                        total=counts.get("questions_total") or None, note="")
        eta = job.get("eta_seconds")
        progress.update(overall, completed=counts.get("percent", 0),
                        note=f"{job.get('stage', '')} · ETA {eta:.0f}s" if eta else job.get("stage", ""))

    return show


def report_rejections(job: dict) -> None:
    for verdict in job.get("files", []):
        if not verdict["accepted"]:
            status_console.print(f"[yellow]skipped[/yellow] {verdict['name']}: {verdict['reason']}")


def shorten(text: str, limit: int = TABLE_ANSWER_CHARS) -> str:
    """Long answers are cut for the table; json and csv carry them whole."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def answer_table(results: dict) -> str:
    """The answers as a terminal table: question, answer, confidence, source; or, when the job compared models,
    each model's answer and confidence side by side and whether they agree."""
    if results.get("comparisons"):
        return _rendered(_comparison_table(results))
    table = Table("question", "answer", "confidence", "source", title=f"Job {results['job_id']}", expand=True)
    for row in results["answers"]:
        table.add_row(row["question"], _answer_cell(row), f"{row['confidence']:.2f}", _source(row))
    return _rendered(table)


def _comparison_table(results: dict) -> Table:
    models = list(dict.fromkeys(row["model"] for row in results["answers"]))
    table = Table("question", *models, "agree", title=f"Job {results['job_id']}", expand=True)
    by_question: dict[str, dict[str, dict]] = {}
    texts: dict[str, str] = {}
    for row in results["answers"]:
        by_question.setdefault(row["question_id"], {})[row["model"]] = row
        texts[row["question_id"]] = row["question"]
    agree = {comparison["question_id"]: comparison["agree"] for comparison in results["comparisons"]}
    for question_id, rows in by_question.items():
        cells = [f"{_answer_cell(rows[m])} ({rows[m]['confidence']:.2f})" if m in rows else "" for m in models]
        table.add_row(texts[question_id], *cells, "yes" if agree.get(question_id) else "no")
    return table


def _answer_cell(row: dict) -> str:
    # A failed question says why (`timeout`, `rate_limited`, ...); a plain dash is "not stated".
    return shorten(row["answer"]) if row["answer"] else f"— ({row['error']})" if row.get("error") else "—"


def _source(row: dict) -> str:
    if not row["citations"]:
        return ""
    first = row["citations"][0]
    where = first.get("page") or first.get("row") or first.get("path") or ""
    return f"{first['file']} ({'page ' if first.get('page') else ''}{where})" if where else first["file"]


def _rendered(table: Table) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=160).print(table)
    return buffer.getvalue()
