"""Forms of the licence splitting service: the applicant's (apply, book, corrections) and the staff's.

Forms check and normalise what was typed; the rules live in ``licensing/workflow.py``, which checks
them again (the admin and any API call it too).
"""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.dates import span_text
from licensing.models import InspectionSlot, Profession

_reference = RegexValidator(
    r"^[0-9A-Za-z/\-]{2,30}$", _("Enter the reference number as printed: digits, letters, / and - only.")
)


class _UpperCharField(forms.CharField):
    def to_python(self, value):
        return "".join(super().to_python(value).split()).upper()


class ProfessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = obj.tr("name")
        if obj.needs_construction_certificate:
            label += " — " + str(_("needs a construction licence certificate"))
        return label


class SplitForm(forms.Form):
    """Step 1 of seed 004: the application screen."""

    licence_number = _UpperCharField(
        label=_("Number of the licence to split from"),
        max_length=20,
        help_text=_("The licence must be active and renewed for this year."),
    )
    deed_reference = _UpperCharField(label=_("Title deed reference number"), max_length=30, validators=[_reference])
    profession = ProfessionChoiceField(
        label=_("New profession"), queryset=Profession.objects.filter(is_active=True), empty_label=_("Choose…")
    )
    construction_certificate_reference = _UpperCharField(
        label=_("Construction licence certificate reference number"),
        max_length=30,
        required=False,
        validators=[_reference],
        help_text=_("Required only for professions that need a construction licence certificate."),
    )
    trade_name = forms.CharField(label=_("Trade name"), max_length=200)
    area_m2 = forms.DecimalField(
        label=_("Area of the part split off (m²)"), max_digits=9, decimal_places=2, min_value=0.01
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_m2"].widget.attrs["inputmode"] = "decimal"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("The licence and the property"), "licence_number", "deed_reference"),
            Fieldset(_("The new licence"), "profession", "construction_certificate_reference", "trade_name", "area_m2"),
        )

    def clean(self):
        cleaned = super().clean()
        profession = cleaned.get("profession")
        if (
            profession
            and profession.needs_construction_certificate
            and not cleaned.get("construction_certificate_reference")
        ):
            self.add_error(
                "construction_certificate_reference",
                _("%(profession)s needs a construction licence certificate: enter its reference number.")
                % {"profession": profession.tr("name")},
            )
        return cleaned


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = f"{date_format(timezone.localtime(obj.starts_at), 'l')} {span_text(obj.starts_at, obj.ends_at)}"
        return f"{label} ({obj.area})" if obj.area else label


class BookingForm(forms.Form):
    slot = SlotChoiceField(
        label=_("Inspection appointment"),
        queryset=InspectionSlot.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("This appointment is no longer free: choose another.")},
    )

    def __init__(self, *args, slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only free published slots are offered; one taken meanwhile is refused as "no longer free"
        # (and the workflow's unique index refuses it too when two people post at the same moment).
        self.fields["slot"].queryset = slots if slots is not None else InspectionSlot.objects.none()


class CorrectionsForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that everything the inspection listed has been corrected."),
        error_messages={"required": _("Tick the box to confirm the corrections.")},
    )
    note = forms.CharField(
        label=_("What was done (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- staff forms (admin) -------------------------------------------------------------------------


def _reason_ok(value: str) -> bool:
    return len(re.sub(r"\s", "", value or "")) >= 5


class ApprovalForm(forms.Form):
    body = forms.ModelChoiceField(label=_("External body"), queryset=None)
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("approved", _("Approved")), ("refused", _("Refused: end the request"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a refusal; the applicant receives it by SMS."),
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refused" and not _reason_ok(cleaned.get("reason")):
            self.add_error("reason", _("Write the body's reason for refusing: the applicant reads it."))
        return cleaned


class AssignSlotForm(forms.Form):
    slot = SlotChoiceField(label=_("Inspection appointment"), queryset=None)

    def __init__(self, *args, slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class InspectionResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("compliant", _("Compliant")), ("not_compliant", _("Not compliant: ask for corrections"))],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("What to correct"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when not compliant; the applicant receives it by SMS."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") == "not_compliant" and not _reason_ok(cleaned.get("findings")):
            self.add_error("findings", _("List what the applicant must correct: they receive it by SMS."))
        return cleaned


class CivilDefenceForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Civil Defence decision"),
        choices=[("approved", _("Approved")), ("refused", _("Refused: end the request"))],
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(label=_("Civil Defence reference"), required=False, max_length=40)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a refusal; the applicant receives it by SMS."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refused" and not _reason_ok(cleaned.get("reason")):
            self.add_error("reason", _("Write the Civil Defence's reason: the applicant reads it."))
        return cleaned


class FeeForm(forms.Form):
    amount = forms.DecimalField(label=_("Licence fees (JOD)"), max_digits=12, decimal_places=3)

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        if value <= 0:
            raise ValidationError(_("The fee must be more than zero."), code="not_positive")
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not _reason_ok(reason):
            raise ValidationError(_("Write the reason in a few words: the applicant reads it."), code="short")
        return reason
