"""Embedded mode judges hostile packages exactly as the full stack over Kafka and PostgreSQL does."""

import asyncio
import io
import stat
import time
import zipfile

import httpx
import pytest

from tenderflow_cli.embedded import EmbeddedSystem

from .support import TED_NOTICE, api_key_for

pytestmark = pytest.mark.e2e



def hostile_packages() -> dict[str, bytes]:
    """Small hostile cases, each mixed with one good document where that makes sense."""
    def archive(entries) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for entry in entries:
                zf.writestr(*entry) if isinstance(entry, tuple) else entry(zf)
        return buffer.getvalue()

    def symlink(zf: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo("link-to-etc")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")

    good = ("notice.xml", TED_NOTICE.read_bytes())
    nested = archive([("inner.txt", "x")])
    return {
        "traversal": archive([good, ("../evil.txt", "x"), ("..\\evil2.txt", "x"), ("/abs.txt", "x")]),
        "symlink": archive([good, symlink]),
        "nested": archive([good, ("inner.zip", nested)]),
        "mislabelled": archive([good, ("notice.pdf", '{"not": "a pdf"}'), ("deep.json", "[" * 5000 + "]" * 5000)]),
        "names": archive([good, ("bad\u202etxt.xml", "<a/>"), ("nul\x00.xml", "<a/>")]),
        "only_bad": archive([("../evil.txt", "x")]),
        "empty": archive([]),
    }


def outcome(job: dict) -> tuple:
    files = sorted((f["name"], f["accepted"], f["code"]) for f in job["files"])
    return job["status"], files


async def run_all(client: httpx.AsyncClient, packages: dict[str, bytes]) -> dict[str, tuple]:
    outcomes = {}
    for name, body in packages.items():
        response = await client.post("/v1/documents", files={"file": (f"{name}.zip", body)})
        assert response.status_code == 202, (name, response.text)
        deadline = time.monotonic() + 60
        while (job := (await client.get(response.headers["location"])).json())["status"] not in (
                "succeeded", "failed", "cancelled"):
            assert time.monotonic() < deadline, name
            await asyncio.sleep(0.3)
        outcomes[name] = outcome(job)
    return outcomes


async def test_embedded_and_full_stack_give_the_same_verdicts(stack, tmp_path):
    packages = hostile_packages()
    key = await api_key_for(stack.databases["gateway"], "acme")
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        full = await run_all(client, packages)

    system = EmbeddedSystem(tmp_path / "embedded").build()
    await system.start()
    try:
        dev_key, _ = await system.dev_api_key()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.gateway), base_url="http://embedded",
                                     headers={"X-API-Key": dev_key}, timeout=30) as client:
            embedded = await run_all(client, packages)
    finally:
        await system.stop()

    assert embedded == full
    assert full["traversal"][0] == "succeeded" and full["only_bad"][0] == "failed"
    assert all(not accepted for name, accepted, _ in full["traversal"][1] if name != "notice.xml")
