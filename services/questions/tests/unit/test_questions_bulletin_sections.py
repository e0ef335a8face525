"""A bulletin of many notices: a question about one notice is answered from its section, not the masthead's or a
neighbour's, however the passages are ranked."""

from __future__ import annotations

import pytest

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering import answer_question
from tenderflow_questions.answering.sections import focus_on_section

MASTHEAD = (
    "OFFICIAL BULLETIN OF PUBLIC PROCUREMENT\n"
    "Contracting authority: National Printing Office\n"
    "Issue date: 3 January 2024\n"
)
NOTICES = [
    ("45/2024", "City of Lisbon", "school meals in Lisbon primary schools", "EUR 120,000.00", "15 February 2024"),
    ("46/2024", "Porto Water Company", "water pipes for the Porto network", "EUR 340,000.00", "20 March 2024"),
    ("47/2024", "Faro Hospital Trust", "cleaning services for Faro hospital", "EUR 56,500.00", "5 April 2024"),
]


def _notice(number: str, buyer: str, subject: str, value: str, deadline: str) -> str:
    """A notice as the workspace chunks it: its heading first, then its own facts."""
    return (
        f"TENDER NOTICE No. {number}\n"
        f"Contracting authority: {buyer}\n"
        f"Subject: {subject}\n"
        f"Estimated contract value: {value}\n"
        f"Deadline for receipt of tenders: {deadline} at 10:00\n"
    )


def _bulletin(scores: list[float]) -> list[Passage]:
    texts = [MASTHEAD, *(_notice(*notice) for notice in NOTICES)]
    return [
        Passage(chunk_id=f"bulletin:{n}", document_id="bulletin", file="bulletin.pdf", doc_type="pdf", text=text,
                page=1 + n, score=score)
        for n, (text, score) in enumerate(zip(texts, scores, strict=True))
    ]


@pytest.mark.parametrize("scores", [[0.9, 0.8, 0.7, 0.6], [0.6, 0.7, 0.8, 0.9]])
@pytest.mark.parametrize(
    ("question", "expected", "page"),
    [
        ("What is the deadline of the tender for school meals in Lisbon?", "2024-02-15T10:00:00", 2),
        ("What is the deadline of the tender for cleaning services in Faro?", "2024-04-05T10:00:00", 4),
        ("Who is the buyer of tender 46/2024?", "Porto Water Company", 3),
        ("Who is the contracting authority of the tender for water pipes?", "Porto Water Company", 3),
        ("What is the estimated value of the tender for school meals?", "EUR 120,000.00", 2),
        ("What is the estimated value of tender 47/2024?", "EUR 56,500.00", 4),
    ],
)
def test_a_question_about_one_notice_is_answered_from_its_section(
    question: str, expected: str, page: int, scores: list[float]
) -> None:
    answer = answer_question(QuestionSpec(id="notice", text=question), _bulletin(scores))

    assert answer.answer == expected
    assert answer.citations
    assert {citation.page for citation in answer.citations} == {page}


def test_a_question_no_notice_singles_out_keeps_every_passage() -> None:
    passages = _bulletin([0.9, 0.8, 0.7, 0.6])

    focused = focus_on_section("What is the deadline for receipt of tenders?", passages)

    assert list(focused) == passages


def test_a_document_with_one_notice_is_not_focused() -> None:
    passages = _bulletin([0.9, 0.8, 0.7, 0.6])[:2]

    assert list(focus_on_section("Who is the buyer of tender 45/2024?", passages)) == passages


def test_a_heading_split_over_two_lines_still_names_its_section() -> None:
    passages = [
        Passage(chunk_id=f"b:{n}", document_id="b", file="b.pdf", doc_type="pdf", text=text, score=0.5)
        for n, text in enumerate(
            [
                "AVISO DE LICITAÇÃO\nPREGÃO ELETRÔNICO Nº 12/2024\nObjeto: merenda escolar\n",
                "AVISO DE LICITAÇÃO PREGÃO ELETRÔNICO Nº 12/2024\nAbertura: 10/03/2024\n",
                "AVISO DE LICITAÇÃO\nPREGÃO ELETRÔNICO Nº 13/2024\nObjeto: pneus\n",
            ]
        )
    ]

    focused = focus_on_section("Quando é a abertura do pregão 12/2024?", passages)

    assert [p.chunk_id for p in focused] == ["b:0", "b:1"]
