"""Compares an entry's name with its content, since a name is a claim and content is the fact."""

from __future__ import annotations

from pathlib import PurePosixPath

_TYPE_BY_EXTENSION = {
    **{".pdf": "pdf", ".json": "json", ".csv": "csv", ".xml": "xml"},
    **{".xlsx": "xlsx", ".xlsm": "xlsx", ".docx": "docx", ".docm": "docx"},
    **{".md": "text", ".markdown": "text"},
}
_TYPE_LABELS = {
    **{"pdf": "a PDF", "json": "JSON", "csv": "CSV", "xml": "XML"},
    **{"xlsx": "an XLSX workbook", "docx": "a DOCX document", "text": "text"},
}


def type_problem(name: str, detected: str | None) -> tuple[str, str] | None:
    """Return (code, reason) when the content is unsupported or contradicts a known extension."""
    extension = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    claimed = _TYPE_BY_EXTENSION.get(extension)
    if claimed is not None and detected != claimed:
        found = f" (it is {_TYPE_LABELS[detected]})" if detected else ""
        return "type_mismatch", f"named {extension} but content is not {_TYPE_LABELS[claimed]}{found}"
    if detected is None:
        return "unsupported_type", "content is not a PDF, JSON, CSV, XML, XLSX, DOCX or text document"
    return None
