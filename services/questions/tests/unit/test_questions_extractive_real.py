"""Extractive answers on real OCDS and TED notices; the expected answers were read off the documents by hand.

Every section of a document is offered as a passage, so the extractors must pick the buyer's own fields out
of review bodies, suppliers, award sections, coded summaries and translations.
"""

from __future__ import annotations

import random

import pytest

from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering import DEFAULT_QUESTION_SET, answer_question

CRITERIA_SPATS2 = (
    "Health, safety and wellbeing (HS&W): 10.08 %; Customer and stakeholders: 10.08 %; "
    "Project/programme management: 9.94 %; Financial management: 9.94 %; Knowledge transfer: 9.94 %; "
    "Understanding and capability: 10.01 %; Supply chain management: 10.01 %; Price: 30 %; "
    "Resources and conflict of interest: 10.01 %; Procurement knowledge: 10.01 %"
)

# question id -> expected answer, per document; None means the document does not state it.
EXPECTED: dict[str, dict[str, str | None]] = {
    "ocds/canada-buyandsell-01044-060931.json": {
        "buyer": "Agriculture and Agri-Food Canada",  # buyer.name is empty; the party with role buyer
        "title": "Other Cryptologic Equipment and Components",  # only a contract title exists
        "reference": "ocds-34a6hz-01044-060931/001/USW",
        "deadline": None,  # contracts.period.endDate ends the contract, it is no submission deadline
        "value": "149,597 CAD",
        "currency": "CAD",
        "procedure": None,
        "classification": "N5811",
        "lots": None,
        "award_criteria": None,
        "contact_email": None,
    },
    "ocds/montreal-0636358.json": {
        "buyer": "Infrastructures, voirie et transports",
        "title": None,  # `subject: Autres` is a category, not a title
        "reference": "ocds-a1234567-mt-063635891f001755a1637786dd047485f3dcfaf6",
        "deadline": None,
        "value": "8,923.94 CAD",
        "currency": "CAD",
        "procedure": None,  # procurementMethodRationale "contract" names no method
        "classification": None,
        "lots": None,
        "award_criteria": None,
        "contact_email": None,  # the only address belongs to the data publisher
    },
    "ocds/nsw-1.json": {
        "buyer": "Public Works Advisory - North Coast Region",
        "title": "Lismore TAFE Flood Remediation Works",
        "reference": "RFT-10012681",
        "deadline": "2018-01-22T23:30:00Z",
        "value": None,
        "currency": None,
        "procedure": "Open procedure",
        "classification": "72000000",
        "lots": None,
        "award_criteria": None,
        "contact_email": "steve.prosser@finance.nsw.gov.au",
    },
    "ocds/nsw-2.json": {
        "buyer": "Public Works Advisory - Hunter New England Region",
        "title": "Lee Wharf No 4 and Lee Wharf No 5 (Partial) Seawall Upgrade",
        "reference": "HDC317",
        "deadline": "2018-01-22T23:30:00Z",
        "value": None,
        "currency": None,
        "procedure": "Open procedure",
        "classification": "95121621",
        "lots": None,
        "award_criteria": None,
        "contact_email": "ananda.kumarasinghe@finance.nsw.gov.au",
    },
    "ted/18-151256-001-EXP.xml": {
        "buyer": "Gemeinde Balzers",
        "title": "Projektwettbewerb Wohnen im Alter Balzers",
        "reference": "2018/S 067-150049",
        "deadline": "2018-05-07T17:00:00",
        "value": None,  # only prize money and building costs, no contract value
        "currency": None,
        "procedure": "Restricted procedure",
        "classification": "71200000",
        "lots": None,
        "award_criteria": "Gemäß Wettbewerbsprogramm",
        "contact_email": "info@bau-data.com",  # not the review body's vbk@seger-law.com
    },
    "ted/19-090974-001-EXP.xml": {
        "buyer": "EPS Paul Guiraud",
        "title": "Marché de service pour l'élaboration, la fabrication et la livraison de repas destinés aux "
        "structures intra-hospitalières de l'EPS Erasme",
        "reference": "2019/S 040-091489",
        "deadline": "2019-03-22T15:00:00",
        "value": None,
        "currency": None,
        "procedure": "Open procedure",
        "classification": "55321000",
        "lots": "1",
        "award_criteria": None,  # coded as "Not applicable"
        "contact_email": "marches@psysudparis.fr",
    },
    "ted/20-155018-001-EXP.xml": {
        "buyer": "Gemeinde Veitshöchheim",
        "title": "Gemeinde Veitshöchheim, Sportplatzbauarbeiten an der Freisportanlage",
        "reference": "2020/S 063-150025",
        "deadline": None,  # a prior information notice
        "value": None,
        "currency": None,
        "procedure": None,
        "classification": "45212200",
        "lots": "1",
        "award_criteria": None,
        "contact_email": "hochbau@veitshoechheim.de",
    },
    "ted/21-000061-001-EXP.xml": {
        "buyer": "Highways England",
        "title": "Specialist Professional and Technical Services 2 (SPaTS 2) Framework",
        "reference": "2021/S 003-003543",  # this notice, not the referenced 2019/S 176-428607
        "deadline": None,  # an award notice
        "value": "300,000,000 GBP",  # the framework total, not the per-award values
        "currency": "GBP",
        "procedure": "Open procedure",
        "classification": "73000000, 71000000, 71300000, 71313000, 79300000, 79418000",
        "lots": "2",
        "award_criteria": CRITERIA_SPATS2,
        "contact_email": "James.mayer@highwaysengland.co.uk",
    },
    "ted/21-364082-001-EXP.xml": {
        "buyer": "Skive Fjernvarme A.m.b.A.",
        "title": "Skive Biomassevarme - flisfyret kedelanlæg til fjernvarmeproduktion",
        "reference": "A225983",  # the buyer's reference beats the OJ notice number
        "deadline": "2021-08-09T12:00:00",
        "value": "40,000,000 DKK",
        "currency": "DKK",
        "procedure": "Negotiated procedure with prior call for competition",
        "classification": "45000000",
        "lots": "1",
        "award_criteria": "As stated in the procurement documents",
        "contact_email": "ncl@cowi.com",  # not the review bodies' addresses
    },
}
CASES = [
    (name, question_id, answer)
    for name, answers in EXPECTED.items()
    for question_id, answer in answers.items()
]
SPAN_QUESTIONS = {"buyer", "title", "reference", "contact_email"}


@pytest.mark.parametrize(("name", "question_id", "expected"), CASES)
def test_default_questions_on_real_notices(
    tender_passages, name: str, question_id: str, expected: str | None
):
    passages = tender_passages(name)

    answer = answer_question(DEFAULT_QUESTION_SET.by_id(question_id), passages)

    assert answer.answer == expected
    if expected is None:
        assert answer.confidence == 0.0
        assert answer.citations == []
    else:
        assert 0.5 <= answer.confidence <= 1.0
        assert answer.citations and all(citation.file == name.split("/")[1] for citation in answer.citations)
        assert all(citation.path for citation in answer.citations)


@pytest.mark.parametrize(("name", "question_id", "expected"), [c for c in CASES if c[1] in SPAN_QUESTIONS])
def test_span_answers_appear_in_their_first_citation(tender_passages, name, question_id, expected) -> None:
    answer = answer_question(DEFAULT_QUESTION_SET.by_id(question_id), tender_passages(name))

    if expected is not None:
        assert expected in answer.citations[0].snippet
        assert len(answer.citations[0].snippet) <= 2 * len(expected) + 220


@pytest.mark.parametrize("name", [name for name in EXPECTED if name.startswith("ted/")])
def test_ted_answers_do_not_depend_on_how_field_paths_are_written(tender_passages, name: str) -> None:
    passages = tender_passages(name, relative=True)

    answers = {q.id: answer_question(q, passages).answer for q in DEFAULT_QUESTION_SET.questions}

    assert answers == EXPECTED[name]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_answers_do_not_depend_on_passage_order(tender_passages, name: str) -> None:
    passages = tender_passages(name)
    shuffled = list(passages)
    random.Random(7).shuffle(shuffled)

    answers = {q.id: answer_question(q, shuffled).answer for q in DEFAULT_QUESTION_SET.questions}

    assert answers == EXPECTED[name]


def _windows(passage: Passage, lines_per_window: int = 12, overlap: int = 3) -> list[Passage]:
    """Split a passage into overlapping line windows, as a chunker does with long sections."""
    lines = passage.text.split("\n")
    step = lines_per_window - overlap
    return [
        passage.model_copy(
            update={"chunk_id": f"{passage.chunk_id}.{n}", "text": "\n".join(lines[n : n + lines_per_window])}
        )
        for n in range(0, max(1, len(lines) - overlap), step)
    ]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_answers_survive_sections_split_into_windows(tender_passages, name: str) -> None:
    passages = [window for passage in tender_passages(name) for window in _windows(passage)]

    answers = {q.id: answer_question(q, passages).answer for q in DEFAULT_QUESTION_SET.questions}

    expected = dict(EXPECTED[name])
    # A window may hold a TED date without its TIME_RECEIPT_TENDERS sibling; the day must still be right.
    assert (answers.pop("deadline") or "")[:10] == (expected.pop("deadline") or "")[:10]
    assert answers == expected


def test_a_notice_repeated_in_two_languages_is_read_in_one(tender_passages) -> None:
    english = tender_passages("ted/21-000061-001-EXP.xml")
    german = [
        passage.model_copy(
            update={
                "chunk_id": passage.chunk_id + "-de",
                "text": passage.text.replace("language: EN", "language: DE")
                .replace("Knowledge transfer", "Wissenstransfer")
                .replace(
                    "Specialist Professional and Technical Services 2", "Fachliche und technische Dienste 2"
                ),
            }
        )
        for passage in english
        if "FORM_SECTION" in (passage.path or "")
    ]
    passages = german + english

    def answer(question_id: str) -> str | None:
        return answer_question(DEFAULT_QUESTION_SET.by_id(question_id), passages).answer

    assert answer("award_criteria") == CRITERIA_SPATS2
    assert answer("title") == "Specialist Professional and Technical Services 2 (SPaTS 2) Framework"
    assert answer("lots") == "2"


def test_whole_package_answers_each_question_from_the_right_document(tender_passages) -> None:
    passages = tender_passages("ted/21-364082-001-EXP.xml") + tender_passages("ocds/montreal-0636358.json")
    routed = DEFAULT_QUESTION_SET.by_id("buyer").model_copy(update={"document_types": ["json"]})

    assert answer_question(routed, passages).answer == "Infrastructures, voirie et transports"
    assert answer_question(DEFAULT_QUESTION_SET.by_id("contact_email"), passages).answer == "ncl@cowi.com"
