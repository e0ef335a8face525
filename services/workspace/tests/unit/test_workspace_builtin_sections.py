"""A bulletin of many notices is chunked notice by notice, each chunk opening with its notice's heading."""

from __future__ import annotations

from tenderflow_common.notice_headings import heading_starts, notice_number
from tenderflow_workspace.builtin.chunking import chunk_units

MASTHEAD = "OFFICIAL BULLETIN OF PUBLIC PROCUREMENT\nIssue date: 3 January 2024\n"


def _notice(number: str, buyer: str, filler_lines: int = 0) -> str:
    filler = "".join(f"Clause {line}: the supplier keeps records for audit.\n" for line in range(filler_lines))
    return f"TENDER NOTICE No. {number}\nContracting authority: {buyer}\n{filler}Deadline: 15 February 2024\n"


def test_notice_headings_give_their_number_and_other_lines_none() -> None:
    assert notice_number("PREGÃO ELETRÔNICO Nº 12/2024") == "12/2024"
    assert notice_number("Tender No. 45/2024 - Road salt") == "45/2024"
    assert notice_number("SECRETARIA MUNICIPAL DE SAÚDE - EDITAL Nº 7/2024") == "7/2024"
    assert notice_number("CUSCUZEIRO ALUMÍNIO Nº 50: PANELA") is None  # an item's size, not a notice
    assert notice_number("NOS TERMOS DA LEI Nº 14.133/2021") is None  # a law, not a notice
    assert notice_number("Contracting authority: City of Lisbon") is None
    assert notice_number("The tender no. 45/2024 was published " + "in the bulletin " * 10) is None


def test_repeated_headings_of_one_notice_leave_the_document_as_it_was() -> None:
    pages = [f"EDITAL – PREGÃO ELETRÔNICO Nº 9/2025\nClause {page}: delivery terms.\n" for page in range(3)]
    units = [{"text": "PREGÃO ELETRÔNICO Nº 9/2025\nObjeto: tablets\n", "page": 0}] + [
        {"text": text, "page": page + 1} for page, text in enumerate(pages)
    ]

    chunks = chunk_units("edital", "edital.pdf", "pdf", units)

    assert [chunk.text for chunk in chunks] == [unit["text"].strip() for unit in units]


def test_a_kind_line_joins_the_number_line_below_it() -> None:
    text = "DIÁRIO OFICIAL\nAVISO DE LICITAÇÃO\nPREGÃO ELETRÔNICO Nº 12/2024\nObjeto: merenda\n"

    assert heading_starts(text) == [(text.index("AVISO"), "AVISO DE LICITAÇÃO PREGÃO ELETRÔNICO Nº 12/2024")]


def test_each_chunk_of_a_bulletin_belongs_to_one_notice_and_opens_with_its_heading() -> None:
    page_one = MASTHEAD + _notice("45/2024", "City of Lisbon") + _notice("46/2024", "Porto Water", 30)
    page_two = "Clause 31: deliveries are made on weekdays.\n" + _notice("47/2024", "Faro Hospital")
    units = [{"text": page_one, "page": 1}, {"text": page_two, "page": 2}]

    chunks = chunk_units("bulletin", "bulletin.pdf", "pdf", units)

    assert chunks[0].text == MASTHEAD.strip()
    assert [chunk.text.split("\n", 1)[0] for chunk in chunks[1:]] == [
        "TENDER NOTICE No. 45/2024",
        "TENDER NOTICE No. 46/2024",
        "TENDER NOTICE No. 46/2024",  # page two opens with the rest of notice 46
        "TENDER NOTICE No. 47/2024",
    ]
    assert all(chunk.text.count("TENDER NOTICE") == 1 for chunk in chunks[1:])
    assert [chunk.page for chunk in chunks] == [1, 1, 1, 2, 2]


def test_a_document_with_one_notice_is_chunked_as_before() -> None:
    text = MASTHEAD + _notice("45/2024", "City of Lisbon")

    chunks = chunk_units("single", "notice.pdf", "pdf", [{"text": text, "page": 1}])

    assert [chunk.text for chunk in chunks] == [text.strip()]
