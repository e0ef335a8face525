"""The tender as an OCDS 1.1 release package, as the buyer's portal publishes it."""

from __future__ import annotations

import json

from sample_tender.facts import (
    ADDRESS,
    BUYER,
    CRITERIA,
    DEADLINE_DATE,
    DEADLINE_TIME,
    DESCRIPTION,
    EMAIL,
    LOTS,
    MAIN_CPV,
    MAIN_CPV_LABEL,
    NUTS,
    OCID,
    PORTAL,
    PRICE_WEIGHT,
    PUBLISHED,
    QUESTIONS_CLOSE,
    REFERENCE,
    TITLE,
    TOTAL_CENTS,
    TOWN,
    WEBSITE,
)

IRISH_SUMMER_TIME = "+01:00"


def ocds_json() -> bytes:
    """A release package with one `tender` release: buyer, its party and contact point, items and lots."""
    buyer_ref = {"id": "IE-KHA", "name": BUYER}
    released = PUBLISHED.isoformat().replace("+00:00", "Z")
    release = {
        "ocid": OCID,
        "id": f"{OCID}-tender-01",
        "date": released,
        "tag": ["tender"],
        "initiationType": "tender",
        "language": "en",
        "parties": [{
            **buyer_ref,
            "address": {"streetAddress": ADDRESS, "locality": TOWN, "region": NUTS, "countryName": "Ireland"},
            "contactPoint": {"name": "Procurement Office", "email": EMAIL, "url": WEBSITE},
            "roles": ["buyer", "procuringEntity"],
        }],
        "buyer": buyer_ref,
        "tender": {
            "id": REFERENCE,
            "title": TITLE,
            "description": DESCRIPTION,
            "status": "active",
            "procuringEntity": buyer_ref,
            "items": [
                {"id": str(lot.number), "description": lot.title,
                 "classification": {"scheme": "CPV", "id": MAIN_CPV[:8], "description": MAIN_CPV_LABEL},
                 "additionalClassifications": [
                     {"scheme": "CPV", "id": lot.cpv[:8], "description": lot.cpv_label}],
                 "relatedLot": str(lot.number)}
                for lot in LOTS
            ],
            "value": {"amount": TOTAL_CENTS // 100, "currency": "EUR"},
            "procurementMethod": "open",
            "procurementMethodDetails": "Open procedure",
            "mainProcurementCategory": "works",
            "awardCriteria": "ratedCriteria",
            "awardCriteriaDetails": _award_criteria_details(),
            "submissionMethod": ["electronicSubmission"],
            "submissionMethodDetails": PORTAL,
            "tenderPeriod": {
                "startDate": released,
                "endDate": f"{DEADLINE_DATE}T{DEADLINE_TIME}:00{IRISH_SUMMER_TIME}",
            },
            "enquiryPeriod": {
                "startDate": released,
                "endDate": f"{QUESTIONS_CLOSE}T12:00:00{IRISH_SUMMER_TIME}",
            },
            "lots": [
                {"id": str(lot.number), "title": lot.title, "description": lot.description,
                 "status": "active", "value": {"amount": lot.value // 100, "currency": "EUR"},
                 "contractPeriod": {"durationInDays": lot.months * 30}}
                for lot in LOTS
            ],
            "documents": [
                {"id": f"{REFERENCE}-notice", "documentType": "tenderNotice", "title": "Contract notice",
                 "url": f"{PORTAL}/contract-notice.pdf", "format": "application/pdf", "language": "en"},
                {"id": f"{REFERENCE}-prices", "documentType": "billOfQuantity", "title": "Price schedule",
                 "url": f"{PORTAL}/price-schedule.csv", "format": "text/csv", "language": "en"},
            ],
        },
    }
    package = {
        "uri": f"{PORTAL}/ocds.json",
        "version": "1.1",
        "publishedDate": released,
        "publisher": {"name": BUYER},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "releases": [release],
    }
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _award_criteria_details() -> str:
    quality = "; ".join(f"{name} {weight}%" for name, weight in CRITERIA)
    return f"Most economically advantageous tender, per lot: {quality}; Price {PRICE_WEIGHT}%"
