"""The contract notice as the buyer publishes it on its tender portal: a PDF whose lots table spans pages.

fpdf2's built-in Helvetica covers Latin-1 only, so the notice writes `EUR` and plain hyphens, as many portal
PDFs do.
"""

from __future__ import annotations

from fpdf import FPDF

from sample_tender.facts import (
    ADDRESS,
    BUYER,
    CRITERIA,
    DEADLINE_DATE,
    DEADLINE_TIME,
    DESCRIPTION,
    EMAIL,
    HARBOUR_MASTER_EMAIL,
    LOTS,
    MAIN_CPV,
    MAIN_CPV_LABEL,
    NUTS,
    OPENING_DATE,
    OPENING_TIME,
    PORTAL,
    PRICE_WEIGHT,
    PUBLISHED,
    QUESTIONS_CLOSE,
    REFERENCE,
    TITLE,
    TOTAL_CENTS,
    TOWN,
    WEBSITE,
    euro,
    long_date,
)

LOT_COLUMNS = ("Lot", "Title", "Description", "CPV code", "Estimated value (EUR, excl. VAT)")
LOT_COLUMN_WIDTHS = (10, 38, 66, 28, 28)
LOT_COLUMN_ALIGN = ("CENTER", "LEFT", "LEFT", "LEFT", "RIGHT")


class NoticePdf(FPDF):
    """A4 pages with the notice's running header and page numbers."""

    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.set_text_color(90)
        self.cell(0, 5, f"{BUYER} - Contract notice {REFERENCE}", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", 11)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=10)

    def lines(self, *texts: str) -> None:
        for text in texts:
            self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def notice_pdf() -> bytes:
    """The notice; the creation date is the publication time, so the bytes never change."""
    pdf = NoticePdf(format="A4")
    pdf.set_creation_date(PUBLISHED)
    pdf.set_title(f"Contract notice {REFERENCE}")
    pdf.set_author(BUYER)
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    _title(pdf)
    _contracting_authority(pdf)
    _object(pdf)
    _lots(pdf)
    _award_criteria(pdf)
    _participation_and_procedure(pdf)
    _complementary_information(pdf)
    return bytes(pdf.output())


def _title(pdf: NoticePdf) -> None:
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, "Contract notice - Works", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 6, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    published = long_date(PUBLISHED.date().isoformat())
    pdf.lines(f"Directive 2014/24/EU. Published on the contracting authority's tender portal on {published}.")


def _contracting_authority(pdf: NoticePdf) -> None:
    pdf.heading("Section I: Contracting authority")
    pdf.lines(
        f"Official name: {BUYER}",
        f"Postal address: {ADDRESS}",
        f"Town: {TOWN}",
        "Country: Ireland",
        "Contact point: Procurement Office",
        f"E-mail: {EMAIL}",
        f"Internet address: {WEBSITE}",
        "Type of contracting authority: Body governed by public law",
        "Main activity: Port and harbour management",
        f"The procurement documents are available free of charge at {PORTAL}. Tenders must be submitted "
        "electronically at the same address.",
    )


def _object(pdf: NoticePdf) -> None:
    pdf.heading("Section II: Object")
    pdf.lines(
        f"Title: {TITLE}",
        f"Reference number: {REFERENCE}",
        f"Main CPV code: {MAIN_CPV} {MAIN_CPV_LABEL}",
        "Type of contract: Works",
        f"Estimated total value: EUR {euro(TOTAL_CENTS)} excluding VAT",
    )
    pdf.ln(2)
    pdf.lines(DESCRIPTION)
    pdf.ln(2)
    pdf.lines(f"Place of performance: {TOWN} Harbour, Ireland (NUTS {NUTS}).")


def _lots(pdf: NoticePdf) -> None:
    """The lots table; long descriptions make it break onto the next page, where its heading repeats."""
    pdf.heading("Lots")
    with pdf.table(col_widths=LOT_COLUMN_WIDTHS, text_align=LOT_COLUMN_ALIGN, repeat_headings=1,
                   line_height=5) as table:
        table.row(LOT_COLUMNS)
        for lot in LOTS:
            cpv = f"{lot.cpv} {lot.cpv_label}"
            table.row((str(lot.number), lot.title, lot.description, cpv, euro(lot.value)))
    durations = "; ".join(f"lot {lot.number}, {lot.months} months" for lot in LOTS)
    pdf.lines(f"Duration of the contracts: {durations}. Variants are not accepted.")


def _award_criteria(pdf: NoticePdf) -> None:
    pdf.heading("Award criteria")
    pdf.lines(*(f"- Quality: {name}, weighting {weight} %" for name, weight in CRITERIA))
    pdf.lines(
        f"- Price, weighting {PRICE_WEIGHT} %",
        "The criteria apply to each lot. The contracts are awarded to the most economically "
        "advantageous tender.",
    )


def _participation_and_procedure(pdf: NoticePdf) -> None:
    pdf.heading("Section III: Conditions for participation")
    pdf.lines(
        "Tenderers must not be in any of the situations of exclusion listed in Regulation 57 of the "
        "European Union (Award of Public Authority Contracts) Regulations 2016. Minimum annual turnover in "
        "each of the last three years: twice the estimated value of each lot tendered for. Employer's "
        "liability insurance of EUR 13,000,000.00 and public liability insurance of EUR 6,500,000.00. At "
        "least two completed marine works contracts of similar nature in the last five years."
    )
    pdf.heading("Section IV: Procedure")
    pdf.lines(
        "Type of procedure: Open procedure",
        "The procurement is covered by the Government Procurement Agreement: yes",
        f"Time limit for receipt of tenders: {long_date(DEADLINE_DATE)}, {DEADLINE_TIME} (Irish time)",
        "Languages in which tenders may be submitted: English",
        "Tenders must remain valid for: 6 months from the time limit for receipt",
        f"Opening of tenders: {long_date(OPENING_DATE)}, {OPENING_TIME}, at the Harbour Office",
    )


def _complementary_information(pdf: NoticePdf) -> None:
    pdf.heading("Section VI: Complementary information")
    pdf.lines(
        "Clarification questions must be submitted through the tender portal no later than "
        f"{long_date(QUESTIONS_CLOSE)}; answers are published to all tenderers. Site visits to the North "
        f"Quay and the inner basin can be arranged with the Harbour Master ({HARBOUR_MASTER_EMAIL}).",
        "Review body: The High Court, Four Courts, Inns Quay, Dublin 7, Ireland.",
        f"Date of dispatch of this notice: {long_date(PUBLISHED.date().isoformat())}",
    )
