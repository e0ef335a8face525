"""A refused file's reason is shown to the tenant: it keeps what the parser said about the file and drops the
paths of the machine that read it."""

from pathlib import Path

import pytest

from tenderflow_ingest.error_text import described
from tenderflow_ingest.extractors import ExtractionError, extract
from tenderflow_ingest.limits import IngestLimits


@pytest.mark.parametrize("doc_type", ["docx", "xlsx"])
def test_a_broken_office_file_is_refused_without_the_servers_path(tmp_path: Path, doc_type: str) -> None:
    path = tmp_path / "spool" / f"notice.{doc_type}"
    path.parent.mkdir()
    path.write_bytes(b"this is not a ZIP container")
    with pytest.raises(ExtractionError) as refused:
        extract(path, doc_type, IngestLimits())
    assert refused.value.code.startswith("corrupt_")
    assert str(tmp_path) not in refused.value.reason and "/spool" not in refused.value.reason


def test_paths_go_and_the_files_own_words_stay() -> None:
    missing = FileNotFoundError(2, "No such file or directory", "/srv/tenderflow/work/p1/notice.pdf")
    assert described(missing) == "[Errno 2] No such file or directory: '…'"
    inside = KeyError("There is no item named 'word/document.xml' in the archive")
    assert described(inside) == str(inside)
    assert described(ValueError("a date of 12/03/2031 in /tmp/x.docx, line 3")) == "a date of 12/03/2031 in …, line 3"
