"""Citations: where an answer was read, with a snippet of about 200 characters around the span."""

from __future__ import annotations

from collections.abc import Sequence

from tenderflow_common.contracts.questions import Citation
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate
from tenderflow_questions.answering.text import collapse

SNIPPET_CHARS = 200
MAX_SPAN_CHARS = 400


def snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """A window of about `width` characters centred on text[start:end], not cutting words at its edges."""
    end = min(end, start + MAX_SPAN_CHARS)
    spare = max(0, width - (end - start))
    left = max(0, start - spare // 2)
    right = min(len(text), end + spare - (start - left))
    left = max(0, min(left, right - width, start))
    if left > 0:
        gap = text.find(" ", left, start)
        left = gap + 1 if gap != -1 else left
    if right < len(text):
        gap = text.rfind(" ", end, right)
        right = gap if gap != -1 else right
    return collapse(text[left:right])


def cite(support: Sequence[Candidate], passages: Sequence[Passage], limit: int = 3) -> list[Citation]:
    """One citation per supporting passage, strongest first, at most `limit`."""
    citations: list[Citation] = []
    seen: set[int] = set()
    for candidate in support:
        if candidate.passage in seen:
            continue
        seen.add(candidate.passage)
        passage = passages[candidate.passage]
        citations.append(
            Citation(
                file=passage.file,
                page=passage.page,
                path=passage.path,
                row=passage.row,
                snippet=snippet(passage.text, candidate.start, candidate.end),
            )
        )
        if len(citations) == limit:
            break
    return citations
