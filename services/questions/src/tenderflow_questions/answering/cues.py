"""Cue phrases that introduce the buyer, the title and the reference in documents people wrote.

English, Portuguese, Spanish, Russian, German and French, as labels (`Órgano de contratación:`) or prose (`Torna-se
público que a ...,`). A cue only says where a value starts; the typed readers in `spans` decide where it ends.
"""

from __future__ import annotations

import re

_NUMBER_SIGN = r"(?:n\s?[º°o]\.?|nr\.?|no\.?|num\.?|número|number|#|№)"

BUYER_CUE = re.compile(
    r"issued by|contracting (?:authority|entity|agency|office)|procuring (?:entity|agency)|purchaser|buyer"
    r"|name of (?:the )?(?:buyer|purchaser|department|organi[sz]ation|contracting authority)"
    r"|órgão(?: (?:gerenciador|contratante|licitante|promotor))?|entidade(?: (?:contratante|promotora|licitante))?"
    r"|contratante|unidade (?:gestora|compradora)"
    r"|órgano de contratación|entidad adjudicadora|poder adjudicador|entidad contratante"
    r"|(?:наименование )?заказчика?|организатор(?: закупки)?"
    r"|(?:öffentlicher )?auftraggeber|vergabestelle|pouvoir adjudicateur|acheteur|entité adjudicatrice",
    re.I,
)
# The name written in prose: `Torna-se público que a Prefeitura Municipal de X, ...`, `X (the "Buyer")`.
BUYER_PROSE = re.compile(
    r"torna(?:-se)? públic[oa][^.]{0,80}?\bque\s+(?:o\(a\)|a|o)\s+"
    r"|\b(?:the )?(?:buyer|contracting authority|contracting entity|auftraggeber|pouvoir adjudicateur)"
    r"\s+(?:is|ist|est)\s+"
    r"|\bel órgano de contratación es\s+"
    # An edital's preamble opens with the body that calls it: `O MUNICÍPIO DE X ..., por intermédio do ...`.
    r"|^(?:o|a)\s+(?=(?:município|prefeitura|universidade|câmara|secretaria|estado)\b[^.]{0,120}?"
    r"\b(?:por intermédio|através|torna(?:-se)? públic))",
    re.I | re.M,
)

# Bid forms are addressed to the buyer: `To` alone on a line, an officer's title, then the organisation.
ADDRESSEE_CUE = re.compile(r"^\s*(?:to|ao|à|a la|al|an|à l'attention de|кому)\s*[:,]?\s*$", re.I)
OFFICER_TITLE = re.compile(
    r"\b(?:officer|director|secretary|chief|head|manager|commissioner|engineer|president|chairman|presidente"
    r"|diretor|diretora|secretári[oa]|pregoeir[oa]|director|jefe|alcalde|prefeito|начальник|директор"
    r"|руководител\w*|geschäftsführer|directeur)\b",
    re.I,
)

TITLE_CUE = re.compile(
    r"(?:tender |contract |project |procurement )?title|name of (?:the )?(?:work|contract|tender|project)"
    r"|subject(?: of (?:the )?(?:contract|procurement|tender))?|object of (?:the )?contract|description of work"
    r"|objeto(?: d[oae]l? (?:contrato|licitação|licitación|pregão|edital))?|definición del objeto del contrato"
    r"|descripción del (?:contrato|procedimiento)"
    r"|(?:наименование )?предмет(?:а)? (?:закупки|договора)|наименование закупки"
    r"|gegenstand(?: des auftrags)?|bezeichnung(?: des auftrags)?|objet(?: du marché)?|intitulé(?: du marché)?",
    re.I,
)
# The title written in prose: `O objeto da presente licitação é ...`, `Request for Proposal for ...`.
TITLE_PROSE = re.compile(
    r"\bo objeto da presente (?:licitação|contratação) é(?: a| o)?(?::|\s)\s*"
    r"|\b(?:a presente|esta) (?:licitação|contratação) tem (?:como|por) objeto(?: a| o)?(?::|\s)\s*"
    r"|\bel objeto del (?:presente )?contrato es(?: el| la)?\s+"
    r"|\bthe (?:subject|object) of (?:this|the) (?:contract|tender|procurement) is\s+"
    r"|\bпроцедур[еаы] (?:запроса ценовых предложений|закупки|открытого конкурса|аукциона)[^.\n]{0,20}?\bна закупку\s+",
    re.I,
)
# A document naming the contract it governs: `Pliego ... que ha de regir en el contrato de <title>`.
DOCUMENT_TITLE = re.compile(
    r"\bque ha(?:n)? de regir (?:en )?(?:el|la|los) (?:contrato|contratación|concurso)s? de\s+"
    r"|\bcahier des (?:charges|clauses)[^.\n]{0,60}?\bdu marché de\s+",
    re.I,
)
# A cover page's `Request for Proposal ... for <title>`: the title follows the last standalone `for`.
COVER_CUE = re.compile(
    r"^\s*(?:request for (?:proposals?|quotations?|tenders?|bids?|offers?)|invitation (?:to|for) (?:tender|bid)s?"
    r"|notice inviting (?:e-)?tenders?)\b",
    re.I,
)

REFERENCE_CUE = re.compile(
    rf"(?:solicitation|rfq|rfp|rft|itt|ifb|nit|memo|tender|bid|contract|procurement|reference|ref\.?|file|notice)"
    rf"\s*{_NUMBER_SIGN}"
    rf"|pregão(?: eletrônico| presencial)?\s*{_NUMBER_SIGN}"
    rf"|processo(?: administrativo| licitatório)?(?:\s*{_NUMBER_SIGN}|(?=\s*:))"
    rf"|(?:edital|concorrência|tomada de preços|dispensa|licitação)\s*{_NUMBER_SIGN}"
    rf"|(?:número de |{_NUMBER_SIGN} de )?expediente(?:\s*{_NUMBER_SIGN})?|referencia(?: del contrato)?"
    rf"|(?:извещени[ея]|процедур[аы] закупки|закупк[аи]|номер (?:закупки|процедуры))\s*№"
    rf"|vergabenummer|aktenzeichen|référence(?: du marché)?|n° de marché",
    re.I,
)
# Numbers of the buyer's file rather than of the call itself: still references, but the call's own wins.
SECONDARY_REFERENCE = re.compile(r"^(?:processo|file|memo|ref)", re.I)
