"""Splits Open Contracting (OCDS) data into the sections procurement questions are about.

Buyer, tender, each lot, award, contract and party become one section each, so that a chunk about the buyer
holds the buyer's name, address and contact together instead of scattering them across a flat dump.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tenderflow_ingest.extractors.json_flatten import child_path, flatten
from tenderflow_ingest.extractors.json_shape import TopLevel

_RELEASE_KEYS = frozenset({"tender", "buyer", "awards", "contracts", "parties", "planning"})
_LISTED_SECTIONS = ("awards", "contracts", "parties")
_HANDLED_KEYS = frozenset({"buyer", "tender", "planning", *_LISTED_SECTIONS})
# Both repeat compiledRelease: versionedRelease with field history, releases as the inputs it was built from.
_REDUNDANT_RECORD_KEYS = ("versionedRelease", "releases")


@dataclass(frozen=True)
class Section:
    """Lines that belong together, and the JSON path they come from."""

    path: str
    lines: Iterable[str]


def ocds_form(top: TopLevel) -> str | None:
    """How an OCDS document holds its releases: "records", "record" (one, compiled), "releases" or "release"
    (the document is one); None when it is not OCDS. Records come first, then a compiled release."""
    keys = set(top.keys)
    single_release = "ocid" in keys and bool(_RELEASE_KEYS.intersection(keys))
    if "records" in top.lists:
        return "records"
    if "compiledRelease" in top.objects:
        return "record"
    if "releases" in top.lists and (top.release_with_ocid or single_release):
        return "releases"
    return "release" if single_release else None


# What each form reads its releases from: the package-level section leaves these keys out.
CONSUMED_KEYS = {"records": {"records"}, "record": {"compiledRelease", *_REDUNDANT_RECORD_KEYS},
                 "releases": {"releases"}}


def record_releases(record: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    """The record's compiled release, else its full releases (a release that only links to one is left out)."""
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        return [(child_path(path, "compiledRelease"), compiled)]
    releases = record.get("releases") or []
    return [
        (f"{child_path(path, 'releases')}[{index}]", release)
        for index, release in enumerate(releases)
        if isinstance(release, dict) and _RELEASE_KEYS.intersection(release)
    ]


def release_sections(release: dict[str, Any], path: str) -> list[Section]:
    """Buyer (with its party), tender, each lot, planning, each award, contract and party, then the rest."""
    context = flatten(release.get("ocid"), child_path(path, "ocid"))
    sections: list[Section] = []

    def add(section_path: str, lines: list[str]) -> None:
        if lines:
            sections.append(Section(section_path, context + lines))

    buyer = release.get("buyer")
    if isinstance(buyer, dict):
        buyer_path = child_path(path, "buyer")
        add(buyer_path, flatten(buyer, buyer_path) + _buyer_party_lines(release, path, buyer))
    tender = release.get("tender")
    if isinstance(tender, dict):
        tender_path = child_path(path, "tender")
        add(tender_path, flatten(tender, tender_path, skip={"lots"}))
        for lot_path, lot_lines in _lots(tender, tender_path):
            add(lot_path, lot_lines)
    if isinstance(release.get("planning"), dict):
        add(child_path(path, "planning"), flatten(release["planning"], child_path(path, "planning")))
    for key in _LISTED_SECTIONS:
        items = release.get(key)
        for index, item in enumerate(items if isinstance(items, list) else []):
            item_path = f"{child_path(path, key)}[{index}]"
            add(item_path, flatten(item, item_path))
    rest = flatten(release, path, skip=_HANDLED_KEYS)
    if rest:
        sections.append(Section(path or "$", rest))
    return sections


def _buyer_party_lines(release: dict[str, Any], path: str, buyer: dict[str, Any]) -> list[str]:
    """The buyer object often holds only an id and a name; its address and contact live in parties."""
    parties = release.get("parties")
    if not isinstance(parties, list):
        return []
    for index, party in enumerate(parties):
        if not isinstance(party, dict):
            continue
        same_id = buyer.get("id") is not None and party.get("id") == buyer.get("id")
        if same_id or (buyer.get("id") is None and "buyer" in (party.get("roles") or [])):
            return flatten(party, f"{child_path(path, 'parties')}[{index}]")
    return []


def _lots(tender: dict[str, Any], tender_path: str) -> list[tuple[str, list[str]]]:
    """Lines per lot, including the tender items that name it as their related lot."""
    lots = tender.get("lots")
    items = tender.get("items") if isinstance(tender.get("items"), list) else []
    found = []
    for index, lot in enumerate(lots if isinstance(lots, list) else []):
        lot_path = f"{tender_path}.lots[{index}]"
        lines = flatten(lot, lot_path)
        if isinstance(lot, dict) and lot.get("id") is not None:
            for item_index, item in enumerate(items):
                if isinstance(item, dict) and item.get("relatedLot") == lot["id"]:
                    lines += flatten(item, f"{tender_path}.items[{item_index}]")
        found.append((lot_path, lines))
    return found
