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


def test_compared_models_are_side_by_side_with_whether_they_agree():
    def answer(question_id: str, model: str, text: str | None) -> dict:
        return {**row(question_id, text), "model": model}

    table = answer_table({"job_id": "j1", "answers": [
        answer("buyer", "extractive:default", "Port of Tallinn"), answer("buyer", "openai:m", "Port of Tallinn"),
        answer("value", "extractive:default", "EUR 5"), answer("value", "openai:m", None)],
        "comparisons": [{"question_id": "buyer", "agree": True, "answers": {}},
                        {"question_id": "value", "agree": False, "answers": {}}]})
    header = next(line for line in table.splitlines() if "question" in line)
    lines = {line.split()[1]: line for line in table.splitlines() if line.startswith("│") and "?" in line}

    assert "extractive:default" in header and "openai:m" in header and "agree" in header
    assert lines["buyer?"].count("Port of Tallinn") == 2 and lines["buyer?"].rstrip(" │").endswith("yes")
    assert "EUR 5" in lines["value?"] and lines["value?"].rstrip(" │").endswith("no")
