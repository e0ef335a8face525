"""Questions a run asks of a tender package, and the procurement question set that ships by default."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from tenderflow_common.contracts.shared import QuestionSpec


class QuestionSet(BaseModel):
    """A named, ordered list of questions with unique ids."""

    model_config = ConfigDict(frozen=True)

    name: str
    questions: list[QuestionSpec]

    def by_id(self, question_id: str) -> QuestionSpec:
        return next(question for question in self.questions if question.id == question_id)


DEFAULT_QUESTION_SET = QuestionSet(
    name="procurement-default",
    questions=[
        QuestionSpec(id="buyer", text="Who is the buyer (contracting authority)?"),
        QuestionSpec(id="title", text="What is the title of the tender?"),
        QuestionSpec(id="reference", text="What is the reference or solicitation number of the tender?"),
        QuestionSpec(id="deadline", text="What is the deadline for the submission of tenders?"),
        QuestionSpec(id="value", text="What is the estimated value of the contract?"),
        QuestionSpec(id="currency", text="In which currency is the contract value expressed?"),
        QuestionSpec(id="procedure", text="Which type of procurement procedure is used?"),
        QuestionSpec(id="classification", text="Which CPV or other classification codes apply?"),
        QuestionSpec(id="lots", text="How many lots is the tender divided into?"),
        QuestionSpec(id="award_criteria", text="What are the award criteria?"),
        QuestionSpec(id="contact_email", text="What is the contact e-mail address for the tender?"),
    ],
)
