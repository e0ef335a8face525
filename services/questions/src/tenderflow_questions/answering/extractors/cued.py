"""Candidates read after cue phrases in documents people wrote (PDF, DOCX, text, spreadsheet cells).

Structured notices (TED XML, OCDS JSON) name their fields, so cues are not read there: a cue word inside a TED
description is prose about the tender, not a label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate
from tenderflow_questions.answering.cues import ADDRESSEE_CUE, COVER_CUE, OFFICER_TITLE
from tenderflow_questions.answering.fields import STRUCTURED_TYPES
from tenderflow_questions.answering.labelled import cue_values
from tenderflow_questions.answering.spans import Span, read_organisation, read_reference

Reader = Callable[[str, int], Span | None]

COVER_LINES = 8
_FOR = re.compile(r"(?:^|\s)(?:for|para|para a|para o|на)\s+", re.I)
_BLOCK_END = re.compile(r":\s*$")


def written(passages: Sequence[Passage]) -> list[int]:
    """Indices of passages from documents people wrote, where cues are read."""
    return [index for index, passage in enumerate(passages) if passage.doc_type not in STRUCTURED_TYPES]


def cued_candidates(
    passages: Sequence[Passage],
    cue: re.Pattern[str],
    read: Reader,
    strength: float | Callable[[str], float],
    anywhere: bool = False,
    bare: bool = False,
) -> list[Candidate]:
    """The typed value after every cue; `strength` may depend on the cue's words."""
    candidates = []
    for index in written(passages):
        text = passages[index].text
        for hit in cue_values(text, cue, anywhere, bare):
            span = read(text, hit.value_start)
            if span is None:
                continue
            answer, start, end = span
            weight = strength(hit.cue) if callable(strength) else strength
            candidates.append(Candidate(answer, answer.casefold(), index, start, end, weight))
    return candidates


def prose_candidates(
    passages: Sequence[Passage], cue: re.Pattern[str], read: Reader, strength: float
) -> list[Candidate]:
    """The typed value right after a prose cue (`Torna-se público que a ...`)."""
    candidates = []
    for index in written(passages):
        text = passages[index].text
        for match in cue.finditer(text):
            span = read(text, match.end())
            if span is not None:
                answer, start, end = span
                candidates.append(Candidate(answer, answer.casefold(), index, start, end, strength))
    return candidates


def cover_blocks(passages: Sequence[Passage]) -> list[tuple[int, int, list[re.Match[str]]]]:
    """(passage, block start, lines) of `Request for Proposal ...` cover blocks, up to a label or a blank line."""
    blocks = []
    for index in written(passages):
        text = passages[index].text
        lines = list(re.finditer(r"[^\n]+", text))
        for number, line in enumerate(lines):
            if not COVER_CUE.match(line.group(0)):
                continue
            block = [line]
            for following in lines[number + 1 : number + 1 + COVER_LINES]:
                if _BLOCK_END.search(following.group(0)):
                    break
                block.append(following)
            blocks.append((index, line.start(), block))
    return blocks


def cover_titles(passages: Sequence[Passage], strength: float) -> list[Candidate]:
    """The words after the cover block's last `for`: `Request for Proposal / for / E-Payment Gateway`."""
    candidates = []
    for index, _, block in cover_blocks(passages):
        lines = [line for line in block[1:] if _has_words(line.group(0)) and not _is_token(line.group(0))]
        if not lines:
            continue
        joined = " ".join(line.group(0).strip() for line in lines)
        fors = list(_FOR.finditer(joined))
        title = joined[fors[-1].end() :] if fors else ""
        title = title.strip(" .:-")
        if 3 <= len(title) <= 120 and title[0].isalpha():
            start, end = lines[0].start(), lines[-1].end()
            candidates.append(Candidate(title, title.casefold(), index, start, end, strength))
    return candidates


def cover_references(passages: Sequence[Passage], strength: float) -> list[Candidate]:
    """A line of the cover block that is one identifier token (`Request for Quotation / 4QTFHS150004`)."""
    candidates = []
    for index, _, block in cover_blocks(passages):
        text = passages[index].text
        for line in block[1:]:
            if _is_token(line.group(0)):
                span = read_reference(text, line.start() + len(line.group(0)) - len(line.group(0).lstrip()))
                if span:
                    candidates.append(Candidate(span[0], span[0].casefold(), index, span[1], span[2], strength))
    return candidates


def _has_words(line: str) -> bool:
    return sum(char.isalpha() for char in line) >= 2


def _is_token(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and " " not in stripped and sum(char.isdigit() for char in stripped) >= 3


def addressees(passages: Sequence[Passage], strength: float) -> list[Candidate]:
    """The organisation a bid form is addressed to: `To / Chief Executive Officer / <organisation>`."""
    candidates = []
    for index in written(passages):
        text = passages[index].text
        lines = list(re.finditer(r"[^\n]+", text))
        for number, line in enumerate(lines[:-1]):
            if not ADDRESSEE_CUE.match(line.group(0)):
                continue
            following = lines[number + 1]
            if OFFICER_TITLE.search(following.group(0)) and number + 2 < len(lines):
                following = lines[number + 2]
            span = read_organisation(text, following.start())
            if span is not None:
                candidates.append(Candidate(span[0], span[0].casefold(), index, span[1], span[2], strength))
    return candidates
