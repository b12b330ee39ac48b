"""The renewed permit: an issued, verifiable PDF, and the SMS that carries its verification code.

Run by ``contractors.tasks`` after the payment has committed; never imports the tasks.
"""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from contractors.constants import DOCUMENT_KIND, SMS_ISSUED, RenewalStatus
from contractors.models import RenewalRequest
from contractors.workflow.sms import renewal_sms
from core.dates import date_text
from payments.models import Payment
from services.documents import code_display, document_issue
from services.models import IssuedDocument


def renewal_permit_issue(*, renewal_id: int, payment_id: int | None = None) -> IssuedDocument | None:
    """Issue the renewed permit of an issued request and SMS its code. Idempotent: a request that has
    its renewed permit already gets it back, and nothing more is rendered or sent."""
    with transaction.atomic():
        # The row lock makes a retry and a duplicate task wait for each other: one document, one SMS.
        renewal = (
            RenewalRequest.objects.select_for_update()
            .select_related("permit__contractor")
            .filter(pk=renewal_id)
            .first()
        )
        if renewal is None or renewal.status != RenewalStatus.ISSUED:
            return None
        document = renewal.renewed_permit()
        if document is not None:
            return document
        permit = renewal.permit
        contractor = permit.contractor
        payment = Payment.objects.filter(pk=payment_id).first() if payment_id else None
        language = renewal.language or "ar"
        with translation.override(language):
            summary = [
                (_("Contractor"), f"{contractor.number} — {contractor.tr('name')}"),
                (_("Permit"), f"{permit.number}/{permit.year} — {permit.get_kind_display()}"),
                (_("Site"), permit.site),
                (_("Renewed from"), date_text(renewal.approved_from)),
                (_("Renewed until"), date_text(renewal.approved_until)),
                (_("Request"), renewal.reference),
            ]
            summary = [(str(label), value) for label, value in summary]
        document = document_issue(
            kind=DOCUMENT_KIND,
            template="contractors/documents/renewed_permit.html",
            context={
                "renewal": renewal,
                "permit": permit,
                "contractor": contractor,
                "bill": renewal.bill,
                "payment": payment,
            },
            title=_("Renewed contractor permit"),
            summary=summary,
            owner_applicant=None if renewal.submitted_anonymously else renewal.applicant,
            owner_organisation=renewal.organisation,
            application=renewal,
            language=language,
        )
        renewal_sms(
            renewal=renewal,
            text=SMS_ISSUED,
            context={
                "permit": f"{permit.number}/{permit.year}",
                "until": renewal.approved_until,
                "code": code_display(document.code),
            },
            event="issued",
        )
    return document
