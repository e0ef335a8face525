"""XML: nothing is expanded or fetched; TED notices keep one language; sections carry their element path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.extractors.base import Extraction, ExtractionError
from tenderflow_ingest.limits import IngestLimits

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lolz>&lol9;</lolz>"""

_FORM = """
      <F02_2014 CATEGORY="{category}" FORM="F02" LG="{lg}">
         <LEGAL_BASIS VALUE="32014L0024"/>
         <CONTRACTING_BODY>
            <ADDRESS_CONTRACTING_BODY>
               <OFFICIALNAME>{body}</OFFICIALNAME>
               <TOWN>Birmingham</TOWN>
               <COUNTRY VALUE="UK"/>
               <E_MAIL>tenders@highways.example</E_MAIL>
               <n2016:NUTS CODE="UK"/>
            </ADDRESS_CONTRACTING_BODY>
         </CONTRACTING_BODY>
         <OBJECT_CONTRACT>
            <TITLE><P>{title}</P></TITLE>
            <CPV_MAIN><CPV_CODE CODE="45233141"/></CPV_MAIN>
            <VAL_ESTIMATED_TOTAL CURRENCY="GBP">2500000</VAL_ESTIMATED_TOTAL>
            <LOT_DIVISION/>
            <OBJECT_DESCR ITEM="1"><TITLE><P>{lot1}</P></TITLE><LOT_NO>1</LOT_NO></OBJECT_DESCR>
            <OBJECT_DESCR ITEM="2"><TITLE><P>{lot2}</P></TITLE><LOT_NO>2</LOT_NO></OBJECT_DESCR>
         </OBJECT_CONTRACT>
         <PROCEDURE><PT_OPEN/><DATE_RECEIPT_TENDERS>2024-04-15</DATE_RECEIPT_TENDERS></PROCEDURE>
      </F02_2014>"""

_NOTICE = """<?xml version="1.0" encoding="UTF-8"?>
<TED_EXPORT xmlns="http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
            xmlns:n2016="http://publications.europa.eu/resource/schema/ted/2016/nuts">
   <CODED_DATA_SECTION>
      <NOTICE_DATA>
         <URI_LIST>
            <URI_DOC LG="DE">http://ted.example/DE</URI_DOC>
            <URI_DOC LG="EN">http://ted.example/EN</URI_DOC>
         </URI_LIST>
         <LG_ORIG>EN</LG_ORIG>
      </NOTICE_DATA>
   </CODED_DATA_SECTION>
   <TRANSLATION_SECTION>
      <ML_TITLES>
         <ML_TI_DOC LG="DE"><TI_TEXT><P>Straßenunterhaltung</P></TI_TEXT></ML_TI_DOC>
         <ML_TI_DOC LG="EN"><TI_TEXT><P>Road maintenance</P></TI_TEXT></ML_TI_DOC>
      </ML_TITLES>
   </TRANSLATION_SECTION>
   <FORM_SECTION>{forms}
   </FORM_SECTION>
</TED_EXPORT>
"""

_ENGLISH = {
    "category": "ORIGINAL",
    "lg": "EN",
    "body": "Highways Agency",
    "title": "Road maintenance",
    "lot1": "Resurfacing",
    "lot2": "Drainage",
}
_GERMAN = {
    "category": "TRANSLATION",
    "lg": "DE",
    "body": "Autobahnamt",
    "title": "Straßenbau",
    "lot1": "Straßendecke",
    "lot2": "Entwässerung",
}


def ted_notice(translation_first: bool = False) -> str:
    """The notice as text; with translation_first the German form comes before the English original."""
    forms = [_FORM.format(**_ENGLISH), _FORM.format(**_GERMAN)]
    if translation_first:
        forms.reverse()
    return _NOTICE.format(forms="".join(forms))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "doc.xml"
    path.write_text(text, encoding="utf-8")
    return path


def units_by_path(extraction: Extraction) -> dict[str | None, str]:
    return {unit.path: unit.text for unit in extraction.units}


def extraction_error(path: Path, limits: IngestLimits | None = None) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract(path, "xml", limits or IngestLimits())
    return caught.value


@pytest.mark.parametrize(
    "document",
    [
        BILLION_LAUGHS,
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]><x/>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "internal">]><x>&e;</x>',
    ],
    ids=["billion-laughs", "external-entity", "parameter-entity", "any-entity"],
)
def test_entity_tricks_are_unsafe_xml(tmp_path: Path, document: str) -> None:
    assert extraction_error(write(tmp_path, document)).code == "unsafe_xml"


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><x>1</x>')
    assert units_by_path(extract(path, "xml", IngestLimits())) == {"x": "x: 1"}


def test_malformed_xml_is_corrupt(tmp_path: Path) -> None:
    assert extraction_error(write(tmp_path, "<a><b></a>")).code == "corrupt_xml"


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "<a>" * 500 + "</a>" * 500)
    assert extraction_error(path).code == "xml_too_deep"


def test_an_oversized_document_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "<a>" + "x" * 5000 + "</a>")
    assert extraction_error(path, IngestLimits(max_xml_bytes=1000)).code == "too_large"


def test_generic_xml_gets_a_section_per_structured_child_with_namespaces_stripped(tmp_path: Path) -> None:
    document = """<?xml version="1.0"?>
    <export xmlns="urn:example:tenders" xmlns:x="urn:example:extra">
      <tenders>
        <source>portal</source>
        <tender id="T1"><title>Roads</title><x:value currency="EUR">100</x:value><open/></tender>
        <tender id="T2"><title>  Bridges </title></tender>
      </tenders>
    </export>"""
    units = units_by_path(extract(write(tmp_path, document), "xml", IngestLimits()))
    assert units == {
        "export/tenders": "source: portal",
        "export/tenders/tender[1]": "tender[1]/@id: T1\ntender[1]/title: Roads\n"
        "tender[1]/value/@currency: EUR\ntender[1]/value: 100\ntender[1]/open: yes",
        "export/tenders/tender[2]": "tender[2]/@id: T2\ntender[2]/title: Bridges",
    }


def test_paragraphs_and_inline_formatting_read_as_one_line(tmp_path: Path) -> None:
    document = (
        "<n><d><SHORT_DESCR><P>Area ca. 5 200 m<FT TYPE='SUP'>2</FT>;</P><P>Second.</P></SHORT_DESCR></d></n>"
    )
    units = units_by_path(extract(write(tmp_path, document), "xml", IngestLimits()))
    assert units == {"n/d": "SHORT_DESCR: Area ca. 5 200 m2; Second."}


def test_a_ted_notice_keeps_only_the_original_language_form(tmp_path: Path) -> None:
    extraction = extract(write(tmp_path, ted_notice(translation_first=True)), "xml", IngestLimits())
    units = units_by_path(extraction)
    text = "\n".join(units.values())
    assert "Autobahnamt" not in text and "Straßenbau" not in text
    assert all(unit.text.startswith("language: EN\n") for unit in extraction.units)
    body = units["TED_EXPORT/FORM_SECTION/F02_2014[2]/CONTRACTING_BODY"]
    assert "CONTRACTING_BODY/ADDRESS_CONTRACTING_BODY/OFFICIALNAME: Highways Agency" in body
    assert "CONTRACTING_BODY/ADDRESS_CONTRACTING_BODY/E_MAIL: tenders@highways.example" in body
    assert not any("F02_2014[1]" in (path or "") for path in units)


def test_ted_lots_are_separate_sections(tmp_path: Path) -> None:
    units = units_by_path(extract(write(tmp_path, ted_notice()), "xml", IngestLimits()))
    form = "TED_EXPORT/FORM_SECTION/F02_2014[1]"
    assert f"{form}/OBJECT_CONTRACT" in units
    assert "OBJECT_DESCR" not in units[f"{form}/OBJECT_CONTRACT"]
    assert (
        "OBJECT_CONTRACT/OBJECT_DESCR[2]/TITLE: Drainage" in units[f"{form}/OBJECT_CONTRACT/OBJECT_DESCR[2]"]
    )
    assert "OBJECT_CONTRACT/OBJECT_DESCR[1]/LOT_NO: 1" in units[f"{form}/OBJECT_CONTRACT/OBJECT_DESCR[1]"]
    assert "PROCEDURE/PT_OPEN: yes" in units[f"{form}/PROCEDURE"]
    assert "F02_2014[1]/@LG: EN" in units[form]


def test_ted_translation_titles_keep_only_the_chosen_language(tmp_path: Path) -> None:
    units = units_by_path(extract(write(tmp_path, ted_notice()), "xml", IngestLimits()))
    translations = units["TED_EXPORT/TRANSLATION_SECTION"]
    assert "Road maintenance" in translations and "Straßenunterhaltung" not in translations
    assert re.findall(r"@LG: (\w+)", translations) == ["EN"]


def test_without_categories_the_form_in_the_original_language_wins(tmp_path: Path) -> None:
    document = (
        ted_notice(translation_first=True)
        .replace(' CATEGORY="TRANSLATION"', "")
        .replace(' CATEGORY="ORIGINAL"', "")
    )
    extraction = extract(write(tmp_path, document), "xml", IngestLimits())
    assert "Autobahnamt" not in "\n".join(unit.text for unit in extraction.units)
    assert extraction.units[0].text.startswith("language: EN")


def test_older_ted_forms_wrapped_in_one_element_are_looked_through(tmp_path: Path) -> None:
    document = """<TED_EXPORT><CODED_DATA_SECTION><NOTICE_DATA><LG_ORIG>EN</LG_ORIG></NOTICE_DATA>
      </CODED_DATA_SECTION><FORM_SECTION><CONTRACT CATEGORY="ORIGINAL" FORM="2" LG="EN">
        <FD_CONTRACT CTYPE="SERVICES">
          <CONTRACTING_AUTHORITY_INFORMATION><NAME_ADDRESSES_CONTACT_CONTRACT>
            <OFFICIALNAME>Port of Tyne</OFFICIALNAME>
          </NAME_ADDRESSES_CONTACT_CONTRACT></CONTRACTING_AUTHORITY_INFORMATION>
          <PROCEDURE_DEFINITION_CONTRACT_NOTICE><TYPE_OF_PROCEDURE_DEF><PT_OPEN/></TYPE_OF_PROCEDURE_DEF>
          </PROCEDURE_DEFINITION_CONTRACT_NOTICE>
        </FD_CONTRACT></CONTRACT></FORM_SECTION></TED_EXPORT>"""
    units = units_by_path(extract(write(tmp_path, document), "xml", IngestLimits()))
    form = "TED_EXPORT/FORM_SECTION/CONTRACT"
    assert "FD_CONTRACT/@CTYPE: SERVICES" in units[form]
    body = units[f"{form}/FD_CONTRACT/CONTRACTING_AUTHORITY_INFORMATION"]
    assert "OFFICIALNAME: Port of Tyne" in body
    assert f"{form}/FD_CONTRACT/PROCEDURE_DEFINITION_CONTRACT_NOTICE" in units
