"""Text handling of the fake AnythingLLM: slugs, multipart bodies, splitting and retrieval, as the server does them."""

import re
import uuid
from dataclasses import dataclass
from urllib.parse import unquote

SLUG_EXTENSIONS = {"+": " plus ", "!": " bang ", "@": " at ", "*": " splat ", ".": " dot ", ":": "", "~": "", "(": "",
                   ")": "", "'": "", '"': "", "|": ""}
SLUG_REMOVE = re.compile(r"[^\w\s$*_+~.()'\"!\-:@]+", re.ASCII)
FILENAME_REMOVE = re.compile(r"[<>:\"/\\|?*\u2018\u2019\u201c\u201d]")
WORD = re.compile(r"[a-z0-9]+")
DEFAULT_CHUNK_SIZE = 1000
CHUNK_OVERLAP = 20


def slugify(text: str, *, lower: bool = True, extended: bool = True) -> str:
    """npm `slugify` as AnythingLLM calls it: extra symbol mappings, ASCII word characters, dashes for spaces."""
    out = []
    for char in text:
        mapped = SLUG_EXTENSIONS.get(char, char) if extended else char
        if mapped == "-":
            mapped = " "
        out.append(SLUG_REMOVE.sub("", mapped))
    slug = re.sub(r"\s+", "-", "".join(out).strip())
    return slug.lower() if lower else slug


def workspace_slug(name: str, taken: set[str], suffix: int) -> str:
    """The slug `POST /workspace/new` stores: a uuid for an empty one, a random 8-digit suffix when taken."""
    slug = slugify(name) or str(uuid.uuid4())
    if slug in taken:
        slug = slugify(f"{name}-{suffix}")
    return slug


def multer_filename(raw: str) -> str:
    """What AnythingLLM makes of a part's filename: re-decoded from latin1 to UTF-8, unsafe characters removed.

    A filename that busboy already decoded properly (RFC 5987 `filename*=`) is garbled by the second decoding."""
    redecoded = bytes(ord(char) & 0xFF for char in raw).decode("utf-8", errors="replace")
    return FILENAME_REMOVE.sub("", redecoded)


@dataclass
class Part:
    name: str
    filename: str | None
    content: bytes


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """A multipart/form-data body, with filenames read as busboy reads them."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return []
    boundary = b"--" + match.group(1).encode("latin-1")
    parts = []
    for chunk in body.split(boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers = head.decode("latin-1")
        name = re.search(r'\bname="([^"]*)"', headers)
        star = re.search(r"filename\*=([^']*)'[^']*'([^;\r\n]+)", headers)
        plain = re.search(r'\bfilename="([^"]*)"', headers)
        filename = None
        if star:
            filename = unquote(star.group(2), encoding=star.group(1) or "utf-8")
        elif plain:
            filename = plain.group(1)  # latin1 view of the raw bytes, as busboy leaves it
        parts.append(Part(name.group(1) if name else "", filename, content))
    return parts


def split_text(text: str, chunk_size: int = DEFAULT_CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """Pieces of at most `chunk_size` characters, cut at whitespace, each starting `overlap` characters back."""
    words = text.split()
    chunks, current = [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > chunk_size:
            chunks.append(current)
            tail = current[-overlap:] if overlap else ""
            current = (tail.split(" ", 1)[-1] + " " + word).strip() if " " in tail else word
        else:
            current = f"{current} {word}" if current else word
    if current:
        chunks.append(current)
    return chunks


def metadata_header(title: str, published: str) -> str:
    """The header AnythingLLM's splitter puts in front of every chunk."""
    return f"<document_metadata>\nsourceDocument: {title}\npublished: {published}\n</document_metadata>\n\n"


def similarity(query: str, text: str) -> float:
    """Share of the query's words found in the text: a stand-in for cosine similarity, in [0, 1]."""
    wanted = set(WORD.findall(query.lower()))
    if not wanted:
        return 0.0
    return round(len(wanted & set(WORD.findall(text.lower()))) / len(wanted), 4)
