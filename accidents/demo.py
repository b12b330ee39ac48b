"""Demo data for the accident claim service: insurers, policies, and claims in several states.

Idempotent: insurers and policies are updated by their keys; each demo claim is keyed by its police
report number and made (through the real workflow) only when no claim has that number yet.
"""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from accidents.constants import SERVICE_SLUG, Department, PaymentMethod, Unit
from accidents.inputs import registration_normalise
from accidents.models import AccidentClaim, InsuranceCompany, InsurancePolicy
from accidents.workflow import (
    ClaimData,
    ValuationLine,
    claim_letter_decide,
    claim_letter_upload,
    claim_payment_choose,
    claim_submit,
    claim_value,
)
from accounts.groups import ACCIDENTS_STAFF, grant
from accounts.models import Organisation, User
from accounts.party import Party
from services.models import Service

START_URL_NAME = "accidents:start"

INSURERS = [
    ("jic", "شركة التأمين الأردنية", "Jordan Insurance Company"),
    ("arab-orient", "شركة الشرق العربي للتأمين", "Arab Orient Insurance"),
    ("jofico", "الشركة الأردنية الفرنسية للتأمين", "Jordan French Insurance"),
    ("euro-arab", "المجموعة العربية الأوروبية للتأمين", "Euro Arab Insurance Group"),
]

# (insurer, policy, registration, plate code, plate number, starts (days from today), ends, cancelled)
POLICIES = [
    ("jic", "JIC-2025-104577", "7702154", "10", "79210", -200, 165, None),
    ("arab-orient", "AO-88-551203", "30551207", "22", "41873", -90, 275, None),
    ("jofico", "JF/2024/33019", "17330190", "13", "55021", -600, -235, None),
    ("euro-arab", "EA-7781-2025", "40778125", "20", "90114", -120, 245, -10),
]

LAMP_POST = [
    ValuationLine(Department.LIGHTING, "عمود إنارة مجلفن بارتفاع 9 م", Decimal("1"), Decimal("385.000"), Unit.PIECE),
    ValuationLine(Department.LIGHTING, "وحدة إنارة LED", Decimal("1"), Decimal("140.000"), Unit.PIECE),
    ValuationLine(Department.LIGHTING, "أجور فك وتركيب ورافعة", Decimal("6"), Decimal("15.000"), Unit.HOUR),
]
BARRIER = [
    ValuationLine(Department.TRAFFIC, "حاجز حماية معدني (جاردريل)", Decimal("12"), Decimal("28.500"), Unit.METRE),
    ValuationLine(Department.TRAFFIC, "قاعدة حاجز", Decimal("3"), Decimal("18.000"), Unit.PIECE),
]
TREE = [
    ValuationLine(Department.AGRICULTURE, "شجرة زيتون معمّرة مع الزراعة", Decimal("1"), Decimal("220.000"), Unit.PIECE),
    ValuationLine(Department.ROADS, "إصلاح رصيف (بلاط إنترلوك)", Decimal("4.5"), Decimal("16.000"), Unit.SQUARE_METRE),
]


def _sketch(title: str) -> SimpleUploadedFile:
    """A drawn stand-in for a police sketch (a road, two vehicles, the damaged lamp post)."""
    image = Image.new("RGB", (800, 560), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 200, 800, 360), fill="#d9d9d9")
    for x in range(0, 800, 60):
        draw.line((x, 280, x + 30, 280), fill="white", width=4)
    draw.rectangle((250, 215, 350, 265), outline="black", width=3, fill="#9ecae1")
    draw.line((350, 240, 470, 185), fill="red", width=3)
    draw.ellipse((470, 165, 500, 195), outline="black", width=3, fill="#fdd49e")
    draw.line((485, 180, 485, 110), fill="black", width=5)
    draw.rectangle((560, 300, 660, 350), outline="black", width=3, fill="#c7e9c0")
    draw.text((20, 20), f"Police accident sketch - {title}", fill="black")
    draw.text((20, 520), "Traffic Department / demo", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"kroka-{title}.png", out.getvalue(), content_type="image/png")


def _letter(reference: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"Insurer approval letter {reference}"})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile("insurer-approval.pdf", out.getvalue(), content_type="application/pdf")


def _claim(*, party, report, plate, registration, insurer=None, policy="", days_ago, place, damaged, title):
    # The report number is stored as typed; demos loaded before that stored it normalised ("DEMO20260001").
    typed_or_old = Q(police_report_number=report) | Q(police_report_number=registration_normalise(report))
    existing = AccidentClaim.objects.filter(typed_or_old).order_by("-pk").first()
    if existing is not None:
        return existing, False
    data = ClaimData(
        plate_code=plate[0],
        plate_number=plate[1],
        registration_number=registration,
        accident_date=timezone.localdate() - timedelta(days=days_ago),
        accident_place=place,
        damaged_property=damaged,
        police_report_number=report,
        contact_mobile=party.user.mobile or "+962790000001",
        insurer=InsuranceCompany.objects.filter(code=insurer).first() if insurer else None,
        policy_number=policy,
    )
    return claim_submit(party=party, data=data, sketch=_sketch(title)), True


def load(*, stdout):
    Service.objects.filter(slug=SERVICE_SLUG).update(start_url_name=START_URL_NAME)
    grant(ACCIDENTS_STAFF, "accidents")

    for code, name_ar, name_en in INSURERS:
        InsuranceCompany.objects.update_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en})
    today = timezone.localdate()
    for code, number, registration, plate_code, plate_number, starts, ends, cancelled in POLICIES:
        InsurancePolicy.objects.update_or_create(
            insurer=InsuranceCompany.objects.get(code=code),
            policy_number=number,
            defaults={
                "registration_number": registration,
                "plate_code": plate_code,
                "plate_number": plate_number,
                "starts_on": today + timedelta(days=starts),
                "ends_on": today + timedelta(days=ends),
                "cancelled_on": today + timedelta(days=cancelled) if cancelled is not None else None,
                "source": InsurancePolicy.Source.DEMO,
            },
        )

    citizen = User.objects.filter(username="demo-citizen").first()
    business = User.objects.filter(username="demo-business").first()
    resident = User.objects.filter(username="demo-resident").first()
    staff = User.objects.filter(username="accidents").first()
    if not (citizen and business and resident and staff):
        stdout.write("  accidents: insurers and policies loaded; demo accounts missing, no demo claims")
        return
    company = Organisation.objects.filter(memberships__user=business).first()
    made = 0

    # Waiting for staff to value (queue "to value").
    _c, new = _claim(
        party=Party(user=citizen),
        report="DEMO-2026-0001",
        plate=("10", "79210"),
        registration="7702154",
        insurer="jic",
        policy="JIC-2025-104577",
        days_ago=1,
        place="شارع الملكة رانيا، قرب دوار الجامعة الأردنية",
        damaged=["lamp_post"],
        title="0001",
    )
    made += new

    # Valued, insurance active: the citizen chooses how to pay.
    claim, new = _claim(
        party=Party(user=citizen),
        report="DEMO-2026-0002",
        plate=("22", "41873"),
        registration="30551207",
        days_ago=4,
        place="طريق المطار، جسر مادبا",
        damaged=["barrier", "sign"],
        title="0002",
    )
    if new:
        claim_value(
            claim=claim, lines=BARRIER, actor=staff, public_note="تم الكشف على الموقع من قبل دائرة هندسة المرور"
        )
    made += new

    # Valued, insurance expired: the company's bill waits for payment (pay it with efawateercom_pay).
    if company is not None:
        claim, new = _claim(
            party=Party(user=business, organisation=company),
            report="DEMO-2026-0003",
            plate=("13", "55021"),
            registration="17330190",
            days_ago=3,
            place="شارع المدينة المنورة، تلاع العلي",
            damaged=["tree", "kerb"],
            title="0003",
        )
        if new:
            claim_value(claim=claim, lines=TREE, actor=staff)
        made += new

    # Through the insurer: the letter waits for staff review.
    claim, new = _claim(
        party=Party(user=resident),
        report="DEMO-2026-0004",
        plate=("10", "79210"),
        registration="7702154",
        days_ago=6,
        place="شارع وصفي التل (الجاردنز)",
        damaged=["lamp_post"],
        title="0004",
    )
    if new:
        claim = claim_value(claim=claim, lines=LAMP_POST, actor=staff)
        party = Party(user=resident)
        claim = claim_payment_choose(claim=claim, party=party, method=PaymentMethod.INSURER)
        claim_letter_upload(claim=claim, party=party, letter=_letter(claim.reference))
    made += new

    # Released by a valid letter, with its certificate.
    claim, new = _claim(
        party=Party(user=citizen),
        report="DEMO-2026-0005",
        plate=("22", "41873"),
        registration="30551207",
        days_ago=12,
        place="شارع الأردن، قرب جسر الجامعة",
        damaged=["signal"],
        title="0005",
    )
    if new:
        claim = claim_value(claim=claim, lines=LAMP_POST[:1], actor=staff)
        party = Party(user=citizen)
        claim = claim_payment_choose(claim=claim, party=party, method=PaymentMethod.INSURER)
        claim = claim_letter_upload(claim=claim, party=party, letter=_letter(claim.reference))
        claim_letter_decide(claim=claim, actor=staff, valid=True)
    made += new

    stdout.write(
        f"  accidents: {len(INSURERS)} insurers, {len(POLICIES)} policies, {made} new demo claim(s) "
        f"({AccidentClaim.objects.count()} in all)"
    )
