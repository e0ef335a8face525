"""Reading a multipart upload straight off the request into object storage, in memory that does not grow
with the upload: the `file` part's bytes are counted, hashed and written as they arrive, the small fields are
capped, and a package past the limit is refused as soon as its bytes say so, whatever Content-Length said."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from tenderflow_common.problems import Problem
from tenderflow_common.storage import ObjectStore, ObjectTooLarge, StoredObject

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
SIGNATURE_BYTES = 4
FILE_FIELD = "file"
FIELD_LIMITS = {"workspace": 1024, "question_set": 1024, "model": 1024, "questions": 1024 * 1024, "temperature": 64,
                "max_tokens": 64, "token_budget": 64}
MAX_PARTS = 16
MAX_PART_HEADER_BYTES = 8 * 1024
# What a request may carry besides the package: the capped fields, part headers and boundaries.
FORM_OVERHEAD_BYTES = 2 * 1024 * 1024
# File bytes are handed to storage in pieces of about this size; it bounds what one upload holds in memory.
FLUSH_BYTES = 256 * 1024

T = TypeVar("T")


def too_large(max_bytes: int) -> Problem:
    return Problem(413, "Package too large", f"The upload limit is {max_bytes} bytes.",
                   kind="payload-too-large", limit_bytes=max_bytes)


def not_zip() -> Problem:
    return Problem(415, "Not a ZIP archive", "A package must be a ZIP file; its first bytes say otherwise.",
                   kind="unsupported-media-type")


def invalid(title: str, detail: str) -> Problem:
    return Problem(422, title, detail, kind="validation")


def check_declared_length(content_length: str | None, max_bytes: int) -> None:
    """Refuse an honest oversized request before reading it; a dishonest one is caught while counting."""
    if content_length and content_length.isdigit() and int(content_length) > max_bytes + FORM_OVERHEAD_BYTES:
        raise too_large(max_bytes)


@dataclass
class ReceivedUpload(Generic[T]):
    """The stored package, the name the client gave it, and what its fields asked for."""

    stored: StoredObject
    filename: str | None
    request: T


@dataclass
class _Part:
    name: str
    value: bytearray = field(default_factory=bytearray)


class FormReader:
    """Feeds body chunks to python-multipart's streaming parser and sorts what comes out."""

    def __init__(self, content_type: str | None) -> None:
        media_type, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if media_type != b"multipart/form-data" or not boundary:
            raise invalid("Expected a multipart form",
                          "Send the package as multipart/form-data with a `file` part.")
        callbacks = {"on_part_begin": self._part_begin, "on_header_field": self._header_field,
                     "on_header_value": self._header_value, "on_header_end": self._header_end,
                     "on_headers_finished": self._headers_finished, "on_part_data": self._part_data,
                     "on_part_end": self._part_end, "on_end": self._end}
        try:
            self._parser = MultipartParser(boundary, callbacks, max_header_size=MAX_PART_HEADER_BYTES)
        except Exception as error:
            raise invalid("Expected a multipart form", "The multipart boundary is not usable.") from error
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.file_started = self.file_ended = self.ended = False
        self.file_head = b""
        self._pending: list[bytes] = []
        self.pending_bytes = 0
        self._parts = 0
        self._part: _Part | None = None
        self._headers: dict[bytes, bytes] = {}
        self._name, self._value = bytearray(), bytearray()

    def feed(self, chunk: bytes) -> None:
        try:
            self._parser.write(chunk)
        except MultipartParseError as error:
            raise Problem(400, "Malformed multipart body",
                          "The request body is not valid multipart/form-data.", kind="bad-request") from error

    @property
    def type_known(self) -> bool:
        """Whether enough of the file has arrived to tell a ZIP from anything else."""
        return self.file_started and (self.file_ended or len(self.file_head) >= SIGNATURE_BYTES)

    def take(self) -> bytes:
        """The file bytes parsed since the last call."""
        data = b"".join(self._pending)
        self._pending.clear()
        self.pending_bytes = 0
        return data

    def _part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise invalid("Too many form parts", f"A request may have at most {MAX_PARTS} parts.")
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._name).lower()] = bytes(self._value)
        self._name, self._value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get(b"content-disposition"))
        name = options.get(b"name", b"").decode("latin-1")
        if disposition != b"form-data" or not name:
            raise invalid("Invalid form part", "Every part needs `Content-Disposition: form-data; name=...`.")
        if name == FILE_FIELD:
            if self.file_started:
                raise invalid("Invalid form", "Send exactly one `file` part.")
            self.file_started = True
            # parse_options_header reads the header as Latin-1; clients send file names as UTF-8.
            self.filename = options.get(b"filename", b"").decode("utf-8", "replace") or None
        elif name in FIELD_LIMITS and name in self.fields:
            raise invalid("Invalid form", f"Send the `{name}` field at most once.")
        self._part = _Part(name)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part is None:
            return
        if part.name == FILE_FIELD:
            piece = data[start:end]
            if len(self.file_head) < SIGNATURE_BYTES:
                self.file_head += piece[:SIGNATURE_BYTES - len(self.file_head)]
            self._pending.append(piece)
            self.pending_bytes += len(piece)
        elif part.name in FIELD_LIMITS:
            if len(part.value) + end - start > FIELD_LIMITS[part.name]:
                limit = FIELD_LIMITS[part.name]
                raise invalid("Field too large", f"`{part.name}` may be at most {limit} bytes.")
            part.value += data[start:end]

    def _part_end(self) -> None:
        part, self._part = self._part, None
        if part is None:
            return
        if part.name == FILE_FIELD:
            self.file_ended = True
        elif part.name in FIELD_LIMITS:
            try:
                value = part.value.decode("utf-8")
            except UnicodeDecodeError as error:
                raise invalid("Invalid field", f"`{part.name}` is not UTF-8 text.") from error
            # An empty field counts as absent, as an unset form field always has.
            if value:
                self.fields[part.name] = value

    def _end(self) -> None:
        self.ended = True


async def receive_upload(body: AsyncIterator[bytes], content_type: str | None, store: ObjectStore, key: str,
                         max_bytes: int, parse_fields: Callable[[dict[str, str]], T]) -> ReceivedUpload[T]:
    """Stream the `file` part into storage under `key` and return it with the parsed fields.

    The fields are checked once the file begins (most clients send them first, so a bad request costs no
    storage) and again at the end; a refused upload leaves nothing in storage."""
    reader = FormReader(content_type)
    chunks = aiter(body)
    received = 0

    async def pull() -> None:
        nonlocal received
        try:
            chunk = await anext(chunks, None)
        except ClientDisconnect as error:
            raise Problem(400, "Upload interrupted", "The client stopped sending the request.",
                          kind="bad-request") from error
        if chunk is None:
            if not reader.ended:
                raise Problem(400, "Malformed multipart body", "The request body ended before the form did.",
                              kind="bad-request")
            return
        received += len(chunk)
        if received > max_bytes + FORM_OVERHEAD_BYTES:
            raise too_large(max_bytes)
        reader.feed(chunk)

    while not reader.ended and not reader.type_known:
        await pull()
    if not reader.file_started:
        raise invalid("Missing file", "Send the package in a form part named `file`.")
    parse_fields(reader.fields)
    if not reader.file_head.startswith(ZIP_SIGNATURES):
        raise not_zip()

    async def file_bytes() -> AsyncIterator[bytes]:
        while True:
            if reader.pending_bytes >= FLUSH_BYTES or (reader.ended and reader.pending_bytes):
                yield reader.take()
            if reader.ended:
                return
            await pull()

    try:
        stored = await store.put_stream(key, file_bytes(), max_bytes=max_bytes)
    except ObjectTooLarge as error:
        raise too_large(max_bytes) from error
    try:
        request = parse_fields(reader.fields)
    except BaseException:
        await store.delete(key)
        raise
    return ReceivedUpload(stored=stored, filename=reader.filename, request=request)
