"""Step 4 of seed 002: the applicant submits the claim with the police sketch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accidents.constants import SERVICE_SLUG, SMS_SUBMITTED, ClaimStatus, DamagedProperty
from accidents.inputs import policy_normalise, registration_normalise
from accidents.models import AccidentClaim, InsuranceCompany
from accidents.selectors import report_is_open
from accounts.party import Party
from core.digits import digits_ascii
from services.models import ApplicationEvent
from services.registers import vehicle_registered
from services.uploads import upload_store
from services.workflow import application_create


@dataclass(frozen=True)
class ClaimData:
    plate_code: str
    plate_number: str
    registration_number: str
    accident_date: date
    accident_place: str
    damaged_property: list[str]
    police_report_number: str
    contact_mobile: str
    damage_description: str = ""
    insurer: InsuranceCompany | None = None
    policy_number: str = ""

    @classmethod
    def from_cleaned(cls, cleaned: dict) -> ClaimData:
        """From a valid ``ClaimForm``'s cleaned data (the website and the app API both submit one)."""
        fields = {name: cleaned[name] for name in cls.__dataclass_fields__}
        return cls(**{**fields, "damaged_property": list(cleaned["damaged_property"])})


def _report_taken() -> ValidationError:
    return ValidationError(
        {"police_report_number": [gettext("A request for this police report is already open or released.")]}
    )


def claim_submit(*, party: Party, data: ClaimData, sketch) -> AccidentClaim:
    """Step 4: the applicant submits the claim with the police sketch; SMS with the reference number.

    ``sketch`` is the uploaded file; it is checked by content and stored privately. Raises
    ValidationError (with field names where it can) and changes nothing when the claim is refused.
    """
    errors: dict[str, list] = {}
    if data.accident_date > timezone.localdate():
        errors["accident_date"] = [gettext("The accident date cannot be in the future.")]
    unknown = set(data.damaged_property) - set(DamagedProperty.values)
    if not data.damaged_property or unknown:
        errors["damaged_property"] = [gettext("Choose what was damaged.")]
    if sketch is None:
        errors["sketch"] = [gettext("Attach the police accident sketch.")]
    if data.policy_number and data.insurer is None:
        errors["insurer"] = [gettext("Choose the insurance company of this policy number.")]
    # Stored as typed; compared (and kept unique while the claim lives) in its normalised form.
    typed_report = " ".join(digits_ascii(data.police_report_number).split())
    report = registration_normalise(typed_report)
    if not report:
        errors["police_report_number"] = [gettext("Enter the police report number.")]
    if "registration_number" not in errors and not vehicle_registered(
        plate_code=data.plate_code, plate_number=data.plate_number, registration_number=data.registration_number
    ):
        # One answer whichever part is wrong: the registration number is the secret of the violations
        # inquiry, so this form must not tell a right plate from a right registration number.
        errors["registration_number"] = [
            gettext(
                "No vehicle with this plate and this registration number is in the Traffic Department's register. "
                "Check both on the vehicle licence."
            )
        ]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        if report_is_open(report):
            raise _report_taken()
        try:
            stored = upload_store(
                file=sketch,
                kind="accident_sketch",
                applicant=party.user,
                organisation=party.organisation,
                allowed=("pdf", "jpeg", "png"),
            )
        except ValidationError as exc:
            raise ValidationError({"sketch": exc.messages}) from None
        try:
            with transaction.atomic():
                claim = application_create(
                    model=AccidentClaim,
                    applicant=party.user,
                    organisation=party.organisation,
                    service_slug=SERVICE_SLUG,
                    status=ClaimStatus.SUBMITTED,
                    actor_kind=ApplicationEvent.ActorKind.CITIZEN,
                    sms=(SMS_SUBMITTED, {}),
                    plate_code=registration_normalise(data.plate_code),
                    plate_number=registration_normalise(data.plate_number),
                    registration_number=registration_normalise(data.registration_number),
                    accident_date=data.accident_date,
                    accident_place=data.accident_place.strip(),
                    damaged_property=sorted(set(data.damaged_property), key=DamagedProperty.values.index),
                    damage_description=data.damage_description.strip(),
                    police_report_number=typed_report,
                    open_report_key=report,
                    sketch=stored,
                    declared_insurer=data.insurer,
                    declared_policy_number=policy_normalise(data.policy_number),
                    contact_mobile=data.contact_mobile,
                )
        except IntegrityError:
            # Two submissions of the same report at once: the unique index let only one through.
            if report_is_open(report):
                stored.file.delete(save=False)
                raise _report_taken() from None
            raise
    return claim
