"""Extractive answers from page text and spreadsheet rows, routing by document type, and refusing to guess."""

from __future__ import annotations

import pytest

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering import DEFAULT_QUESTION_SET, answer_question

ITT_PAGES = [
    "INVITATION TO TENDER\n"
    "Contracting authority: City of Springfield\n"
    "Tender title: Winter road maintenance 2024-2027\n"
    "Reference number: SPR-2024-017 (quote it in all correspondence)\n",
    "1. Procedure\n"
    "This tender is conducted as an open procedure under the Public Contracts Regulations 2015.\n"
    "The estimated contract value is EUR 1,500,000 excluding VAT. Each   tenderer must hold\n"
    "insurance of at least EUR 5,000,000.\n"
    "The contract is divided into three lots:\n"
    "Lot 1 Gritting\nLot 2 Snow clearing\nLot 3 Brine supply\n",
    "2. Submission\n"
    "Questions must be sent by 15 April 2024 to procurement@springfield.example.\n"
    "Tenders must be\nreceived by 12:00 noon on\n2 May 2024. Late tenders will not be considered.\n"
    "\n"
    "Award criteria\n"
    "- Price 40%\n"
    "- Quality of service 60%\n"
    "\n"
    "For appeals contact the review body at appeals@court.example.\n",
    "Annex A\nCPV codes: 90620000-9 (snow-clearing services), 90630000-2 (ice-clearing services)\n",
]
ITT_ANSWERS = {
    "buyer": "City of Springfield",
    "title": "Winter road maintenance 2024-2027",
    "reference": "SPR-2024-017",
    "deadline": "2024-05-02T12:00:00",
    "value": "1,500,000 EUR",
    "currency": "EUR",
    "procedure": "Open procedure",
    "classification": "90620000-9, 90630000-2",
    "lots": "3",
    "award_criteria": "Price 40%; Quality of service 60%",
    "contact_email": "procurement@springfield.example",
}
EXPORT_HEADER = [
    "Buyer",
    "Title",
    "Tender number",
    "Closing date",
    "Estimated value",
    "Currency",
    "Procedure",
    "CPV",
    "Contact email",
]
EXPORT_ROW = [
    "Stadt Wien",
    "Winterdienst Bezirk 3",
    "MA48-2019/7",
    "02.05.2019 10:00",
    "1.500.000,00",
    "EUR",
    "Offenes Verfahren",
    "90620000-9",
    "vergabe@wien.example",
]


@pytest.mark.parametrize(("question_id", "expected"), list(ITT_ANSWERS.items()))
def test_default_questions_on_pdf_pages(pdf_passages, question_id: str, expected: str) -> None:
    passages = pdf_passages(ITT_PAGES)

    answer = answer_question(DEFAULT_QUESTION_SET.by_id(question_id), passages)

    assert answer.answer == expected
    assert answer.citations and {citation.file for citation in answer.citations} == {"tender.pdf"}
    assert all(citation.page in (1, 2, 3, 4) and citation.path is None for citation in answer.citations)


def test_deadline_cites_the_page_and_the_words_it_was_read_from(pdf_passages) -> None:
    answer = answer_question(DEFAULT_QUESTION_SET.by_id("deadline"), pdf_passages(ITT_PAGES))

    assert answer.citations[0].page == 3
    assert "received by 12:00 noon on 2 May 2024" in answer.citations[0].snippet


def test_question_deadlines_and_review_addresses_are_not_taken_for_the_tender_ones(pdf_passages) -> None:
    pages = ["Deadline for questions: 15 April 2024\nReview body: appeals@court.example"]

    assert answer_question(DEFAULT_QUESTION_SET.by_id("deadline"), pdf_passages(pages)).answer == "2024-04-15"
    assert answer_question(DEFAULT_QUESTION_SET.by_id("contact_email"), pdf_passages(pages)).answer is None


def test_deadline_question_prefers_the_tender_deadline_over_the_question_deadline(pdf_passages) -> None:
    pages = ["Deadline for questions: 15 April 2024", "Tender submission deadline: 2 May 2024, 10:00"]

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("deadline"), pdf_passages(pages))

    assert answer.answer == "2024-05-02T10:00:00"
    assert answer.components.agreement == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("question_id", "expected"),
    [
        ("buyer", "Stadt Wien"),
        ("title", "Winterdienst Bezirk 3"),
        ("reference", "MA48-2019/7"),
        ("deadline", "2019-05-02T10:00:00"),
        ("value", "1,500,000 EUR"),
        ("currency", "EUR"),
        ("procedure", "Open procedure"),
        ("classification", "90620000-9"),
        ("contact_email", "vergabe@wien.example"),
    ],
)
def test_default_questions_on_a_spreadsheet_export(csv_passages, question_id: str, expected: str) -> None:
    passages = csv_passages(EXPORT_HEADER, [EXPORT_ROW], file="export.csv")

    answer = answer_question(DEFAULT_QUESTION_SET.by_id(question_id), passages)

    assert answer.answer == expected
    assert answer.citations[0].row == 1 and answer.citations[0].file == "export.csv"


def test_lots_are_counted_from_a_lot_column(csv_passages) -> None:
    rows = [
        ["1", "Gritting", "EUR 120,000"],
        ["2", "Snow clearing", "EUR 80,000"],
        ["2", "Snow (reserve)", ""],
    ]
    passages = csv_passages(["Lot", "Service", "Value"], rows)

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("lots"), passages)

    assert answer.answer == "2"
    assert [citation.row for citation in answer.citations] == [1, 2, 3]


def test_conflicting_rows_lower_agreement(csv_passages) -> None:
    passages = csv_passages(["Closing date"], [["02.05.2019"], ["09.05.2019"]])

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("deadline"), passages)

    assert answer.answer == "2019-05-02"
    assert answer.components.agreement == pytest.approx(0.5)


def _passage(text: str, doc_type: str = "pdf", score: float = 0.7) -> Passage:
    return Passage(
        chunk_id="c:0",
        document_id="c",
        file=f"c.{doc_type}",
        doc_type=doc_type,
        text=text,
        page=1,
        score=score,
    )


@pytest.mark.parametrize("question", DEFAULT_QUESTION_SET.questions, ids=lambda q: q.id)
def test_nothing_is_answered_from_unrelated_text(question: QuestionSpec) -> None:
    passages = [_passage("The depot opens at 7 am. Staff park behind building 2 on 3 May 2021.")]

    answer = answer_question(question, passages)

    assert answer.answer is None
    assert answer.confidence == 0.0
    assert answer.citations == []


@pytest.mark.parametrize("question", DEFAULT_QUESTION_SET.questions, ids=lambda q: q.id)
def test_nothing_is_answered_without_passages(question: QuestionSpec) -> None:
    answer = answer_question(question, [])

    assert (answer.answer, answer.confidence, answer.citations) == (None, 0.0, [])
    assert answer.components.retrieval_support == 0.0


def test_questions_read_only_the_document_types_they_name(pdf_passages, csv_passages) -> None:
    passages = pdf_passages(ITT_PAGES) + csv_passages(EXPORT_HEADER, [EXPORT_ROW])
    buyer = DEFAULT_QUESTION_SET.by_id("buyer")

    assert (
        answer_question(buyer.model_copy(update={"document_types": ["csv"]}), passages).answer == "Stadt Wien"
    )
    assert answer_question(buyer.model_copy(update={"document_types": ["pdf"]}), passages).answer == (
        "City of Springfield"
    )
    assert answer_question(buyer.model_copy(update={"document_types": ["xml"]}), passages).answer is None


def test_expected_fragments_enter_the_confidence(pdf_passages) -> None:
    passages = pdf_passages(ITT_PAGES)
    buyer = DEFAULT_QUESTION_SET.by_id("buyer")

    plain = answer_question(buyer, passages)
    covered = answer_question(
        buyer.model_copy(update={"expected_fragments": ["springfield", "CITY"]}), passages
    )
    half = answer_question(
        buyer.model_copy(update={"expected_fragments": ["Springfield", "Shelbyville"]}), passages
    )

    assert plain.components.fragment_coverage is None
    assert covered.components.fragment_coverage == 1.0
    assert half.components.fragment_coverage == 0.5
    assert half.confidence < covered.confidence


def test_fragments_found_only_in_the_cited_snippet_count(pdf_passages) -> None:
    question = DEFAULT_QUESTION_SET.by_id("buyer").model_copy(update={"expected_fragments": ["Tender title"]})

    answer = answer_question(question, pdf_passages(ITT_PAGES))

    assert answer.answer == "City of Springfield"
    assert answer.components.fragment_coverage == 1.0


def test_free_questions_read_the_field_named_like_the_question(tender_passages) -> None:
    question = QuestionSpec(id="duration", text="What is the duration of the tender validity?")

    answer = answer_question(question, tender_passages("ted/21-364082-001-EXP.xml"))

    assert answer.answer == "3"
    assert "DURATION_TENDER_VALID: 3" in answer.citations[0].snippet


def test_free_questions_without_a_matching_field_get_no_answer(tender_passages) -> None:
    question = QuestionSpec(id="colour", text="Which colour must the gritting lorries have?")

    assert answer_question(question, tender_passages("ted/21-364082-001-EXP.xml")).answer is None


def test_other_date_questions_read_the_date_field_they_name(tender_passages) -> None:
    question = QuestionSpec(id="dispatch", text="On which date was the notice dispatched?")

    answer = answer_question(question, tender_passages("ted/21-364082-001-EXP.xml"))

    assert answer.answer == "2021-07-08"


def test_other_count_questions_read_the_integer_field_they_name(tender_passages) -> None:
    question = QuestionSpec(id="candidates", text="How many envisaged candidates?")

    assert answer_question(question, tender_passages("ted/21-364082-001-EXP.xml")).answer == "4"


OCDS_ANSWERS = {
    "buyer": "City of Springfield",
    "title": "Supply of road salt",
    "reference": "SPR-2024-042",
    "deadline": "2024-03-01T12:00:00Z",
    "value": "125,000 EUR",
    "currency": "EUR",
    "procedure": "Restricted procedure",
    "classification": "34927100, 14410000",
    "lots": "3",
    "award_criteria": "Price 60%, delivery time 40%",
    "contact_email": "tenders@springfield.example",
}


@pytest.mark.parametrize(("question_id", "expected"), list(OCDS_ANSWERS.items()))
def test_default_questions_on_an_ocds_release_with_lots(
    tender_passages, question_id: str, expected: str
) -> None:
    passages = tender_passages("synthetic/ocds-release-with-lots.json")

    answer = answer_question(DEFAULT_QUESTION_SET.by_id(question_id), passages)

    assert answer.answer == expected
    assert all(citation.path and citation.path.startswith("releases[0]") for citation in answer.citations)


def test_ocds_lots_are_counted_once_across_releases_of_one_tender(tender_passages) -> None:
    passages = tender_passages("synthetic/ocds-two-releases-of-one-tender.json")

    assert answer_question(DEFAULT_QUESTION_SET.by_id("lots"), passages).answer == "3"


def test_ocds_award_criteria_code_answers_when_no_details_are_given(tender_passages) -> None:
    passages = tender_passages("synthetic/ocds-release-without-award-criteria-details.json")

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("award_criteria"), passages)

    assert answer.answer == "Rated criteria"


@pytest.mark.parametrize(
    "criteria_line",
    [
        "PROCEDURE/CRITERIA_EVALUATION: Gemäß Wettbewerbsprogramm",  # ingest: the paragraph on its container
        "PROCEDURE/CRITERIA_EVALUATION/P: Gemäß Wettbewerbsprogramm",  # a flattening that keeps <P>
    ],
)
def test_ted_design_contest_criteria_are_read_however_the_paragraph_is_flattened(criteria_line: str) -> None:
    passage = Passage(
        chunk_id="notice:8",
        document_id="notice",
        file="notice.xml",
        doc_type="xml",
        text="\n".join(
            [
                "language: DE",
                "PROCEDURE/PT_RESTRICTED: yes",
                criteria_line,
                "PROCEDURE/DATE_RECEIPT_TENDERS: 2018-05-07",
            ]
        ),
        path="TED_EXPORT/FORM_SECTION/F12_2014/PROCEDURE",
        score=0.36,
    )

    answer = answer_question(DEFAULT_QUESTION_SET.by_id("award_criteria"), [passage])

    assert answer.answer == "Gemäß Wettbewerbsprogramm"
    assert answer.citations[0].path == "TED_EXPORT/FORM_SECTION/F12_2014/PROCEDURE"


def test_listed_criteria_end_where_pdf_text_runs_on_without_a_blank_line() -> None:
    page = _passage(
        "Award criteria\n"
        "Technical approach and methodology 30 %\n"
        "Price 70 %\n"
        "The contract will be awarded to the most economically advantageous tender.\n"
        "Section III: Legal, economic, financial and technical information\n"
        "Exclusion grounds apply as set out in the regulations.\n"
    )
    answer = answer_question(DEFAULT_QUESTION_SET.by_id("award_criteria"), [page]).answer
    assert answer is not None
    assert "Technical approach and methodology 30 %" in answer and "Price 70 %" in answer
    assert "awarded" not in answer and "Section III" not in answer and "Exclusion" not in answer
