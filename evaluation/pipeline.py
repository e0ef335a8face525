"""One tender package through the services' domain code: package, ingest, index, search, answer."""

from __future__ import annotations

import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage, SearchQuery
from tenderflow_common.testing.tenders import TENDERS
from tenderflow_ingest.archive import read_package
from tenderflow_ingest.extractors import ExtractionError, extract
from tenderflow_ingest.limits import IngestLimits
from tenderflow_questions.answering import classify_question
from tenderflow_questions.providers import AnswerProvider, AnswerRequest, ProviderAnswer, ProviderFailed
from tenderflow_workspace.builtin import BuiltinIndex, Chunk, chunk_units
from tenderflow_workspace.search import search_index

TOP_K = 8  # the questions service's default top_k (QuestionsSettings.top_k)
# The service's limits, except time: on a busy machine OCR of a phone-scanned page can outrun the per-page and
# per-PDF deadlines, and an evaluation must give the same answers however loaded the machine is. Pages read stay
# as in the service (max_ocr_pages), since they decide what text there is to answer from.
EVALUATION_LIMITS = IngestLimits(max_pdf_seconds=1800.0, max_ocr_page_seconds=600.0)


@dataclass(frozen=True)
class Outcome:
    """What the provider answered to one question on one tender."""

    tender: str
    question_id: str
    answer: str | None
    confidence: float
    citations: int
    grounded: bool | None = None
    """For a model's answer, whether its quote was found in the passages; None for extractive answers."""
    error: str | None = None
    """The provider's stable failure code when it failed for good on the question."""
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class IndexedTender:
    """A package's index, and the files ingest refused (name and verdict code), which are not in it."""

    index: BuiltinIndex
    refused: tuple[tuple[str, str], ...]


def document_files(root: Path = TENDERS) -> list[Path]:
    """Every document under the data folder (one folder deep, as the tenders are kept)."""
    return sorted(path for path in root.glob("*/*") if path.is_file())


def index_tender(documents: Sequence[Path], workdir: Path, limits: IngestLimits | None = None) -> IndexedTender:
    """Zip the documents into one package under their bare file names, read and extract it as ingest does,
    chunk and index it.

    Only the bare names go into the package, so nothing of the source paths reaches the extractors. A file
    ingest refuses (a scan with no text layer when OCR is unavailable, say) is left out of the index, as in a run.
    """
    limits = limits or IngestLimits()
    names = [document.name for document in documents]
    if len(set(names)) != len(names):
        raise ValueError(f"two files of one package share a name: {names}")
    package = workdir / "package.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            archive.write(document, document.name)
    reading = read_package(package, workdir / "entries", limits)
    if reading.rejected:
        raise RuntimeError(f"{names}: package refused: {reading.rejected_reason}")
    refused = [(verdict.name, verdict.code) for verdict in reading.verdicts if not verdict.accepted]
    chunks: list[Chunk] = []
    for spooled in reading.files:
        try:
            extraction = extract(spooled.path, spooled.doc_type, limits)
        except ExtractionError as error:
            refused.append((spooled.name, error.code))
            continue
        units = [asdict(unit) for unit in extraction.units]
        # The file name is the document's id: files of one package may share a stem (notice.pdf, notice.xlsx).
        chunks += chunk_units(spooled.name, spooled.name, extraction.doc_type, units)
    return IndexedTender(BuiltinIndex(chunks), tuple(refused))


def index_package(documents: Sequence[Path]) -> IndexedTender:
    """index_tender with the evaluation's limits in a scratch folder of its own; what a worker process runs."""
    with tempfile.TemporaryDirectory(prefix="tenderflow-eval-") as scratch:
        return index_tender(documents, Path(scratch), EVALUATION_LIMITS)


def search(index: BuiltinIndex, question: QuestionSpec, top_k: int = TOP_K) -> list[Passage]:
    """The passages the workspace search API returns for the question, with the kind the questions runner sends."""
    query = SearchQuery(query=question.text, top_k=top_k, document_types=question.document_types,
                        kind=classify_question(question.text))
    return search_index(index, query)


async def answer_tender(
    name: str, index: BuiltinIndex, questions: Sequence[QuestionSpec], provider: AnswerProvider,
    model: str = "default", *, temperature: float = 0.0, max_tokens: int = 512,
) -> list[Outcome]:
    """Every question answered on one tender's index, one at a time, each call timed.

    `model` is the part after the provider's colon, as the questions runner passes it. A provider that fails for
    good on a question gives no answer and its failure code, and the next question is asked, as in a run.
    """
    outcomes: list[Outcome] = []
    for question in questions:
        request = AnswerRequest(question=question, passages=search(index, question), model=model, run_id=name,
                                tenant_id="evaluation", workspace_id=name, temperature=temperature,
                                max_tokens=max_tokens)
        started = time.perf_counter()
        try:
            result = await provider.answer(request)
        except ProviderFailed as failure:
            result = ProviderAnswer(answer=None, citations=[], confidence=0.0, fragment_coverage=None,
                                    error=failure.code)
        outcomes.append(Outcome(tender=name, question_id=question.id, answer=result.answer,
                                confidence=result.confidence, citations=len(result.citations),
                                grounded=result.grounded, error=result.error,
                                seconds=time.perf_counter() - started, prompt_tokens=result.usage.prompt_tokens,
                                completion_tokens=result.usage.completion_tokens))
    return outcomes
