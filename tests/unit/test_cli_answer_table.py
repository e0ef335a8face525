"""`tenderflow analyze`'s table tells a question the provider failed on from one the documents do not answer."""

from tenderflow_cli.analyze import answer_table


def row(question_id: str, answer: str | None, error: str | None = None) -> dict:
    return {"question_id": question_id, "question": f"{question_id}?", "answer": answer, "error": error,
            "confidence": 0.9 if answer else 0.0, "citations": []}


def test_a_failed_question_shows_its_error_code():
    table = answer_table({"job_id": "j1", "answers": [row("buyer", "Port of Tallinn"), row("deadline", None),
                                                      row("value", None, "timeout")]})
    lines = {line.split()[1]: line for line in table.splitlines() if line.startswith("│")}

    assert "Port of Tallinn" in lines["buyer?"]
    assert "—" in lines["deadline?"] and "(" not in lines["deadline?"]
    assert "— (timeout)" in lines["value?"]
