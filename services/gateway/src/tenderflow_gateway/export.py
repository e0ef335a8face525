"""Results as CSV that spreadsheet programs open safely."""

import csv
import io
import unicodedata

from tenderflow_common.contracts.questions import AnswerRow, Citation, JobResults

CSV_COLUMNS = ("question_id", "question", "answer", "confidence", "fragment_coverage", "citations", "model", "path",
               "grounded", "error")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Not whitespace to str.isspace, yet skipped by spreadsheets ahead of a formula.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def neutralize(cell: str) -> str:
    """A leading quote stops spreadsheets from evaluating a cell as a formula.

    Spreadsheets skip leading blanks and fold full-width forms ("＝", "＋") into their ASCII twins, so the cell
    is judged as NFKC-normalised with its leading whitespace and invisible characters set aside."""
    folded = unicodedata.normalize("NFKC", cell)
    visible = folded.lstrip().lstrip(INVISIBLE).lstrip()
    return f"'{cell}" if folded.startswith(FORMULA_TRIGGERS) or visible.startswith(FORMULA_TRIGGERS) else cell


def cite(citation: Citation) -> str:
    """`file (page 3): snippet`, or with a path or row where there is no page."""
    where = (f"page {citation.page}" if citation.page is not None else
             f"row {citation.row}" if citation.row is not None else citation.path or "")
    location = f"{citation.file} ({where})" if where else citation.file
    return f"{location}: {citation.snippet}"


def csv_row(row: AnswerRow) -> list[str]:
    """One answer (a question, or a question and model when a job compares several) as CSV cells."""
    coverage = "" if row.fragment_coverage is None else f"{row.fragment_coverage:.3f}"
    grounded = "" if row.grounded is None else str(row.grounded).lower()
    cells = [row.question_id, row.question, row.answer or "", f"{row.confidence:.3f}", coverage,
             " | ".join(cite(c) for c in row.citations), row.model or "", row.path or "", grounded, row.error or ""]
    return [neutralize(cell) for cell in cells]


def results_csv(results: JobResults, *, bom: bool = False) -> str:
    """The results document as CSV text, optionally with a UTF-8 byte order mark for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in results.answers:
        writer.writerow(csv_row(row))
    return ("\ufeff" if bom else "") + buffer.getvalue()
