"""Words that documents in several languages write next to the buyer, the title and the reference.

The question says "buyer" or "title"; a Portuguese edital says "Órgão" and "Objeto", a Spanish notice "Entidad
adjudicadora" and "Expediente", a Russian one "Заказчик" and "Предмет закупки". Searching for these cue words too
lets the passage that labels the fact rank without the question's own words.
"""

from __future__ import annotations

from tenderflow_common.contracts.workspace import AnswerKind

CUE_WORDS: dict[AnswerKind, tuple[str, ...]] = {
    AnswerKind.NAME: (
        "issued", "contracting", "authority", "agency", "órgão", "entidade", "contratante", "torna", "público",
        "órgano", "contratación", "entidad", "adjudicadora", "заказчик", "заказчика", "организатор",
        "auftraggeber", "vergabestelle", "acheteur", "adjudicateur",
    ),
    AnswerKind.TITLE: (
        "subject", "object", "objeto", "objet", "gegenstand", "request", "proposal", "quotation", "name", "work",
        "предмет", "закупки", "наименование",
    ),
    AnswerKind.CODE: (
        "naics", "catmat", "catser", "unspsc", "gsin", "окрб", "окпд", "classificação", "clasificación",
        "классификатор",
    ),
    AnswerKind.REFERENCE: (
        "solicitation", "rfq", "rfp", "nit", "memo", "no", "number", "pregão", "processo", "nº", "expediente",
        "número", "извещение", "номер",
    ),
}
