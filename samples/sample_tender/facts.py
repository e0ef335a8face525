"""The facts of the sample tender, which every document states: one source, so the documents agree.

Kilbrannock and its harbour authority are invented; addresses use the reserved `.example` domain. Amounts are
euro cents, so lot values are exact sums of their priced items and the total is the sum of the lots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Lot:
    """One lot: what it is, its CPV code, duration, and the priced items of the schedule."""

    number: int
    title: str
    description: str
    cpv: str
    cpv_label: str
    months: int
    items: tuple[tuple[str, str, str, int, int], ...]  # item, description, unit, quantity, rate in cents

    @property
    def value(self) -> int:
        """The lot's estimated value in euro cents: the sum of its priced items."""
        return sum(quantity * rate for _, _, _, quantity, rate in self.items)


BUYER = "Kilbrannock Harbour Authority"
TITLE = "North Quay Rehabilitation and Marina Works, Kilbrannock Harbour"
REFERENCE = "KHA/2023/014"
OCID = "ocds-7kq2pb-KHA-2023-014"
EMAIL = "procurement@kilbrannock-harbour.example"
HARBOUR_MASTER_EMAIL = "harbourmaster@kilbrannock-harbour.example"
WEBSITE = "https://www.kilbrannock-harbour.example"
PORTAL = "https://tenders.kilbrannock-harbour.example/KHA-2023-014"
ADDRESS = "Harbour Office, Custom House Quay"
TOWN = "Kilbrannock"
NUTS = "IE051"
MAIN_CPV, MAIN_CPV_LABEL = "45241000-8", "Harbour construction works"
PUBLISHED = datetime(2023, 3, 8, 9, 30, tzinfo=UTC)
DEADLINE_DATE, DEADLINE_TIME = "2023-04-21", "12:00"  # Irish time, which is UTC+1 in April
OPENING_DATE, OPENING_TIME = "2023-04-21", "14:00"
QUESTIONS_CLOSE = "2023-04-11"
CRITERIA = (
    ("Technical approach and methodology", 30),
    ("Programme and resources", 10),
    ("Environmental management", 10),
)
PRICE_WEIGHT = 50
LOTS = (
    Lot(1, "North Quay wall rehabilitation",
        "Rehabilitation of 240 m of the North Quay (An Ché Thuaidh) masonry quay wall: a steel sheet pile "
        "toe wall, mass concrete underpinning of undermined sections, repointing of the granite facing, new "
        "bollards and fender panels, and reinstatement of the quay surface.",
        "45241100-9", "Quay construction work", 14,
        (("1.01", "Site establishment and temporary works – Lot 1", "sum", 1, 18_500_000),
         ("1.02", "Steel sheet pile toe wall, An Ché Thuaidh (North Quay)", "m", 240, 540_000),
         ("1.03", "Mass concrete underpinning of undermined sections", "m³", 850, 42_000),
         ("1.04", "Repointing of granite masonry facing", "m²", 2600, 9_500),
         ("1.05", "Cast iron bollards and timber fender panels", "nr", 24, 975_000),
         ("1.06", "Reinstatement of quay surface, Sráid na Céibhe", "m²", 1550, 2_000))),
    Lot(2, "Marina pontoons and access gangways",
        "Supply and installation of a 36-unit floating pontoon marina in the inner harbour, with steel guide "
        "piles, two aluminium access gangways at Caladh Uí Dhónaill, and water and power service pedestals "
        "for visiting and resident berth holders.",
        "45242210-0", "Yacht harbour construction work", 10,
        (("2.01", "Site establishment and temporary works – Lot 2", "sum", 1, 9_600_000),
         ("2.02", "Floating pontoon units 12 m × 2.4 m, installed", "nr", 36, 2_450_000),
         ("2.03", "Tubular steel guide piles, driven", "nr", 28, 925_000),
         ("2.04", "Aluminium access gangway 18 m, Caladh Uí Dhónaill", "nr", 2, 7_150_000),
         ("2.05", "Service pedestals (water and power)", "nr", 20, 200_000))),
    Lot(3, "Maintenance dredging of the inner basin",
        "Maintenance dredging of the inner harbour basin and approach channel to -3.5 m Chart Datum, "
        "including sediment sampling and analysis, disposal at the licensed offshore site, and "
        "bathymetric surveys before and after dredging.",
        "45252124-3", "Dredging and pumping works", 4,
        (("3.01", "Mobilisation and demobilisation of dredging plant", "sum", 1, 11_800_000),
         ("3.02", "Maintenance dredging of inner basin to -3.5 m CD, incl. disposal", "m³", 38000, 1_450),
         ("3.03", "Sediment sampling and laboratory analysis", "sum", 1, 2_700_000),
         ("3.04", "Bathymetric survey (pre- and post-dredge)", "nr", 4, 1_600_000))),
    Lot(4, "Quay lighting and navigation lights",
        "Replacement of the quay lighting with LED columns, new ducting and cabling, renewal of the leading "
        "lights and pier-head beacon at Ard na Mara, and two feeder pillars with metering.",
        "45241600-4", "Installation of port lighting equipment", 6,
        (("4.01", "LED quay lighting column, 8 m, complete", "nr", 42, 485_000),
         ("4.02", "Ducting and armoured cabling", "m", 1150, 6_200),
         ("4.03", "Leading lights and pier-head beacon, Ard na Mara", "sum", 1, 3_850_000),
         ("4.04", "Feeder pillar with metering", "nr", 2, 825_000))),
)
TOTAL_CENTS = sum(lot.value for lot in LOTS)
DESCRIPTION = (
    f"{BUYER} seeks contractors for the rehabilitation of the North Quay and the improvement of the marina "
    "and harbour facilities at Kilbrannock. The works comprise quay wall repairs, a new floating pontoon "
    "marina, maintenance dredging of the inner basin, and new quay and navigation lighting. The works are "
    f"divided into {len(LOTS)} lots; tenders may be submitted for one or more lots, and each lot is awarded "
    "as a separate contract."
)


def euro(cents: int, sign: str = "") -> str:
    """`4,860,000.00`, or `€4,860,000.00` with sign="€"."""
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def long_date(iso: str) -> str:
    """`21 April 2023`, whatever the locale."""
    day = datetime.fromisoformat(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
