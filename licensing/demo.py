"""Demo data for profession licence splitting: external bodies, the profession list, the demo people's
licences, a dues ledger, public holidays, published inspection slots and one request in the staff's queue.

Idempotent: everything is keyed (codes, licence numbers, ledger keys, slot start times, dates); the
demo request is made through the real workflow only when its licence has none yet.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.groups import LICENSING_STAFF, grant
from accounts.models import Organisation, User
from accounts.party import Party
from licensing.constants import SERVICE_SLUG, DueKind, LicenceStatus
from licensing.models import DuesEntry, ExternalBody, InspectionSlot, Profession, ProfessionLicence
from licensing.workflow import SplitData, split_apply
from services.models import Holiday, Service
from services.workdays import is_working_day

START_URL_NAME = "licensing:licences"

BODIES = [
    ("moh", "وزارة الصحة", "Ministry of Health"),
    ("moenv", "وزارة البيئة", "Ministry of Environment"),
    ("pharmacists", "نقابة صيادلة الأردن", "Jordan Pharmacists Association"),
    ("tourism", "وزارة السياحة والآثار", "Ministry of Tourism and Antiquities"),
]

# code, Arabic, English, needs a construction certificate, approving bodies, fee (None: staff set it)
PROFESSIONS = [
    ("grocery", "بقالة", "Grocery", False, [], Decimal("45.000")),
    ("services-office", "مكتب خدمات عامة", "General services office", False, [], Decimal("60.000")),
    ("restaurant", "مطعم وجبات سريعة", "Fast-food restaurant", True, ["moh"], Decimal("150.000")),
    ("pharmacy", "صيدلية", "Pharmacy", False, ["moh", "pharmacists"], None),
    ("car-workshop", "ورشة صيانة مركبات", "Vehicle repair workshop", True, ["moenv"], Decimal("120.000")),
    ("tourist-shop", "محل تحف وهدايا سياحية", "Souvenir shop", False, ["tourism"], Decimal("75.000")),
]

# number, holder username or org establishment number, profession, trade name, address, area, years since renewal
LICENCES = [
    ("PL-19-0451", "demo-citizen", "grocery", "سوبرماركت العلي", "شارع المدينة المنورة 112، تلاع العلي", "240", 0),
    ("PL-16-0112", "demo-citizen", "services-office", "مكتب العلي للخدمات", "شارع الجامعة 40، الجبيهة", "60", 1),
    ("PL-20-0777", "org:200100200", "services-office", "مكاتب النمر", "شارع مكة 210، أم السماق", "400", 0),
    ("PL-18-0303", "demo-resident", "grocery", "بقالة السيد", "شارع الأمير حسن 15، النزهة", "90", 0),
]

# owner id, deed reference, kind, year offset, amount, description
DUES = [
    ("9991000001", "TD-11-5520", DueKind.PROPERTY_TAX, -1, "86.500", "مسقفات العقار"),
    ("9991000001", "TD-11-5520", DueKind.OTHER, -1, "24.000", "عوائد تنظيم"),
]

HOLIDAYS = [
    ((1, 1), "رأس السنة الميلادية"),
    ((5, 1), "عيد العمال"),
    ((5, 25), "عيد الاستقلال"),
    ((12, 25), "عيد الميلاد المجيد"),
]
# Islamic holidays move with the moon: the department enters each year's dates; these are 2026's.
HOLIDAYS_2026 = [
    (date(2026, 3, 20), "عيد الفطر"),
    (date(2026, 3, 21), "عيد الفطر"),
    (date(2026, 5, 27), "عيد الأضحى"),
    (date(2026, 5, 28), "عيد الأضحى"),
    (date(2026, 6, 16), "رأس السنة الهجرية"),
    (date(2026, 8, 25), "المولد النبوي الشريف"),
]

SLOT_TIMES = [time(9, 0), time(11, 0), time(13, 0)]
SLOT_LENGTH = timedelta(hours=1, minutes=30)


def _slots(days: int = 10) -> int:
    made = 0
    day = timezone.localdate()
    added = 0
    while added < days:
        day += timedelta(days=1)
        if not is_working_day(day):
            continue
        added += 1
        for at in SLOT_TIMES:
            start = timezone.make_aware(datetime.combine(day, at))
            _slot, new = InspectionSlot.objects.get_or_create(
                starts_at=start, defaults={"ends_at": start + SLOT_LENGTH, "area": "عمان"}
            )
            made += new
    return made


def load(*, stdout):
    Service.objects.filter(slug=SERVICE_SLUG).update(start_url_name=START_URL_NAME)
    grant(LICENSING_STAFF, "licensing")
    # The department keeps the working-day calendar (services.Holiday) its deadlines count on.
    grant(LICENSING_STAFF, "services", ["add_holiday", "change_holiday", "delete_holiday", "view_holiday"])

    bodies = {}
    for code, name_ar, name_en in BODIES:
        bodies[code], _ = ExternalBody.objects.update_or_create(
            code=code, defaults={"name_ar": name_ar, "name_en": name_en}
        )
    professions = {}
    for code, name_ar, name_en, certificate, approvals, fee in PROFESSIONS:
        profession, _ = Profession.objects.update_or_create(
            code=code,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "needs_construction_certificate": certificate,
                "fee": fee,
            },
        )
        profession.approvals.set([bodies[b] for b in approvals])
        professions[code] = profession

    year = timezone.localdate().year
    for (month, day), name in HOLIDAYS:
        for y in (year, year + 1):
            Holiday.objects.get_or_create(date=date(y, month, day), defaults={"name": name})
    for day, name in HOLIDAYS_2026:
        Holiday.objects.get_or_create(date=day, defaults={"name": name})

    for owner, deed, kind, offset, amount, description in DUES:
        DuesEntry.objects.get_or_create(
            owner_id_number=owner,
            deed_reference=deed,
            kind=kind,
            year=year + offset,
            defaults={"amount": Decimal(amount), "description": description, "source": DuesEntry.Source.DEMO},
        )
    slots = _slots()

    licences = 0
    for number, holder, profession, trade_name, address, area, behind in LICENCES:
        owner = {}
        if holder.startswith("org:"):
            organisation = Organisation.objects.filter(establishment_number=holder[4:]).first()
            if organisation is None:
                continue
            owner = {"organisation": organisation, "holder": None}
        else:
            user = User.objects.filter(username=holder).first()
            if user is None:
                continue
            owner = {"holder": user, "organisation": None}
        _licence, new = ProfessionLicence.objects.get_or_create(
            number=number,
            defaults={
                **owner,
                "profession": professions[profession],
                "trade_name": trade_name,
                "address": address,
                "area_m2": Decimal(area),
                "renewed_year": year - behind,
                "status": LicenceStatus.ACTIVE,
            },
        )
        licences += new

    # One request in the staff's "external approvals" queue, for the company.
    business = User.objects.filter(username="demo-business").first()
    company_licence = ProfessionLicence.objects.filter(number="PL-20-0777").first()
    made = 0
    if business and company_licence and not company_licence.split_requests.exists():
        split_apply(
            party=Party(user=business, organisation=company_licence.organisation),
            data=SplitData(
                licence_number=company_licence.number,
                deed_reference="TD-22-9013",
                profession=professions["pharmacy"],
                trade_name="صيدلية النمر",
                area_m2=Decimal("80"),
            ),
        )
        made = 1
    stdout.write(
        f"  licensing: {len(PROFESSIONS)} professions, {licences} new licence(s), {slots} new inspection slot(s), "
        f"{made} new demo request(s)"
    )
