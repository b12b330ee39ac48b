"""The new licence as an issued, verifiable PDF (run by ``licensing.tasks.licence_document_issue``
after the payment has committed: rendering must never roll a payment back)."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing.constants import DOCUMENT_KIND, SplitStatus
from licensing.models import ProfessionLicence, SplitApplication
from licensing.workflow.common import split_lock
from services.documents import document_issue

S = SplitStatus


def split_licence_document(*, application_id: int):
    """The new licence as an issued, verifiable PDF with a QR code. Idempotent (once per licence)."""
    with transaction.atomic():
        application = split_lock(SplitApplication(pk=application_id))
        if application.status != S.ISSUED or application.new_licence_id is None:
            return None
        licence = ProfessionLicence.objects.select_for_update().get(pk=application.new_licence_id)
        if licence.document_id:
            return licence.document
        language = (application.applicant.language or "ar")[:2]
        holder = licence.organisation.name_ar if licence.organisation_id else licence.holder.display_name
        with translation.override(language):
            summary = [
                (gettext("Licence number"), licence.number),
                (gettext("Holder"), holder),
                (gettext("Profession"), licence.profession.tr("name")),
                (gettext("Trade name"), licence.trade_name),
                (gettext("Area (m²)"), f"{licence.area_m2:f}"),
                (gettext("Split from licence"), licence.split_from.number),
                (gettext("Valid for year"), str(licence.renewed_year)),
                (gettext("Request reference"), application.reference),
            ]
        document = document_issue(
            kind=DOCUMENT_KIND,
            template="licensing/documents/licence.html",
            context={"licence": licence, "application": application, "holder": holder},
            title=_("Profession licence"),
            summary=summary,
            owner_applicant=application.applicant,
            owner_organisation=application.organisation,
            application=application,
            language=language,
        )
        licence.document = document
        licence.save(update_fields=["document", "updated_at"])
    return document
