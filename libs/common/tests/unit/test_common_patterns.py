"""The patterns retrieval and answering share find the same facts for both."""

from __future__ import annotations

import re

from tenderflow_common.patterns import CODE_CUE, CPV_CODE, EMAIL, MONTH_NAMES, MONTHS, PARTY_NAME_KEY


def test_every_month_has_its_names_and_full_names_win_over_abbreviations() -> None:
    assert sorted(set(MONTHS.values())) == list(range(1, 13))
    assert re.match(rf"(?:{MONTH_NAMES})", "septembre").group(0) == "septembre"
    assert re.match(rf"(?:{MONTH_NAMES})", "Juni", re.I).group(0) == "Juni"


def test_emails_codes_and_party_names() -> None:
    assert EMAIL.findall("Contact: procurement@city.example.gov; fax none") == ["procurement@city.example.gov"]
    assert CPV_CODE.findall("CPV 45233140-2 and 34928480") == ["45233140-2", "34928480"]
    assert CODE_CUE.search("Main CPV code") and not CODE_CUE.search("Postcode 1010")
    match = PARTY_NAME_KEY.search("releases.parties.identifier.legalname_fr")
    assert match and match["legal"] == "identifier.legalname" and match["lang"] == "_fr"
