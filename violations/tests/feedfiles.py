"""Build feed files (DESIGN.md format) for tests."""

import csv
import io

from violations.feed import COLUMNS

BASE = {
    "violation_number": "",
    "plate_code": "10",
    "plate_number": "79210",
    "registration_number": "4412345",
    "licence_number": "",
    "licence_centre": "",
    "licence_category": "",
    "offence_code": "1205",
    "offence_ar": "الوقوف في مكان ممنوع",
    "offence_en": "Parking in a prohibited place",
    "article": "38/ب",
    "location": "شارع الملكة رانيا",
    "issued_at": "2021-08-15T10:30:00+03:00",
    "amount": "15",
    "issuer": "GAM",
    "payable": "true",
    "status": "open",
}


def row(number: str, **overrides) -> dict:
    return {**BASE, "violation_number": number, **overrides}


def feed_bytes(rows: list[dict], *, columns=COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return buffer.getvalue().encode("utf-8")
