"""Reading a multipart upload as a stream: bytes go to storage as they come, limits hold whatever the body."""

import hashlib
from collections.abc import AsyncIterator

import pytest

from tenderflow_common.problems import Problem
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_gateway.uploads import FIELD_LIMITS, check_declared_length, receive_upload

BOUNDARY = "tenderflowtestboundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
KEY = tenant_key("acme", "uploads", "job.zip")
ZIP = b"PK\x03\x04" + bytes(range(256)) * 40


def field(name: str, value: str | bytes) -> bytes:
    value = value.encode() if isinstance(value, str) else value
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"


def file_part(data: bytes, filename: str = "tender.zip", name: str = "file") -> bytes:
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/zip\r\n\r\n").encode()
    return head + data + b"\r\n"


def closing() -> bytes:
    return f"--{BOUNDARY}--\r\n".encode()


class Body:
    """A request body delivered in pieces, remembering how much of it was read."""

    def __init__(self, *parts: bytes, piece: int = 64 * 1024) -> None:
        self.data = b"".join(parts)
        self.piece = piece
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.piece):
            chunk = self.data[start:start + self.piece]
            self.read += len(chunk)
            yield chunk
        yield b""


def fields_as_dict(form: dict[str, str]) -> dict[str, str]:
    return dict(form)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


async def receive(store, body, max_bytes=10_000_000, parse=fields_as_dict, content_type=CONTENT_TYPE):
    return await receive_upload(aiter(body), content_type, store, KEY, max_bytes, parse)


@pytest.mark.parametrize("piece", [1, 7, 64 * 1024])
async def test_file_and_fields_arrive_whatever_the_chunking(tmp_path, piece):
    store = LocalObjectStore(tmp_path)
    body = Body(field("workspace", "tenders"), file_part(ZIP, "Ausschreibung Würzburg.zip"),
                field("questions", '[{"id": "a", "text": "b"}]'), closing(), piece=piece)
    upload = await receive(store, body)
    assert upload.stored.size == len(ZIP) and upload.stored.sha256 == hashlib.sha256(ZIP).hexdigest()
    assert await store.get_bytes(KEY) == ZIP
    assert upload.filename == "Ausschreibung Würzburg.zip"
    assert upload.request == {"workspace": "tenders", "questions": '[{"id": "a", "text": "b"}]'}


async def test_past_the_limit_is_413_and_nothing_is_kept(tmp_path):
    store = LocalObjectStore(tmp_path)
    body = Body(file_part(b"PK\x03\x04" + b"\0" * 3_000_000), closing())
    with pytest.raises(Problem) as refused:
        await receive(store, body, max_bytes=2 * 1024 * 1024)
    assert refused.value.status == 413 and refused.value.extensions["limit_bytes"] == 2 * 1024 * 1024
    assert body.read < len(body.data)
    assert stored_files(tmp_path) == []


async def test_an_endless_unknown_part_is_cut_off(tmp_path):
    body = Body(field("padding", b"x" * 6_000_000), file_part(ZIP), closing())
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), body, max_bytes=1024 * 1024)
    assert refused.value.status == 413
    assert body.read < 4 * 1024 * 1024


async def test_not_a_zip_is_415_before_anything_is_stored(tmp_path):
    body = Body(file_part(b"%PDF-1.7 " + b"x" * 500_000), closing())
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), body)
    assert refused.value.status == 415
    assert body.read < 200_000
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize("data", [b"", b"PK"])
async def test_a_file_too_short_to_be_a_zip_is_415(tmp_path, data):
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), Body(file_part(data), closing()))
    assert refused.value.status == 415


async def test_missing_file_is_422(tmp_path):
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), Body(field("workspace", "w"), closing()))
    assert refused.value.status == 422 and refused.value.title == "Missing file"


async def test_two_files_are_422(tmp_path):
    body = Body(file_part(ZIP), file_part(ZIP), closing())
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), body)
    assert refused.value.status == 422
    assert stored_files(tmp_path) == []


@pytest.mark.parametrize("name", sorted(FIELD_LIMITS))
async def test_oversized_fields_are_422_without_reading_on(tmp_path, name):
    body = Body(field(name, "x" * (FIELD_LIMITS[name] + 1)), file_part(b"PK\x03\x04" + b"\0" * 5_000_000),
                closing())
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), body)
    assert refused.value.status == 422 and refused.value.title == "Field too large"
    assert body.read < FIELD_LIMITS[name] + 200_000


async def test_bad_fields_before_the_file_are_refused_before_storing(tmp_path):
    def parse(form: dict[str, str]) -> dict[str, str]:
        if form.get("model") == "nonsense":
            raise Problem(422, "Invalid request", kind="validation")
        return form

    body = Body(field("model", "nonsense"), file_part(b"PK\x03\x04" + b"\0" * 5_000_000), closing())
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), body, parse=parse)
    assert refused.value.status == 422
    assert body.read < 200_000
    assert stored_files(tmp_path) == []


async def test_bad_fields_after_the_file_remove_the_stored_package(tmp_path):
    def parse(form: dict[str, str]) -> dict[str, str]:
        if "questions" in form and "question_set" in form:
            raise Problem(422, "Choose questions or a question set", kind="validation")
        return form

    body = Body(field("questions", "[]"), file_part(ZIP), field("question_set", "mine"), closing())
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), body, parse=parse)
    assert refused.value.status == 422
    assert stored_files(tmp_path) == []


async def test_empty_fields_count_as_absent(tmp_path):
    body = Body(field("workspace", ""), file_part(ZIP), closing())
    upload = await receive(LocalObjectStore(tmp_path), body)
    assert upload.request == {}


async def test_non_utf8_fields_are_422(tmp_path):
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), Body(field("model", b"\xff"), file_part(ZIP), closing()))
    assert refused.value.status == 422


@pytest.mark.parametrize("content_type", [None, "application/json", "multipart/form-data",
                                          "application/x-www-form-urlencoded"])
async def test_anything_but_a_multipart_form_is_422(tmp_path, content_type):
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), Body(b"{}"), content_type=content_type)
    assert refused.value.status == 422


async def test_a_body_that_ends_early_is_400_and_leaves_nothing(tmp_path):
    body = Body(file_part(ZIP)[:-500])
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), body)
    assert refused.value.status == 400
    assert stored_files(tmp_path) == []


async def test_garbage_is_400(tmp_path):
    with pytest.raises(Problem) as refused:
        await receive(LocalObjectStore(tmp_path), Body(b"this is not multipart at all\r\n" * 10))
    assert refused.value.status == 400


def test_an_honest_oversized_content_length_is_refused_up_front():
    check_declared_length("1000", 2000)
    check_declared_length(None, 2000)
    with pytest.raises(Problem) as refused:
        check_declared_length(str(10 * 1024 * 1024), 2000)
    assert refused.value.status == 413
