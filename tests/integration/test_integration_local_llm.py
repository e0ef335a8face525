"""The local model server from `make llm-up` answers the official OpenAI SDK: chat, and JSON bound to a schema.

llama-cpp-python's server constrains output to a JSON schema when the request says
`response_format={"type": "json_object", "schema": {...}}`: it turns the schema into a grammar, and honours
`enum`, `required`, `additionalProperties: false` and `maxLength`. OpenAI's own form,
`{"type": "json_schema", "json_schema": {...}}`, fails its request validation and comes back as a 500 (which the
SDK retries by default), so a provider talking to this server has to send the first form. Gemma 3 270M is a base
model, not an instruction-tuned one: bound free-text fields with `maxLength`, or it fills a string until
`max_tokens` and the JSON never closes. The grammar's strings admit raw control characters (a newline inside a
value), which strict JSON forbids: parse with `json.loads(text, strict=False)`.
"""

import json

import openai
import pytest

pytestmark = pytest.mark.integration

ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "maxLength": 40},
        "confidence": {"type": "string", "enum": ["low", "medium", "high"]},
    },
    "required": ["answer", "confidence"],
    "additionalProperties": False,
}
QUESTION = [
    {"role": "system", "content": "Answer in JSON with the keys answer and confidence."},
    {"role": "user", "content": "The tender is issued by the Port of Rostock. Who issues the tender?"},
]


@pytest.fixture(scope="module")
def client(local_llm) -> openai.OpenAI:
    # Each call takes seconds, but the server answers one request at a time: allow for others queued before it.
    return openai.OpenAI(base_url=local_llm.base_url, api_key=local_llm.api_key, timeout=300, max_retries=0)


def test_chat_completion_answers_as_the_served_model(client, local_llm):
    completion = client.chat.completions.create(
        model=local_llm.model, messages=[{"role": "user", "content": "Say hello in one word."}], max_tokens=16,
        temperature=0)

    assert local_llm.model == "gemma-3-270m"
    assert completion.model == "gemma-3-270m"
    assert completion.choices[0].message.content.strip()
    assert completion.usage.completion_tokens >= 1


def test_json_object_with_a_schema_constrains_the_answer(client, local_llm):
    completion = client.chat.completions.create(
        model=local_llm.model, messages=QUESTION, max_tokens=120, temperature=0,
        response_format={"type": "json_object", "schema": ANSWER_SCHEMA})

    answer = json.loads(completion.choices[0].message.content, strict=False)
    assert set(answer) == {"answer", "confidence"}
    assert isinstance(answer["answer"], str) and len(answer["answer"]) <= 40
    assert answer["confidence"] in {"low", "medium", "high"}


def test_openai_json_schema_form_is_refused(client, local_llm):
    with pytest.raises(openai.InternalServerError) as refused:
        client.chat.completions.create(
            model=local_llm.model, messages=QUESTION, max_tokens=120, temperature=0,
            response_format={"type": "json_schema",
                             "json_schema": {"name": "answer", "schema": ANSWER_SCHEMA, "strict": True}})

    assert refused.value.status_code == 500
    assert "Input should be 'text' or 'json_object'" in str(refused.value)
