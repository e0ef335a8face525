"""Builtin retrieval ranks the chunk that states the asked-for fact first, on real tender documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenderflow_common.contracts.workspace import AnswerKind, SearchQuery
from tenderflow_workspace.builtin.chunking import Chunk, chunk_units
from tenderflow_workspace.builtin.index import BuiltinIndex
from tenderflow_workspace.builtin.signals import SignalKind
from tenderflow_workspace.search import search_index

REAL_FILES = [
    "ocds/nsw-1.json",
    "ocds/nsw-2.json",
    "ocds/montreal-0636358.json",
    "ocds/canada-buyandsell-01044-060931.json",
    "ted/18-151256-001-EXP.xml",
    "ted/19-090974-001-EXP.xml",
    "ted/20-155018-001-EXP.xml",
    "ted/21-000061-001-EXP.xml",
    "ted/21-364082-001-EXP.xml",
]

PDF_PAGES = [
    "INVITATION TO TENDER\nCity of Springfield - Winter road maintenance\nReference: SPR-2024-017",
    "Section 4 Submission\nTenders must be received by 2 May 2024 at 12:00 noon local time.\n"
    "Late tenders will not be considered.",
]


def _chunks_of(tender_units, name: str) -> list[Chunk]:
    return chunk_units(Path(name).stem, Path(name).name, Path(name).suffix[1:], tender_units(name))


@pytest.fixture
def package_index(tender_units, make_pdf_units, make_csv_units) -> BuiltinIndex:
    """Every real document plus a synthetic PDF and price schedule, as one workspace."""
    chunks: list[Chunk] = []
    for name in REAL_FILES:
        chunks += _chunks_of(tender_units, name)
    chunks += chunk_units("itt", "itt.pdf", "pdf", make_pdf_units(PDF_PAGES))
    rows = [["1", "Gritting", "EUR 120,000"], ["2", "Snow clearing", "EUR 80,000"]]
    chunks += chunk_units("prices", "prices.csv", "csv", make_csv_units(["Lot", "Service", "Value"], rows))
    return BuiltinIndex(chunks)


@pytest.mark.parametrize(
    ("name", "deadline_field"),
    [
        ("ocds/nsw-1.json", "tenderPeriod.endDate: 2018-01-22T23:30:00Z"),
        ("ocds/nsw-2.json", "tenderPeriod.endDate: 2018-01-22T23:30:00Z"),
        ("ted/18-151256-001-EXP.xml", "DATE_RECEIPT_TENDERS: 2018-05-07"),
        ("ted/19-090974-001-EXP.xml", "DATE_RECEIPT_TENDERS: 2019-03-22"),
        ("ted/21-364082-001-EXP.xml", "DATE_RECEIPT_TENDERS: 2021-08-09"),
    ],
)
def test_submission_deadline_ranks_the_deadline_field_first(
    tender_units, name: str, deadline_field: str
) -> None:
    index = BuiltinIndex(_chunks_of(tender_units, name))

    top = index.search("submission deadline", kind=AnswerKind.DATE)[0]

    assert deadline_field in top.chunk.text
    assert SignalKind.DEADLINE in {signal.kind for signal in top.signals}


@pytest.mark.parametrize("name", ["ted/19-090974-001-EXP.xml", "ted/21-364082-001-EXP.xml"])
def test_deadline_ranking_holds_when_field_paths_are_relative_to_their_section(
    tender_units, name: str
) -> None:
    units = tender_units(name, relative=True)
    index = BuiltinIndex(chunk_units("ted", Path(name).name, "xml", units))

    top = index.search("submission deadline", kind=AnswerKind.DATE)[0]

    assert top.chunk.path is not None and top.chunk.path.endswith("/PROCEDURE")
    assert "\nDATE_RECEIPT_TENDERS: " in top.chunk.text


@pytest.mark.parametrize("query", ["Date limite de réception des offres", "Angebotsfrist", "closing date"])
def test_deadline_questions_in_other_words_and_languages_find_the_deadline(tender_units, query: str) -> None:
    index = BuiltinIndex(_chunks_of(tender_units, "ted/19-090974-001-EXP.xml"))

    assert "DATE_RECEIPT_TENDERS: 2019-03-22" in index.search(query, kind=AnswerKind.DATE)[0].chunk.text


def test_deadline_in_pdf_prose_is_found_across_a_whole_package(package_index: BuiltinIndex) -> None:
    hits = package_index.search("submission deadline", document_types={"pdf"}, kind=AnswerKind.DATE)

    assert hits[0].chunk.page == 2
    assert [signal.text for signal in hits[0].signals if signal.kind is SignalKind.DEADLINE] == ["2 May 2024"]


@pytest.mark.parametrize(
    ("name", "query", "kind", "expected"),
    [
        ("ted/21-364082-001-EXP.xml", "Who is the buyer?", AnswerKind.NAME, "OFFICIALNAME: Skive Fjernvarme A.m.b.A."),
        ("ted/21-364082-001-EXP.xml", "contact e-mail", AnswerKind.EMAIL, "E_MAIL: ncl@cowi.com"),
        (
            "ted/21-000061-001-EXP.xml",
            "CPV classification codes",
            AnswerKind.CODE,
            "OBJECT_DESCR[1]/CPV_ADDITIONAL[1]/CPV_CODE/@CODE: 71000000",
        ),
        (
            "ocds/nsw-1.json",
            "Who is the buyer?",
            AnswerKind.NAME,
            "buyer.name: Public Works Advisory - North Coast Region",
        ),
        ("ocds/nsw-2.json", "classification code", AnswerKind.CODE, "classification.id: 95121621"),
        (
            "ocds/canada-buyandsell-01044-060931.json",
            "Who is the buyer?",
            AnswerKind.NAME,
            "name_en: Agriculture and Agri-Food",
        ),
        ("ted/21-364082-001-EXP.xml", "procedure type", AnswerKind.PROCEDURE, "PT_NEGOTIATED_WITH_PRIOR_CALL"),
        ("ted/21-000061-001-EXP.xml", "How many lots?", AnswerKind.COUNT, "OBJECT_CONTRACT/LOT_DIVISION: yes"),
    ],
)
def test_typed_questions_rank_the_stating_chunk_first(
    tender_units, name: str, query: str, kind: AnswerKind, expected: str
) -> None:
    index = BuiltinIndex(_chunks_of(tender_units, name))

    assert expected in index.search(query, kind=kind)[0].chunk.text


def test_document_types_filter_keeps_only_those_types(package_index: BuiltinIndex) -> None:
    for types in ({"pdf"}, {"csv"}, {"xml", "json"}):
        hits = package_index.search("value of the tender", top_k=50, document_types=types)
        assert hits
        assert {hit.chunk.doc_type for hit in hits} <= types


def test_filter_with_no_matching_type_returns_nothing(package_index: BuiltinIndex) -> None:
    assert package_index.search("deadline", document_types=set()) == []
    assert package_index.search("deadline", document_types={"docx"}) == []


def test_empty_index_returns_nothing() -> None:
    index = BuiltinIndex([])

    assert len(index) == 0
    assert index.search("submission deadline") == []


def test_index_of_chunks_without_words_returns_nothing() -> None:
    chunk = Chunk("d:0", "d", "f.pdf", "pdf", "— … —", 1, None, None, 0)

    assert BuiltinIndex([chunk]).search("deadline") == []


@pytest.mark.parametrize("query", ["xyzzy plugh", "", "   ", "what is the", "?!"])
def test_queries_without_matching_tokens_return_nothing(package_index: BuiltinIndex, query: str) -> None:
    assert package_index.search(query) == []


def test_scores_are_bounded_sorted_and_top_k_is_respected(package_index: BuiltinIndex) -> None:
    hits = package_index.search("estimated value of the contract", top_k=5)

    assert len(hits) == 5
    assert all(0.0 <= hit.score <= 1.0 for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert package_index.search("estimated value", top_k=0) == []


def test_ties_are_broken_by_ordinal_and_results_are_repeatable() -> None:
    text = "Tenders must be received by 2 May 2024."
    chunks = [
        Chunk(f"d{n}:{ordinal}", f"d{n}", "f.pdf", "pdf", text, 1, None, None, ordinal)
        for n, ordinal in ((1, 3), (2, 0), (3, 1))
    ]
    index = BuiltinIndex(chunks)

    hits = index.search("When must tenders be received?", kind=AnswerKind.DATE)

    assert [hit.chunk.chunk_id for hit in hits] == ["d2:0", "d3:1", "d1:3"]
    assert index.search("When must tenders be received?", kind=AnswerKind.DATE) == hits


@pytest.mark.parametrize("kind", [None, AnswerKind.TEXT])
def test_free_questions_and_untyped_kinds_score_by_lexical_match_alone(tender_units, kind) -> None:
    index = BuiltinIndex(_chunks_of(tender_units, "ted/21-000061-001-EXP.xml"))

    hits = index.search("award criteria", kind=kind)

    assert hits[0].score == hits[0].lexical_score == 1.0
    assert hits[0].signals == ()
    assert "AC_CRITERION" in hits[0].chunk.text


def test_a_query_without_a_kind_is_not_boosted_by_typed_evidence(tender_units) -> None:
    index = BuiltinIndex(_chunks_of(tender_units, "ted/21-000061-001-EXP.xml"))

    assert all(hit.signals == () for hit in index.search("submission deadline", top_k=50))
    assert any(hit.signals for hit in index.search("submission deadline", top_k=50, kind=AnswerKind.DATE))


def test_coded_summary_ranks_below_the_form_that_states_the_same_fact(tender_units) -> None:
    index = BuiltinIndex(_chunks_of(tender_units, "ted/18-151256-001-EXP.xml"))

    paths = [hit.chunk.path for hit in index.search("submission deadline", kind=AnswerKind.DATE)]

    assert paths.index("TED_EXPORT/FORM_SECTION/F12_2014/PROCEDURE") < paths.index("TED_EXPORT/CODED_DATA_SECTION")


def test_estimated_value_prefers_the_contract_value_over_awarded_amounts(tender_units) -> None:
    index = BuiltinIndex(_chunks_of(tender_units, "ted/21-000061-001-EXP.xml"))

    top = index.search("What is the estimated value of the contract?", kind=AnswerKind.MONEY)[0]

    assert "OBJECT_CONTRACT/VAL_TOTAL: 300000000" in top.chunk.text
    awarded = [
        hit
        for hit in index.search("estimated value", top_k=50, kind=AnswerKind.MONEY)
        if "AWARD_CONTRACT" in (hit.chunk.path or "")
    ]
    assert all(
        signal.weight < 1.0 for hit in awarded for signal in hit.signals if signal.kind is SignalKind.MONEY
    )


def test_a_search_query_ranks_by_the_kind_it_carries(tender_units) -> None:
    index = BuiltinIndex(_chunks_of(tender_units, "ted/18-151256-001-EXP.xml"))

    for kind in (AnswerKind.DATE, None):
        passages = search_index(index, SearchQuery(query="submission deadline", top_k=5, kind=kind))
        hits = index.search("submission deadline", top_k=5, kind=kind)
        assert [(p.chunk_id, p.score) for p in passages] == [(h.chunk.chunk_id, h.score) for h in hits]
