"""Steps 1-3: the application. The licence and the references are checked; the owner's dues come
first when there are any, else the request is accepted at once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.party import Party, party_owns
from core.money import money_text
from licensing.constants import DUES_PERIOD, REASON_DUES_NOT_PAID, SERVICE_SLUG, SMS_DUES, LicenceStatus, SplitStatus
from licensing.dues import dues_outstanding
from licensing.models import Profession, ProfessionLicence, SplitApplication
from licensing.workflow.accept import split_accept
from licensing.workflow.dues import split_dues_bill_create
from notifications.outbox import notify
from services.models import ApplicationEvent
from services.workflow import Deadline, application_create

S = SplitStatus
ActorKind = ApplicationEvent.ActorKind


def _owner_ids(party: Party) -> list[str]:
    if party.organisation is not None:
        return [party.organisation.establishment_number]
    return [party.user.national_id, party.user.personal_number]


@dataclass(frozen=True)
class SplitData:
    licence_number: str
    deed_reference: str
    profession: Profession
    trade_name: str
    area_m2: Decimal
    construction_certificate_reference: str = ""

    @classmethod
    def from_cleaned(cls, cleaned: dict) -> SplitData:
        """From a valid ``SplitForm``'s cleaned data (the website and the app API both submit one)."""
        return cls(**{name: cleaned[name] for name in cls.__dataclass_fields__})


def licence_check(*, party: Party, number: str) -> ProfessionLicence:
    """The party's own licence ``number``, in force (active and renewed this year) and not being split.

    Raises ValidationError with a message the applicant can act on.
    """
    licence = ProfessionLicence.objects.filter(number=number).select_related("profession").first()
    if licence is None or not party_owns(
        party, applicant_id=licence.holder_id, organisation_id=licence.organisation_id
    ):
        # Somebody else's licence looks exactly like a wrong number: its existence is not revealed.
        raise ValidationError(
            gettext("No licence with this number is held by you. Check the number on your licence."), code="not_yours"
        )
    if licence.status != LicenceStatus.ACTIVE:
        raise ValidationError(
            gettext("Licence %(number)s is %(status)s: only an active licence can be split.")
            % {"number": licence.number, "status": licence.get_status_display()},
            code="not_active",
        )
    if not licence.is_renewed:
        raise ValidationError(
            gettext("Licence %(number)s was last renewed for %(year)s: renew it for %(current)s before splitting it.")
            % {"number": licence.number, "year": licence.renewed_year, "current": timezone.localdate().year},
            code="not_renewed",
        )
    if SplitApplication.objects.filter(open_licence_key=licence.number).exists():
        raise ValidationError(
            gettext("Licence %(number)s already has a split request in progress.") % {"number": licence.number},
            code="already_splitting",
        )
    return licence


def split_apply(*, party: Party, data: SplitData) -> SplitApplication:
    """Step 1-3: check the licence and the references, then either ask for the owner's dues first
    (one e-payment number) or accept the request at once.

    Raises ValidationError (with field names) and changes nothing when the request is refused.
    """
    errors: dict[str, list] = {}
    number = (data.licence_number or "").strip().upper()
    deed = (data.deed_reference or "").strip().upper()
    certificate = (data.construction_certificate_reference or "").strip().upper()
    licence = None
    try:
        licence = licence_check(party=party, number=number)
    except ValidationError as exc:
        errors["licence_number"] = exc.error_list
    if not deed:
        errors["deed_reference"] = [gettext("Enter the title deed's reference number.")]
    profession = data.profession
    if profession is None or not profession.is_active:
        errors["profession"] = [gettext("Choose the new profession.")]
    elif profession.needs_construction_certificate and not certificate:
        errors["construction_certificate_reference"] = [
            gettext("%(profession)s needs a construction licence certificate: enter its reference number.")
            % {"profession": profession.tr("name")}
        ]
    if not (data.trade_name or "").strip():
        errors["trade_name"] = [gettext("Enter the trade name.")]
    area = Decimal(data.area_m2 or 0)
    if area <= 0:
        errors["area_m2"] = [gettext("The area must be more than zero.")]
    elif licence is not None and area >= licence.area_m2:
        errors["area_m2"] = [
            gettext("The part split off must be smaller than the licensed area (%(area)s m²).")
            % {"area": f"{licence.area_m2:f}"}
        ]
    if errors:
        raise ValidationError(errors)

    dues = dues_outstanding(owner_id_numbers=_owner_ids(party), deed_reference=deed)
    fields = {
        "licence": licence,
        "open_licence_key": licence.number,
        "deed_reference": deed,
        "construction_certificate_reference": certificate,
        "profession": profession,
        "trade_name": data.trade_name.strip(),
        "area_m2": area,
    }
    try:
        with transaction.atomic():
            if not dues:
                application = application_create(
                    model=SplitApplication,
                    applicant=party.user,
                    organisation=party.organisation,
                    service_slug=SERVICE_SLUG,
                    status=S.SUBMITTED,
                    actor_kind=ActorKind.CITIZEN,
                    reason=_("Request submitted"),
                    **fields,
                )
                split_accept(application=application, actor=party.user, actor_kind=ActorKind.CITIZEN)
                return application
            total = sum((d.amount for d in dues), Decimal("0.000"))
            deadline = Deadline.after(DUES_PERIOD, action=S.CANCELLED, reason=REASON_DUES_NOT_PAID)
            application = application_create(
                model=SplitApplication,
                applicant=party.user,
                organisation=party.organisation,
                service_slug=SERVICE_SLUG,
                status=S.AWAITING_DUES,
                actor_kind=ActorKind.CITIZEN,
                reason=_("Request submitted: the owner's dues on the property must be paid first"),
                internal_note=f"{len(dues)} unpaid dues entr(y/ies), {total} JOD",
                deadline=deadline,
                dues_amount=total,
                **fields,
            )
            bill = split_dues_bill_create(application=application, dues=dues, expires_at=deadline.at)
            application.dues_bill = bill
            application.save(update_fields=["dues_bill"])
            notify(
                text=SMS_DUES,
                context={
                    "reference": application.reference,
                    "amount": money_text(bill.amount),
                    "billing_number": bill.billing_number,
                    "deadline": deadline.at,
                },
                recipient=application.applicant,
                dedupe_key=f"licensing:{application.pk}:dues",
                application=application,
            )
            return application
    except IntegrityError:
        # Two submissions for the same licence at once: the unique index let only one through.
        if SplitApplication.objects.filter(open_licence_key=number).exists():
            raise ValidationError(
                {
                    "licence_number": [
                        gettext("Licence %(number)s already has a split request in progress.") % {"number": number}
                    ]
                }
            ) from None
        raise
