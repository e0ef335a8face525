"""Reading a model's reply defensively, grounding its quote in the passages, and scoring it."""

import pytest

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.providers import llm
from tenderflow_questions.providers.base import AnswerRequest, ProviderAnswer, Usage
from tenderflow_questions.providers.model import Completion, score

NOTICE = Passage(chunk_id="n:0", document_id="n", file="notice.pdf", doc_type="pdf", score=0.9, page=3,
                 text="Tenders must be received by 15 March 2026 at 12:00 noon (Central European Time).")
PRICES = Passage(chunk_id="p:0", document_id="p", file="prices.csv", doc_type="csv", score=0.4, row=2,
                 text="Position: 2; Description: Quay wall; Price: 1 250 000 EUR")


def request(text: str = "What is the deadline for tenders?", fragments: list[str] | None = None) -> AnswerRequest:
    return AnswerRequest(question=QuestionSpec(id="q", text=text, expected_fragments=fragments or []),
                         passages=[NOTICE, PRICES], model="m", run_id="r", tenant_id="t", workspace_id="w")


@pytest.mark.parametrize("text", [
    '{"answer": "15 March 2026", "quote": "15 March 2026 at 12:00", "passage": 1}',
    '```json\n{"answer": "15 March 2026", "quote": "15 March 2026 at 12:00", "passage": 1}\n```',
    'Sure! Here it is: {"answer": "15 March 2026", "quote": "15 March 2026 at 12:00", "passage": 1} Hope it helps.',
    '{"answer": "15 March 2026\n", "quote": "15 March 2026 at 12:00", "passage": 1}',
])
def test_a_reply_is_read_through_fences_and_chatter(text):
    reply = llm.parse_reply(text)
    assert reply is not None and llm.answer_of(reply) == "15 March 2026" and reply.passage == 1


@pytest.mark.parametrize("text", ["", "The deadline is in March.", '{"answer": ', '{"quote": "x"}', "[1, 2]"])
def test_an_unusable_reply_is_none(text):
    assert llm.parse_reply(text) is None


@pytest.mark.parametrize("answer", ["not stated", "Not stated.", "N/A", "", "  "])
def test_not_stated_is_no_answer(answer):
    assert llm.answer_of(llm.ModelReply(answer=answer)) is None


def test_a_quote_found_in_the_cited_passage_is_grounded_and_cited_there():
    reply = llm.ModelReply(answer="15 March 2026", quote="received by 15 March 2026 at 12:00 noon", passage=1)
    answer = score(request(), Completion(reply, Usage(100, 20)), extractive_none())
    assert answer.grounded is True and answer.path == "llm"
    assert answer.citations[0].file == "notice.pdf" and answer.citations[0].page == 3
    assert answer.usage == Usage(100, 20)


def test_a_quote_matches_despite_case_quotes_dashes_and_spacing():
    text = "The contract value is \u20ac1\u00a0250\u2014000 \u201cexcluding VAT\u201d."
    passage = NOTICE.model_copy(update={"text": text})
    reply = llm.ModelReply(answer="EUR 1 250-000", quote='THE CONTRACT VALUE IS €1 250-000  "excluding   VAT"',
                           passage=1)
    assert llm.ground(reply, [passage]).grounded is True


def test_a_quote_found_only_in_another_passage_is_grounded_and_cited_where_it_was_found():
    reply = llm.ModelReply(answer="1 250 000 EUR", quote="Price: 1 250 000 EUR", passage=1)
    answer = score(request("What is the price of the quay wall?"), Completion(reply, Usage()), extractive_none())
    assert answer.grounded is True and answer.citations[0].file == "prices.csv" and answer.citations[0].row == 2


def test_an_invented_quote_is_kept_but_ungrounded_and_scores_low():
    reply = llm.ModelReply(answer="1 April 2026", quote="Tenders are due on 1 April 2026", passage=1)
    ungrounded = score(request(), Completion(reply, Usage()), extractive_none())
    grounded = score(request(), Completion(llm.ModelReply(answer="15 March 2026", quote="15 March 2026", passage=1),
                                           Usage()), extractive_none())
    assert ungrounded.answer == "1 April 2026" and ungrounded.grounded is False
    assert ungrounded.confidence <= 0.3 < grounded.confidence


def test_agreement_with_the_extractive_answer_raises_confidence():
    reply = llm.ModelReply(answer="15 March 2026", quote="15 March 2026", passage=1)
    agreeing = score(request(), Completion(reply, Usage()), extractive("15 March 2026"))
    disagreeing = score(request(), Completion(reply, Usage()), extractive("1 April 2026"))
    assert agreeing.confidence > score(request(), Completion(reply, Usage()), extractive_none()).confidence
    assert disagreeing.confidence < agreeing.confidence


def test_expected_fragments_count_in_the_confidence():
    reply = llm.ModelReply(answer="15 March 2026", quote="15 March 2026", passage=1)
    found = score(request(fragments=["15 March 2026"]), Completion(reply, Usage()), extractive_none())
    missed = score(request(fragments=["April"]), Completion(reply, Usage()), extractive_none())
    assert found.fragment_coverage == 1.0 and missed.fragment_coverage == 0.0
    assert found.confidence > missed.confidence


def test_no_reply_or_not_stated_is_no_answer_with_zero_confidence():
    for completion in (Completion(None, Usage(5, 1)), Completion(llm.ModelReply(answer="not stated"), Usage())):
        answer = score(request(), completion, extractive_none())
        assert answer.answer is None and answer.confidence == 0 and answer.citations == []


def test_the_prompt_numbers_and_locates_every_passage():
    prompt = llm.user_prompt(request())
    assert "[1] (notice.pdf, page 3)" in prompt and "[2] (prices.csv, row 2)" in prompt
    assert prompt.endswith("Question: What is the deadline for tenders?")


def extractive(answer: str) -> ProviderAnswer:
    return ProviderAnswer(answer=answer, citations=[], confidence=0.8, fragment_coverage=None)


def extractive_none() -> ProviderAnswer:
    return ProviderAnswer(answer=None, citations=[], confidence=0.0, fragment_coverage=None)


def test_the_prompt_keeps_the_best_passages_that_fit_a_small_context():
    long = [NOTICE.model_copy(update={"chunk_id": f"n:{n}", "text": "x" * 1500}) for n in range(12)]
    prompt = llm.user_prompt(AnswerRequest(question=QuestionSpec(id="q", text="Q?"), passages=long, model="m",
                                           run_id="r", tenant_id="t", workspace_id="w"))
    assert "[1] (" in prompt and "[5] (" in prompt and "[6] (" not in prompt
    assert len(prompt) <= llm.PROMPT_PASSAGE_CHARS + 200


def test_a_quote_too_short_to_mean_anything_grounds_nothing():
    reply = llm.ModelReply(answer="1", quote="1", passage=2)
    assert llm.ground(reply, [NOTICE, PRICES]).grounded is False
