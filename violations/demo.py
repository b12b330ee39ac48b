"""Demo data for seed_demo: a realistic Traffic Department feed loaded through the real import.

The citizen's car is 10-79210 (registration 7702154) with the seed card's 8-digit licence 10118254;
the demo organisation's fleet holds six vans and cars. Everything is generated from a fixed seed
with fixed dates, so the feed file is the same on every run and re-importing it changes nothing.
"""

import csv
import hashlib
import io
import random
from datetime import datetime, timedelta
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

from django.apps import apps

from accounts import demo as accounts_demo
from accounts.groups import VIOLATIONS_STAFF, grant
from violations.feed import COLUMNS, feed_import
from violations.models import FeedImport, FleetVehicle, Vehicle

AMMAN = ZoneInfo("Asia/Amman")
FEED_NAME = "demo-traffic-feed.csv"

# The citizen's vehicle and licence (README): look up 10-79210 with registration number 7702154,
# or licence 10118254 (8 digits: no centre or category needed).
CITIZEN_VEHICLE = ("10", "79210", "7702154")
CITIZEN_LICENCE = "10118254"
# An older licence number that needs its centre and category.
OLD_LICENCE = ("4471203", "عمان", "3")
# The demo organisation's fleet; the last one's registration number is mistyped in the fleet on
# purpose (its violations stay hidden, as for any wrong registration number).
FLEET = [
    ("13", "45120", "8810341", "فان توزيع 1"),
    ("13", "45121", "8810342", "فان توزيع 2"),
    ("17", "30918", "8820551", "سيارة المدير"),
    ("22", "61007", "8830117", "شاحنة صغيرة"),
    ("50", "11873", "8840203", "سيارة المبيعات"),
    ("13", "45122", "8810343", "فان توزيع 3"),
]
FLEET_MISTYPED_REGISTRATION = "8810399"
# Vehicles in the register without violations: the accident claims of the demo are for them (a claim is
# accepted only for a vehicle in the register, with its registration number).
OTHER_VEHICLES = [
    ("22", "41873", "30551207"),
    ("13", "55021", "17330190"),
    ("20", "90114", "40778125"),
]

# (code, Arabic, English, article, amount, issuer, payable)
OFFENCES = [
    ("1205", "الوقوف في مكان ممنوع الوقوف فيه", "Parking where parking is prohibited", "38/ب", "15", "GAM", True),
    ("1210", "عدم دفع أجرة موقف السيارات", "Parking fee not paid", "14/أ", "5", "GAM", True),
    ("1212", "الوقوف على الرصيف", "Parking on the pavement", "38/ب", "15", "GAM", True),
    ("1230", "إلقاء النفايات من المركبة", "Throwing rubbish from the vehicle", "32/ج", "25", "GAM", True),
    ("2101", "تجاوز السرعة المقررة بما لا يزيد على 20 كم/س", "Speeding by up to 20 km/h", "37/أ/1", "20", "PSD", True),
    ("2102", "تجاوز السرعة المقررة بأكثر من 20 كم/س", "Speeding by more than 20 km/h", "37/أ/2", "50", "PSD", True),
    ("2201", "استعمال الهاتف الخلوي أثناء القيادة", "Using a mobile phone while driving", "35/ب", "15", "PSD", True),
    ("2205", "عدم استعمال حزام الأمان", "Not wearing a seat belt", "35/ج", "15", "PSD", True),
    (
        "2301",
        "تحميل وتنزيل الركاب في غير الأماكن المخصصة",
        "Picking up passengers outside designated places",
        "34/د",
        "7.5",
        "GAM",
        True,
    ),
    ("3101", "قطع الإشارة الضوئية الحمراء", "Running a red light", "39/أ", "50", "PSD", False),
    ("3105", "القيادة بصورة متهورة", "Reckless driving", "39/ب", "100", "PSD", False),
]
PLACES = [
    "شارع الملكة رانيا العبدالله",
    "شارع الجاردنز",
    "دوار الداخلية",
    "شارع المدينة المنورة",
    "شارع مكة",
    "شارع الاستقلال",
    "طريق المطار",
    "شارع زهران",
    "وسط البلد - شارع الملك فيصل",
    "شارع وصفي التل",
    "شارع الأردن",
    "دوار عبدون",
]
CENTRES = ["عمان", "إربد", "الزرقاء", "العقبة", "السلط", "مادبا"]
CATEGORIES = ["2", "3", "4", "5", "6"]
START = datetime(2026, 1, 5, 8, 0, tzinfo=AMMAN)


def _row(rng: random.Random, number: int, *, plate=None, licence=None, status="open", offence=None) -> dict:
    code, ar, en, article, amount, issuer, payable = offence or rng.choice(OFFENCES)
    issued = START + timedelta(days=rng.randrange(0, 300), minutes=rng.randrange(0, 12 * 60))
    plate_code, plate_number, registration = plate or ("", "", "")
    licence_number, centre, category = licence or ("", "", "")
    return {
        "violation_number": f"26{number:08d}",
        "plate_code": plate_code,
        "plate_number": plate_number,
        "registration_number": registration,
        "licence_number": licence_number,
        "licence_centre": centre,
        "licence_category": category,
        "offence_code": code,
        "offence_ar": ar,
        "offence_en": en,
        "article": article,
        "location": rng.choice(PLACES),
        "issued_at": issued.isoformat(),
        "amount": f"{Decimal(amount):.3f}",
        "issuer": issuer,
        "payable": "true" if payable else "false",
        "status": status,
    }


def demo_feed_rows() -> list[dict]:
    rng = random.Random(79210)  # demo data: a fixed seed, not security
    rows: list[dict] = []
    number = iter(range(1000, 10**6))
    citizen_licence = (CITIZEN_LICENCE, "", "")
    # The citizen: three unpaid (one of them not payable online), one paid at the Traffic Department.
    rows.append(_row(rng, next(number), plate=CITIZEN_VEHICLE, licence=citizen_licence, offence=OFFENCES[0]))
    rows.append(_row(rng, next(number), plate=CITIZEN_VEHICLE, licence=citizen_licence, offence=OFFENCES[4]))
    rows.append(_row(rng, next(number), plate=CITIZEN_VEHICLE, offence=OFFENCES[1]))
    rows.append(_row(rng, next(number), plate=CITIZEN_VEHICLE, licence=citizen_licence, offence=OFFENCES[9]))
    rows.append(_row(rng, next(number), plate=CITIZEN_VEHICLE, status="paid", offence=OFFENCES[2]))
    rows.append(_row(rng, next(number), licence=OLD_LICENCE, offence=OFFENCES[6]))
    rows.append(_row(rng, next(number), licence=OLD_LICENCE, offence=OFFENCES[7]))
    # The fleet: two to six violations each, a few paid, one cancelled.
    for plate_code, plate_number, registration, _label in FLEET:
        for _ in range(rng.randint(2, 6)):
            status = rng.choices(["open", "paid", "cancelled"], weights=[8, 2, 1])[0]
            rows.append(_row(rng, next(number), plate=(plate_code, plate_number, registration), status=status))
    # Other people's vehicles and licences, so that the lists and the admin look like real data.
    for _ in range(40):
        plate = (
            rng.choice(["10", "11", "12", "13", "16", "17", "18", "20", "22", "50"]),
            str(rng.randint(10000, 99999)),
            str(rng.randint(1000000, 9999999)),
        )
        licence = (str(rng.randint(10000000, 39999999)), rng.choice(CENTRES), rng.choice(CATEGORIES))
        if rng.random() < 0.3:
            licence = (str(rng.randint(100000, 999999)), rng.choice(CENTRES), rng.choice(CATEGORIES))
        for _ in range(rng.randint(1, 4)):
            status = rng.choices(["open", "paid"], weights=[7, 3])[0]
            rows.append(
                _row(rng, next(number), plate=plate, licence=licence if rng.random() < 0.6 else None, status=status)
            )
    return rows


def demo_feed_bytes() -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(demo_feed_rows())
    return buffer.getvalue().encode("utf-8")


def _demo_organisation():
    """The demo organisation of accounts/demo.py, if it is there."""
    Organisation = apps.get_model("accounts", "Organisation")
    number = getattr(accounts_demo, "ORGANISATION", {}).get("establishment_number")
    if not number:
        return None
    return Organisation.objects.filter(establishment_number=number).first()


def load(*, stdout):
    data = demo_feed_bytes()
    if FeedImport.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists():
        stdout.write("  violations: demo feed already imported")
    else:
        result = feed_import(data=data, file_name=FEED_NAME)
        stdout.write(
            f"  violations: demo feed {result.rows} rows ({result.created} new, {result.updated} updated, "
            f"{len(result.errors)} bad)"
        )
    for plate_code, plate_number, registration in OTHER_VEHICLES:
        Vehicle.objects.get_or_create(
            plate_code=plate_code, plate_number=plate_number, defaults={"registration_number": registration}
        )
    organisation = _demo_organisation()
    if organisation is not None:
        for i, (plate_code, plate_number, registration, label) in enumerate(FLEET):
            if i == len(FLEET) - 1:
                registration = FLEET_MISTYPED_REGISTRATION
            FleetVehicle.objects.get_or_create(
                organisation=organisation,
                plate_code=plate_code,
                plate_number=plate_number,
                defaults={"registration_number": registration, "label": label},
            )
        stdout.write(f"  violations: fleet of {organisation.name_ar}: {len(FLEET)} vehicles")
    Service = apps.get_model("services", "Service")
    Service.objects.filter(slug="traffic-violations").update(start_url_name="violations:inquiry")
    _grant_staff()


def _grant_staff():
    grant(VIOLATIONS_STAFF, "violations", STAFF_PERMISSIONS)


# Read-mostly: the partner owns the data. Staff may import the feed from the admin.
STAFF_PERMISSIONS = import_module("violations.migrations.0003_staff_and_catalogue").STAFF_PERMISSIONS
