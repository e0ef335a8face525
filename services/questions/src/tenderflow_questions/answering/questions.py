"""Questions a run asks of a tender package, and the procurement question set that ships by default."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Question(BaseModel):
    """One question; expected fragments feed the confidence score, document types route it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    expected_fragments: list[str] = Field(default_factory=list)
    document_types: list[str] = Field(default_factory=list)


class QuestionSet(BaseModel):
    """A named, ordered list of questions with unique ids."""

    model_config = ConfigDict(frozen=True)

    name: str
    questions: list[Question]

    def by_id(self, question_id: str) -> Question:
        return next(question for question in self.questions if question.id == question_id)


DEFAULT_QUESTION_SET = QuestionSet(
    name="procurement-default",
    questions=[
        Question(id="buyer", text="Who is the buyer (contracting authority)?"),
        Question(id="title", text="What is the title of the tender?"),
        Question(id="reference", text="What is the reference or solicitation number of the tender?"),
        Question(id="deadline", text="What is the deadline for the submission of tenders?"),
        Question(id="value", text="What is the estimated value of the contract?"),
        Question(id="currency", text="In which currency is the contract value expressed?"),
        Question(id="procedure", text="Which type of procurement procedure is used?"),
        Question(id="classification", text="Which CPV or other classification codes apply?"),
        Question(id="lots", text="How many lots is the tender divided into?"),
        Question(id="award_criteria", text="What are the award criteria?"),
        Question(id="contact_email", text="What is the contact e-mail address for the tender?"),
    ],
)
