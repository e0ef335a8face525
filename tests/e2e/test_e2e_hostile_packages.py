"""The hostile corpus through the gateway.

Every attack ends in a 4xx, a per-file verdict or a failed job with a reason (never a 500); ingest keeps
serving, nothing lands outside storage, and ingest's peak memory stays bounded.
"""

import asyncio
import csv
import io
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tenderflow_ingest.testing.corpus import GOOD_JSON, GOOD_NAME, HostileCase, hostile_cases
from tenderflow_ingest.testing.forge import deflated, forge_zip

from .support import api_key_for, wait_for_end

pytestmark = pytest.mark.e2e

UPLOAD_LIMIT = 50 * 1024 * 1024
INGEST_PEAK_MEMORY_BOUND_MB = 400
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def stack_env() -> dict[str, str]:
    """The production upload limit, so the bombs can be as big as a real client may send."""
    return {"TENDERFLOW_GATEWAY_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT)}




async def upload(client: httpx.AsyncClient, path: Path) -> httpx.Response:
    with path.open("rb") as file:  # streamed from disk by the multipart encoder
        return await client.post("/v1/documents", files={"file": (path.name, file, "application/zip")})




def peak_memory_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def case_problems(case: HostileCase, job: dict) -> list[str]:
    """What is wrong with the job's outcome for this case (empty when it is right)."""
    problems = []
    verdicts = {f["name"]: f for f in job["files"]}
    expected_status = "succeeded" if case.goes_on else "failed"
    if job["status"] != expected_status:
        problems.append(f"status {job['status']} (errors {job['errors']}), expected {expected_status}")
    if case.reason_fragment and not any(case.reason_fragment in error for error in job["errors"]):
        problems.append(f"no error mentions {case.reason_fragment!r}: {job['errors']}")
    if case.verdicts and {name: v["code"] for name, v in verdicts.items()} != dict(case.verdicts):
        problems.append(f"verdicts {[(n, v['code']) for n, v in verdicts.items()]}, expected {case.verdicts}")
    for name, verdict in verdicts.items():
        consistent = verdict["accepted"] == (verdict["code"] is None)
        if not consistent or (not verdict["accepted"] and not verdict["reason"]):
            problems.append(f"{name!r}: accepted={verdict['accepted']} code={verdict['code']} "
                            f"reason={verdict['reason']!r}")
    return [f"{case.id}: {problem}" for problem in problems]


def files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file() or path.is_symlink()}


def escaped_files(marker: str, stack_dir: Path) -> list[Path]:
    """Files carrying the corpus marker anywhere an escaping name could have put them."""
    deep = [stack_dir.parent]  # pytest's base temp: the stack's folder, its siblings and the corpus
    shallow = [Path("/tmp"), Path.cwd(), Path.cwd().parent, Path("/")]
    found = [path for root in deep for path in root.rglob(f"*{marker}*")]
    found += [path for root in shallow for path in root.glob(f"*{marker}*")]
    corpus = [path for path in found if path.parent.name.startswith("hostile-corpus")]
    return sorted(set(found) - set(corpus))


async def test_hostile_packages_get_verdicts_and_leave_ingest_healthy(stack, tmp_path_factory):
    marker = f"tf-escape-{uuid.uuid4().hex[:8]}"
    cases = hostile_cases(marker)
    corpus_dir = tmp_path_factory.mktemp("hostile-corpus")
    built = time.monotonic()
    packages = {case.id: corpus_dir / f"{case.id}.zip" for case in cases}
    for case in cases:
        case.build(packages[case.id])
    print(f"\nbuilt {len(cases)} hostile packages in {time.monotonic() - built:.1f} s, "
          f"{sum(p.stat().st_size for p in packages.values()) / 1e6:.1f} MB in all")
    assert all(path.stat().st_size < UPLOAD_LIMIT for path in packages.values())

    ingest = stack.processes["ingest"]
    memory_before = peak_memory_mb(ingest.pid)
    stack_files_before = files_under(stack.work_dir)
    key = await api_key_for(stack.databases["gateway"], "acme")
    problems: list[str] = []
    headers = {"X-API-Key": key}
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, timeout=60) as client:
        started = time.monotonic()
        job_urls: dict[str, str] = {}
        for case in cases:
            response = await upload(client, packages[case.id])
            assert response.status_code < 500, f"{case.id}: {response.status_code} {response.text}"
            if case.http_status is not None:
                if response.status_code != case.http_status:
                    problems.append(f"{case.id}: upload answered {response.status_code}, "
                                    f"expected {case.http_status}")
                elif response.headers["content-type"] != "application/problem+json":
                    problems.append(f"{case.id}: {case.http_status} without problem details")
                continue
            assert response.status_code == 202, f"{case.id}: {response.status_code} {response.text}"
            job_urls[case.id] = response.headers["location"]
        ended = await asyncio.gather(*(wait_for_end(client, url) for url in job_urls.values()))
        jobs = dict(zip(job_urls, ended, strict=True))
        print(f"{len(jobs)} hostile jobs ended {time.monotonic() - started:.1f} s after the first upload")
        for case in cases:
            if case.id in jobs:
                problems += case_problems(case, jobs[case.id])
                job = jobs[case.id]
                codes = sorted({f["code"] for f in job["files"]}, key=str)
                print(f"  {case.id:<26} {job['status']:<10} {codes} {job['errors']}")
        problems += await formula_problems(client, jobs["csv_formulas"]["job_id"])

        async with httpx.AsyncClient(timeout=10) as probe:
            ready = await probe.get(f"http://127.0.0.1:{stack.ports['ingest']}/health/ready")
        assert ingest.poll() is None, "the ingest process died"
        assert ready.status_code == 200, ready.text
        good = corpus_dir / "good-after.zip"
        good.write_bytes(forge_zip([deflated(GOOD_NAME, GOOD_JSON)]))
        response = await upload(client, good)
        assert response.status_code == 202, response.text
        after = await wait_for_end(client, response.headers["location"])
        assert after["status"] == "succeeded", after
        assert [(f["name"], f["accepted"]) for f in after["files"]] == [(GOOD_NAME, True)]

    memory_after = peak_memory_mb(ingest.pid)
    print(f"ingest peak resident memory (VmHWM): {memory_before:.0f} MB before the corpus, "
          f"{memory_after:.0f} MB after (bound {INGEST_PEAK_MEMORY_BOUND_MB} MB)")
    new_files = files_under(stack.work_dir) - stack_files_before
    allowed = [stack.work_dir / "storage", stack.work_dir / "logs"]
    assert [p for p in new_files if not any(p.is_relative_to(root) for root in allowed)] == []
    assert not [p for p in new_files if p.is_symlink()]
    assert escaped_files(marker, stack.work_dir) == []
    assert files_under(stack.work_dir / "ingest-work") == set(), "spooled entries were left behind"
    assert memory_after < INGEST_PEAK_MEMORY_BOUND_MB
    assert not problems, "\n".join(problems)


async def formula_problems(client: httpx.AsyncClient, job_id: str) -> list[str]:
    """Formula cells from a package may reach answers and citations, but never unquoted into a CSV export."""
    response = await client.get(f"/v1/jobs/{job_id}/results", params={"format": "csv"})
    if response.status_code != 200:
        return [f"csv_formulas: results export answered {response.status_code}"]
    rows = list(csv.reader(io.StringIO(response.text)))
    live = [cell for row in rows[1:] for cell in row if cell.startswith(FORMULA_TRIGGERS)]
    return [f"csv_formulas: export cell would run as a formula: {cell!r}" for cell in live]

