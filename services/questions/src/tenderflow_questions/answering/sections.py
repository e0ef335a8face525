"""Section focus for documents of many notices (bulletins, gazettes): a question about one notice's subject is
answered from that notice's passages, never from the masthead or a neighbour.

The workspace opens every chunk of such a document with its notice's heading, so a passage's section is its first
line's notice number when that line reads as a notice heading (the shapes the workspace splits at).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common.contracts.workspace import Passage
from tenderflow_common.notice_headings import opening_notice
from tenderflow_questions.answering.subjects import shared_words, subject_of

# Tender numbers and other figures the question names (`45/2024`, `PE-12`): they single out a notice.
_FIGURE = re.compile(r"\d+(?:[/.\-]\d+)*")


def focus_on_section(question: str, passages: Sequence[Passage]) -> Sequence[Passage]:
    """Only the passages of the notices that best match the question's subject, when it names one some lack."""
    sections = [opening_notice(passage.text) for passage in passages]
    headings = {section for section in sections if section}
    if len(headings) < 2:
        return passages
    texts = {heading: "\n".join(p.text for p, s in zip(passages, sections, strict=True) if s == heading)
             for heading in headings}
    matched = {heading: _cues_in(question, text) for heading, text in texts.items()}
    everywhere = set.intersection(*matched.values())
    scores = {heading: len(cues - everywhere) for heading, cues in matched.items()}
    best = max(scores.values())
    if best == 0:
        return passages
    return [p for p, s in zip(passages, sections, strict=True) if s is not None and scores[s] == best]


def _cues_in(question: str, text: str) -> set[str]:
    """The question's subject words and figures that `text` has; a figure counts twice, being nearly unique."""
    subject = subject_of(question)
    cues = {f"word:{position}" for position in shared_words(subject, text)}
    figures = set(_FIGURE.findall(text))
    for figure in _FIGURE.findall(question):
        if figure in figures:
            cues |= {f"figure:{figure}", f"figure+:{figure}"}
    return cues
