"""The buyer's name and the tender's contact e-mail, from the buyer's own fields, not other parties'."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_common.patterns import EMAIL, PARTY_NAME_KEY
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_one
from tenderflow_questions.answering.cues import BUYER_CUE
from tenderflow_questions.answering.cues import BUYER_PROSE as WRITTEN_BUYER_PROSE
from tenderflow_questions.answering.extractors.common import fields_of, preceding, strength_of, strength_table
from tenderflow_questions.answering.extractors.cued import addressees, cued_candidates, prose_candidates
from tenderflow_questions.answering.fields import STRUCTURED_TYPES, Field, is_label, party_prefix, party_roles
from tenderflow_questions.answering.spans import read_organisation
from tenderflow_questions.answering.text import clean

BUYER_FIELDS = strength_table(
    (r"address_contracting_body\.officialname$", 1.0),
    (r"ml_aa_names\.aa_name$", 0.8),
    (r"address_contracting_body_additional\.officialname$", 0.5),
    (r"(?:^|\.)buyer\.name$", 1.0),
    (r"(?:^|\.)buyer\.name_en$", 0.98),
    (r"(?:^|\.)buyer\.name_[a-z]{2}$", 0.95),
    (r"procuringentity\.name$", 0.8),
)
BUYER_LABEL = re.compile(
    r"^(?:buyer|(?:name of (?:the )?)?contracting (?:authority|entity)|procuring entity|purchaser|agency"
    r"|(?:öffentlicher )?auftraggeber|vergabestelle|pouvoir adjudicateur|acheteur|entité adjudicatrice)$",
    re.I,
)
BUYER_PROSE = re.compile(
    r"\b(?:the )?(?:buyer|contracting authority|contracting entity|auftraggeber|pouvoir adjudicateur)"
    r"\s+(?:is|ist|est)\s+(?P<name>(?-i:[A-ZÀ-Ý])[^\n.;,()]{2,100})",
    re.I,
)

EMAIL_CONTEXTS = strength_table(
    (r"review|mediation|contractor|publisher|supplier|tenderer", 0.0),
    (r"address_contracting_body\.", 1.0),
    (r"address_further_info\.", 0.85),
    (r"address_participation\.", 0.8),
    (r"contracting_body\.", 0.8),
    (r"(?:^|\.)(?:buyer|tender)\.contactpoint\.email$", 1.0),
    (r"procuringentity\.contactpoint\.email$", 0.95),
    (r"e-?mail|courriel|contact|kontakt", 0.8),
)
CONTACT_CUE = re.compile(
    r"contact|enquir|inquir|question|e-?mail|kontakt|courriel|auskunft|renseignement|correo|contato|contacto"
    r"|esclarecimento|почт|контакт",
    re.I,
)
# A written page listing this many addresses is a directory (suppliers invited, participants), not the buyer's
# contact: its addresses count only with a contact cue right before them.
DIRECTORY_SIZE = 3
OTHER_BODY_CUE = re.compile(
    r"review|appeal|complaint|nachprüfung|beschwerde|recours|tribunal|mediation", re.I
)
PARTY_ROLE_STRENGTH = {"buyer": 0.95, "procuringentity": 0.9}
# Cued names in written documents rank below a notice's own fields and `Buyer:` labels.
CUED_STRENGTH = 0.75
WRITTEN_PROSE_STRENGTH = 0.6


def extract_buyer(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    candidates: list[Candidate] = []
    for index, field in fields_of(passages):
        strength = _buyer_strength(passages[index], field)
        name = _tidy_name(field.value)
        if strength and len(name) > 1:
            candidates.append(Candidate(name, name.casefold(), index, field.start, field.end, strength))
        if field.is_prose or not strength:
            for match in BUYER_PROSE.finditer(field.value):
                prose_name = _tidy_name(match["name"])
                start, end = field.start + match.start("name"), field.start + match.end("name")
                candidates.append(Candidate(prose_name, prose_name.casefold(), index, start, end, 0.5))
    candidates += cued_candidates(passages, BUYER_CUE, read_organisation, CUED_STRENGTH)
    candidates += prose_candidates(passages, WRITTEN_BUYER_PROSE, read_organisation, WRITTEN_PROSE_STRENGTH)
    candidates += addressees(passages, WRITTEN_PROSE_STRENGTH)
    return choose_one(candidates, passages)


def _tidy_name(value: str) -> str:
    """Trim punctuation around a name, keeping the final dot of abbreviations such as `A.m.b.A.`."""
    name = clean(value).strip(" ,;:")
    last_word = name.split(" ")[-1] if name else ""
    return name[:-1] if name.endswith(".") and "." not in last_word[:-1] else name


def _buyer_strength(passage: Passage, field: Field) -> float | None:
    strength = strength_of(field.key, BUYER_FIELDS)
    if strength is not None:
        return strength
    party_name = PARTY_NAME_KEY.search(field.key)
    if party_name:
        roles = party_roles(passage).get(party_prefix(field) or "", frozenset())
        role = max((PARTY_ROLE_STRENGTH.get(role.lower(), 0.0) for role in roles), default=0.0)
        language_penalty = 0.0 if party_name["lang"] in (None, "_en") else 0.02
        legal_penalty = 0.04 if party_name["legal"] != "name" else 0.0
        return (role - language_penalty - legal_penalty) if role else None
    if is_label(passage, field) and BUYER_LABEL.match(field.key):
        return 0.8
    return None


def extract_email(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    candidates: list[Candidate] = []
    directories = {
        index
        for index, passage in enumerate(passages)
        if passage.doc_type not in STRUCTURED_TYPES
        and len({address.casefold() for address in EMAIL.findall(passage.text)}) >= DIRECTORY_SIZE
    }
    for index, field in fields_of(passages):
        for match in EMAIL.finditer(field.value):
            if index in directories and not CONTACT_CUE.search(preceding(field.value, match.start(), 40)):
                continue
            strength = _email_strength(passages[index], field, match.start())
            if strength:
                start, end = field.start + match.start(), field.start + match.end()
                address = match.group(0)
                candidates.append(Candidate(address, address.casefold(), index, start, end, strength))
    candidates += _unlabelled_emails(passages, directories, {(c.passage, c.start) for c in candidates})
    return choose_one(candidates, passages)


def _unlabelled_emails(
    passages: Sequence[Passage], directories: set[int], found: set[tuple[int, int]]
) -> list[Candidate]:
    """Addresses no field value holds: a line read as a label (`x@y.gov.br ou Telefone: ...`) still states one."""
    candidates = []
    for index, passage in enumerate(passages):
        if passage.doc_type in STRUCTURED_TYPES:
            continue
        for match in EMAIL.finditer(passage.text):
            before = preceding(passage.text, match.start(), 100)
            if (index, match.start()) in found or OTHER_BODY_CUE.search(before):
                continue
            cued = bool(CONTACT_CUE.search(before))
            if index in directories and not cued:
                continue
            address = match.group(0)
            strength = 0.5 if cued else 0.35
            candidates.append(Candidate(address, address.casefold(), index, match.start(), match.end(), strength))
    return candidates


def _email_strength(passage: Passage, field: Field, offset: int) -> float:
    before = preceding(field.value, offset, 100) if field.value[:offset].strip() else ""
    if OTHER_BODY_CUE.search(before):
        return 0.0
    if field.key and not before:
        if field.key.endswith("parties.contactpoint.email"):
            roles = party_roles(passage).get(party_prefix(field) or "", frozenset())
            if not roles:
                return 0.5
            return max((PARTY_ROLE_STRENGTH.get(role.lower(), 0.0) for role in roles), default=0.0)
        keyed = strength_of(field.key, EMAIL_CONTEXTS)
        if keyed is not None:
            return keyed
    if OTHER_BODY_CUE.search(field.key):
        return 0.0
    return 0.5 if CONTACT_CUE.search(before or field.label) else 0.35
