"""Step 11 of seed 002: the release certificate, an issued and verifiable PDF.

Called by the ``release_certificate_issue`` task only (this module does not import the tasks).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accidents.constants import DOCUMENT_KIND, ClaimStatus
from accidents.models import AccidentClaim
from accidents.selectors import claim_items
from accidents.workflow.common import claim_lock
from core.dates import date_text
from core.digits import masked
from core.money import money_text
from services.documents import document_issue
from services.workflow import application_payer_name


def claim_certificate_issue(*, claim_id: int):
    """The release certificate (step 11): an issued, verifiable PDF. Idempotent (once per claim)."""
    with transaction.atomic():
        claim = claim_lock(AccidentClaim(pk=claim_id))
        if claim.certificate_id is not None or claim.status != ClaimStatus.RELEASED:
            return claim.certificate
        language = (claim.applicant.language or "ar")[:2]
        with translation.override(language):
            summary = [
                (gettext("Request reference"), claim.reference),
                (gettext("Vehicle"), claim.plate),
                # Masked: the summary is public at /verify/, and the full number is the violations
                # inquiry's secret (issue 17, finding 8). The PDF, the owner's, keeps it whole.
                (gettext("Vehicle registration number"), masked(claim.registration_number)),
                (gettext("Accident date"), date_text(claim.accident_date)),
                (gettext("Damage valued at"), f"{money_text(claim.damage_amount)} JOD"),
                (gettext("Released on"), date_text(claim.released_at)),
            ]
        document = document_issue(
            kind=DOCUMENT_KIND,
            template="accidents/documents/release_certificate.html",
            context={
                "claim": claim,
                "items": claim_items(claim),
                "party_name": application_payer_name(claim),
            },
            title=_("Accident claim release certificate"),
            summary=summary,
            owner_applicant=claim.applicant,
            owner_organisation=claim.organisation,
            application=claim,
            language=language,
        )
        claim.certificate = document
        claim.save(update_fields=["certificate"])
    return document
