"""Establishment numbers: an organisation registered on the portal is a claim until it is verified.

Anyone may register an organisation with any establishment number (several unverified claims of one
number may coexist, so a squatter never blocks the real business). Only a verified organisation acts:
people act for it (:mod:`accounts.party`), it pays, sees its fleet's bills and invites members. It is
verified

- by finance staff in the admin (action "Verify organisation"), after checking its papers; or
- against the Companies Control Department's register (``manage.py import_establishments FILE.csv``):
  when the person who registered it has a proven identity (Sanad) and their number is among the
  establishment's authorised people.

At most one organisation holds an establishment number verified (a partial unique constraint).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.identity import establishment_number_normalise
from accounts.models import Establishment, Membership, Organisation, User
from core.rows import ImportReport, csv_rows, rows_import

MSG_NOT_VERIFIED = _(
    "This organisation is not verified yet, so nobody can act for it, pay for it or invite people to it. "
    "The municipality verifies it against the register of establishments or from its registration papers."
)
MSG_ALREADY_VERIFIED = _("Another organisation with this establishment number is already verified.")


def organisation_verify(*, organisation: Organisation, by: User | None, source: str) -> Organisation:
    """Mark ``organisation`` verified. Refused when another organisation holds the number verified."""
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.is_verified:
            return locked
        other = Organisation.objects.filter(
            establishment_number=locked.establishment_number, verified_at__isnull=False
        ).exclude(pk=locked.pk)
        if other.exists():
            raise ValidationError(MSG_ALREADY_VERIFIED, code="already_verified")
        locked.verified_at, locked.verified_by, locked.verification = timezone.now(), by, source
        try:
            with transaction.atomic():
                locked.save(update_fields=["verified_at", "verified_by", "verification"])
        except IntegrityError:
            # Verified elsewhere between our check and our write (the partial unique constraint).
            raise ValidationError(MSG_ALREADY_VERIFIED, code="already_verified") from None
    return locked


def register_authorises(*, establishment_number: str, user: User) -> bool:
    """Whether the register lists ``user``'s proven number among the establishment's authorised people."""
    if not user.identity_verified or not user.id_number:
        return False
    entry = Establishment.objects.filter(establishment_number=establishment_number).first()
    return entry is not None and user.id_number in entry.authorised


def organisations_verify_from_register(*, user: User) -> list[Organisation]:
    """Verify the unverified organisations ``user`` owns that the register says they may act for."""
    verified = []
    owned = Organisation.objects.filter(
        verified_at__isnull=True, memberships__user=user, memberships__role=Membership.Role.OWNER
    )
    for organisation in owned:
        if not register_authorises(establishment_number=organisation.establishment_number, user=user):
            continue
        try:
            verified.append(
                organisation_verify(organisation=organisation, by=None, source=Organisation.Verification.REGISTER)
            )
        except ValidationError:
            continue  # another organisation holds the number verified: staff decide
    return verified


# --- The register (manage.py import_establishments) -----------------------------------------------

COLUMNS = ["establishment_number", "name_ar", "authorised_numbers"]
REQUIRED = {"establishment_number", "name_ar"}
_NAME_MAX = Establishment._meta.get_field("name_ar").max_length
# The report is read by staff at the command line, in the file's own terms (not translated).
MSG_NUMBER = "digits only, 6 to 20"
MSG_NAME = f"required, at most {_NAME_MAX} characters"
MSG_AUTHORISED = "national or personal numbers separated by spaces or semicolons (letters and digits)"


@dataclass
class EstablishmentImportReport(ImportReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class EstablishmentRowForm(forms.Form):
    establishment_number = forms.CharField(max_length=40, error_messages={"required": MSG_NUMBER})
    name_ar = forms.CharField(max_length=_NAME_MAX, error_messages={"required": MSG_NAME, "max_length": MSG_NAME})
    authorised_numbers = forms.CharField(required=False)

    def clean_establishment_number(self):
        try:
            return establishment_number_normalise(self.cleaned_data["establishment_number"])
        except ValidationError:
            raise ValidationError(MSG_NUMBER) from None

    def clean_authorised_numbers(self):
        numbers = self.cleaned_data["authorised_numbers"].replace(";", " ").upper().split()
        if any(not number.isalnum() for number in numbers):
            raise ValidationError(MSG_AUTHORISED)
        return " ".join(sorted(set(numbers)))


def establishments_import(*, lines: Iterable[str]) -> EstablishmentImportReport:
    """Load the register: one row per establishment number; a later row for the same number updates it."""

    def load(values: dict) -> str:
        entry = Establishment.objects.filter(establishment_number=values["establishment_number"]).first()
        if entry is None:
            Establishment.objects.create(**values)
            return "created"
        if entry.name_ar == values["name_ar"] and entry.authorised_numbers == values["authorised_numbers"]:
            return "unchanged"
        entry.name_ar, entry.authorised_numbers = values["name_ar"], values["authorised_numbers"]
        entry.save(update_fields=["name_ar", "authorised_numbers", "updated_at"])
        return "updated"

    rows = csv_rows(lines, required=REQUIRED)
    return rows_import(rows=rows, report=EstablishmentImportReport(), load=load, form_class=EstablishmentRowForm)
