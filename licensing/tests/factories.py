"""Professions, licences, dues, slots, and split requests in every lifecycle state through the real workflow."""

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.party import Party
from accounts.tests.factories import UserFactory
from licensing.constants import DueKind, LicenceStatus
from licensing.models import (
    DuesEntry,
    ExternalBody,
    InspectionBooking,
    InspectionSlot,
    Profession,
    ProfessionLicence,
    SplitApplication,
)
from licensing.workflow import (
    SplitData,
    split_apply,
    split_approval_record,
    split_civil_defence_decide,
    split_corrections_confirm,
    split_fee_set,
    split_inspection_book,
    split_inspection_result,
)

_n = itertools.count(1)


def body(code=None, **kw) -> ExternalBody:
    n = next(_n)
    return ExternalBody.objects.create(
        code=code or f"body{n}", name_ar=kw.get("name_ar", f"جهة {n}"), name_en=kw.get("name_en", f"Body {n}")
    )


def profession(*, certificate=False, approvals=(), fee=Decimal("50.000"), **kw) -> Profession:
    n = next(_n)
    p = Profession.objects.create(
        code=kw.get("code", f"prof{n}"),
        name_ar=kw.get("name_ar", f"مهنة {n}"),
        name_en=kw.get("name_en", f"Profession {n}"),
        needs_construction_certificate=certificate,
        fee=fee,
    )
    p.approvals.set(approvals)
    return p


def licence(*, holder=None, organisation=None, renewed_year=None, status=LicenceStatus.ACTIVE, area="200", **kw):
    n = next(_n)
    if holder is None and organisation is None:
        holder = UserFactory()
    return ProfessionLicence.objects.create(
        number=kw.get("number", f"PL-T-{n:04d}"),
        holder=holder,
        organisation=organisation,
        profession=kw.get("profession") or profession(),
        trade_name=kw.get("trade_name", f"محل تجريبي {n}"),
        address="شارع الجامعة، عمان",
        area_m2=Decimal(area),
        renewed_year=renewed_year or timezone.localdate().year,
        status=status,
    )


def slot(*, days=2, hour=9, published=True) -> InspectionSlot:
    start = timezone.localtime() + timedelta(days=days)
    start = start.replace(hour=hour, minute=0, second=0, microsecond=0)
    return InspectionSlot.objects.create(
        starts_at=start, ends_at=start + timedelta(hours=1), is_published=published, area="عمان"
    )


def dues(*, user, deed, amounts=("86.500", "24.000")):
    kinds = [DueKind.PROPERTY_TAX, DueKind.OTHER]
    return [
        DuesEntry.objects.create(
            owner_id_number=user.national_id,
            deed_reference=deed,
            kind=kinds[i],
            year=timezone.localdate().year - 1,
            amount=Decimal(a),
        )
        for i, a in enumerate(amounts)
    ]


@dataclass
class World:
    user: object
    party: Party
    licence: ProfessionLicence
    plain: Profession  # no approvals, no certificate, fee in the table
    health: ExternalBody
    restaurant: Profession  # certificate + health approval, fee in the table
    no_fee: Profession  # staff set the fee
    slots: list


def make_world() -> World:
    user = UserFactory()
    health, _ = ExternalBody.objects.get_or_create(
        code="moh", defaults={"name_ar": "وزارة الصحة", "name_en": "Ministry of Health"}
    )
    return World(
        user=user,
        party=Party(user=user),
        licence=licence(holder=user),
        plain=profession(name_ar="بقالة", name_en="Grocery", fee=Decimal("45.000")),
        health=health,
        restaurant=profession(
            name_ar="مطعم", name_en="Restaurant", certificate=True, approvals=[health], fee=Decimal("150.000")
        ),
        no_fee=profession(name_ar="صيدلية", name_en="Pharmacy", fee=None),
        slots=[slot(days=2, hour=9), slot(days=2, hour=11), slot(days=3, hour=9)],
    )


def data(world: World, **overrides) -> SplitData:
    values = {
        "licence_number": world.licence.number,
        "deed_reference": "TD-1-100",
        "profession": world.plain,
        "trade_name": "محل الجديد",
        "area_m2": Decimal("40"),
        "construction_certificate_reference": "",
    }
    values.update(overrides)
    return SplitData(**values)


def visit_begins(application) -> None:
    """The booked visit's time has come (a test cannot wait for it): the pending booking's visit began a
    minute ago, so its result may be recorded."""
    InspectionBooking.objects.filter(application=application, cancelled_at__isnull=True, result="").update(
        visit_at=timezone.now() - timedelta(minutes=1)
    )


def advance(world: World, staff, *, to: str, profession=None):
    application = _advance(world, staff, to=to, profession=profession)
    return SplitApplication.objects.get(pk=application.pk)


def _advance(world: World, staff, *, to: str, profession=None):
    """A request for ``world``'s licence moved through the workflow up to ``to``.

    ``to``: awaiting_booking, inspection_booked, awaiting_corrections, civil_defence, fee_assessment,
    awaiting_payment (and external_approvals when ``profession`` needs approvals).
    """
    application = split_apply(party=world.party, data=data(world, profession=profession or world.plain))
    if to == application.status:
        return application
    if application.status == "external_approvals":
        split_approval_record(application=application, body=world.health, approved=True, actor=staff)
    if to == "awaiting_booking":
        return application
    split_inspection_book(application=application, slot=world.slots[0], actor=world.user, party=world.party)
    if to == "inspection_booked":
        return application
    visit_begins(application)
    if to == "awaiting_corrections":
        return split_inspection_result(
            application=application, compliant=False, findings="طفاية حريق غير موجودة", actor=staff
        )
    split_inspection_result(application=application, compliant=True, actor=staff)
    if to == "civil_defence":
        return application
    split_civil_defence_decide(application=application, approved=True, actor=staff)
    if to in ("awaiting_payment", "fee_assessment"):
        return application
    raise ValueError(to)


__all__ = ["split_corrections_confirm", "split_fee_set"]
