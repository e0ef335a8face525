"""Lexical BM25 retrieval over chunks, re-ranked by typed signals that fit the answer kind the query carries.

    fit   = LEXICAL_WEIGHT * bm25 / max(bm25) + SIGNAL_WEIGHT * max(boost[signal kind] * signal weight)
            (the normalized BM25 alone for a free question without a kind, or a kind no typed signal serves)
    score = fit * source prior

Sections that only restate a notice (TED coded data, translations and technical data; the versioned history
of an OCDS record) have RESTATEMENT_PRIOR, everything else 1, so citations point at the text the buyer wrote.
Scores lie in [0, 1]. Only chunks with some lexical match are returned; ties are broken by chunk ordinal, then
by index order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from tenderflow_common.contracts.workspace import AnswerKind
from tenderflow_common.translations import TRANSLATIONS
from tenderflow_workspace.builtin.chunking import Chunk
from tenderflow_workspace.builtin.cue_words import CUE_WORDS
from tenderflow_workspace.builtin.signals import Signal, SignalKind, boosts_for, detect_signals
from tenderflow_workspace.builtin.tokenizer import expand, tokenize

LEXICAL_WEIGHT = 0.5
SIGNAL_WEIGHT = 0.5
EXPANSION_WEIGHT = 0.5
RESTATEMENT_PRIOR = 0.7
# Query words and their words in other languages, as index tokens: English questions find Portuguese passages.
_TRANSLATED = {
    tokenize(word)[0]: [token for other in others for token in tokenize(other)]
    for word, others in TRANSLATIONS.items()
}
# A document's opening (cover page, notice header) states who buys what under which number, in words a question
# about them rarely shares; for these kinds the first chunk of every document is always among the results.
OPENING_KINDS = frozenset({AnswerKind.NAME, AnswerKind.TITLE, AnswerKind.REFERENCE})

_RESTATING_SECTION = re.compile(
    r"/(?:CODED_DATA_SECTION|TRANSLATION_SECTION|TECHNICAL_SECTION|LINKS_SECTION)\b|^versionedRelease\b"
)
# TED's generic `@VALUE` attribute holds codes, not amounts; indexing its name would match "value" questions.
_ATTRIBUTE_NOISE = re.compile(r"/@VALUE\b")


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved chunk with its combined score and the typed signals that matched the question."""

    chunk: Chunk
    score: float
    lexical_score: float
    signals: tuple[Signal, ...]


class BuiltinIndex:
    """An in-memory index of one workspace's chunks; rebuild it when the chunks change."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._chunks = list(chunks)
        self._signals = [detect_signals(chunk.text) for chunk in self._chunks]
        corpus = [_index_tokens(chunk) for chunk in self._chunks]
        self._priors = [_source_prior(chunk) for chunk in self._chunks]
        self._model: bm25s.BM25 | None = None
        if any(corpus):
            self._model = bm25s.BM25()
            self._model.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self._chunks)

    @property
    def chunks(self) -> list[Chunk]:
        return list(self._chunks)

    def search(
        self, query: str, top_k: int = 8, document_types: set[str] | None = None, kind: AnswerKind | None = None
    ) -> list[Hit]:
        """Best chunks for a question of the given answer kind, optionally only from the given document types."""
        if self._model is None or top_k <= 0:
            return []
        lexical = self._lexical_scores(self._model, query, kind)
        allowed = [
            position
            for position, chunk in enumerate(self._chunks)
            if document_types is None or chunk.doc_type in document_types
        ]
        candidates = [position for position in allowed if lexical[position] > 0]
        if not candidates:
            return []
        best = max(float(lexical[position]) for position in candidates)
        openings = self._openings(allowed) if kind in OPENING_KINDS else []
        boosts = boosts_for(kind)
        positions = candidates + [position for position in openings if position not in candidates]
        hits = [self._hit(position, float(lexical[position]) / best, boosts) for position in positions]
        ranked = sorted(
            zip(hits, positions, strict=True),
            key=lambda pair: (-pair[0].score, pair[0].chunk.ordinal, pair[1]),
        )
        kept = ranked[:top_k]
        missing = [pair for pair in ranked[top_k:] if pair[1] in openings]
        if missing:
            room = max(0, top_k - len(missing))
            kept = sorted(ranked[:room] + missing[:top_k], key=ranked.index)
        return [hit for hit, _ in kept]

    def _openings(self, allowed: list[int]) -> list[int]:
        """The first chunk of every document among the allowed positions."""
        first: dict[str, int] = {}
        for position in allowed:
            chunk = self._chunks[position]
            known = first.get(chunk.document_id)
            if known is None or chunk.ordinal < self._chunks[known].ordinal:
                first[chunk.document_id] = position
        return list(first.values())

    def _lexical_scores(self, model: bm25s.BM25, query: str, kind: AnswerKind | None) -> np.ndarray:
        """BM25 of the query words plus a down-weighted BM25 of their synonyms and the kind's cue words."""
        tokens = tokenize(query)
        scores = self._scores_for(model, tokens)
        cues = [word for cue in CUE_WORDS.get(kind, ()) for word in tokenize(cue)] if kind is not None else []
        translated = [word for token in tokens for word in _TRANSLATED.get(token, ())]
        expansion = expand(tokens) + [word for word in cues + translated if word not in tokens]
        if expansion:
            scores = scores + EXPANSION_WEIGHT * self._scores_for(model, expansion)
        return scores

    def _scores_for(self, model: bm25s.BM25, tokens: list[str]) -> np.ndarray:
        ids = model.get_tokens_ids(tokens)
        if not ids:
            return np.zeros(len(self._chunks), dtype=np.float64)
        return np.asarray(model.get_scores_from_ids(ids), dtype=np.float64)

    def _hit(self, position: int, lexical: float, boosts: dict[SignalKind, float]) -> Hit:
        matched = tuple(signal for signal in self._signals[position] if signal.kind in boosts)
        if not boosts:
            fit = lexical
        else:
            boost = max((boosts[signal.kind] * signal.weight for signal in matched), default=0.0)
            fit = LEXICAL_WEIGHT * lexical + SIGNAL_WEIGHT * boost
        score = fit * self._priors[position]
        return Hit(self._chunks[position], round(score, 9), round(lexical, 9), matched)


def _index_tokens(chunk: Chunk) -> list[str]:
    return tokenize(_ATTRIBUTE_NOISE.sub("", chunk.text)) + tokenize(chunk.path or "")


def _source_prior(chunk: Chunk) -> float:
    return RESTATEMENT_PRIOR if _RESTATING_SECTION.search(chunk.path or "") else 1.0
