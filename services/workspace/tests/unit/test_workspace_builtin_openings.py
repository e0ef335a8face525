"""Identity questions always see each document's opening; cue words and translations find passages in other
languages than the question's."""

from __future__ import annotations

from tenderflow_common.contracts.workspace import AnswerKind
from tenderflow_workspace.builtin import BuiltinIndex, Chunk

FILLER = "The supplier shall keep the premises clean and report each incident to the buyer in writing."


def _chunks(document: str, texts: list[str]) -> list[Chunk]:
    return [
        Chunk(f"{document}:{ordinal}", document, f"{document}.pdf", "pdf", text, ordinal + 1, None, None, ordinal)
        for ordinal, text in enumerate(texts)
    ]


def test_identity_questions_get_every_documents_opening_within_top_k() -> None:
    notice = _chunks("notice", ["Request for Quotation\nIssued by:\nHarbour Works Office", *[FILLER] * 12])
    annex = _chunks("annex", ["ANNEX I\nÓrgano de contratación:\nJunta de Obras", *[FILLER] * 12])
    index = BuiltinIndex(notice + annex)

    hits = index.search("Who is the buyer (contracting authority)?", top_k=4, kind=AnswerKind.NAME)

    assert len(hits) == 4
    assert {"notice:0", "annex:0"} <= {hit.chunk.chunk_id for hit in hits}


def test_other_questions_are_not_given_the_opening() -> None:
    notice = _chunks("notice", ["Request for Quotation\nIssued by:\nHarbour Works Office", *[FILLER] * 12])
    index = BuiltinIndex(notice)

    hits = index.search("Who must the supplier report incidents to?", top_k=3, kind=AnswerKind.PERSON)

    assert "notice:0" not in {hit.chunk.chunk_id for hit in hits}


def test_a_question_in_english_finds_a_portuguese_passage() -> None:
    chunks = _chunks(
        "edital",
        [
            "5.1 O prazo de entrega dos bens é de 20 (vinte) dias.",
            "7.1 As sanções administrativas seguem a lei.",
        ],
    )

    hits = BuiltinIndex(chunks).search("Within how many days must the goods be delivered?", kind=AnswerKind.DURATION)

    assert hits and hits[0].chunk.chunk_id == "edital:0"


def test_the_kinds_cue_words_rank_a_labelled_passage() -> None:
    chunks = _chunks("edital", ["OBJETO\nAquisição de bicicletas", "Das sanções e penalidades aplicáveis"])

    hits = BuiltinIndex(chunks).search("What is the title of the tender?", kind=AnswerKind.TITLE)

    assert hits[0].chunk.chunk_id == "edital:0"
