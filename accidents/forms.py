"""Forms of the accident claim: the applicant's (submit, choose, letter) and the staff's (valuation, decisions).

Forms check and normalise what was typed; the rules themselves live in ``accidents.workflow``,
which checks them again (the admin and the API call it too).
"""

import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accidents.constants import DamagedProperty, Department, PaymentMethod, Unit
from accidents.inputs import policy_normalise, registration_normalise
from accidents.models import InsuranceCompany, InsurancePolicy
from accidents.selectors import insurer_by_code
from core.digits import digits_ascii
from core.phones import mobile_normalise, phone_local
from services.forms import PrivateFileField

ALLOWED_UPLOADS = ("pdf", "jpeg", "png")

_plate_code = RegexValidator(r"^\d{1,2}$", _("The plate code is one or two digits, e.g. 10."))
_plate_number = RegexValidator(r"^\d{1,6}$", _("The plate number is up to six digits, e.g. 79210."))
_registration = RegexValidator(
    r"^[0-9A-Z]{3,20}$", _("Enter the registration number as printed on the vehicle licence.")
)
_report = RegexValidator(r"^[0-9A-Z]{2,30}$", _("Enter the report number as printed on the police report."))


class _NormalisedCharField(forms.CharField):
    def __init__(self, *args, normalise=registration_normalise, **kwargs):
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return self.normalise(super().to_python(value))


class ClaimForm(forms.Form):
    """Step 4 of seed 002: the data on the submission screen."""

    plate_code = _NormalisedCharField(
        label=_("Plate code"),
        max_length=4,
        validators=[_plate_code],
        help_text=_("The small number on the plate, e.g. 10."),
    )
    plate_number = _NormalisedCharField(label=_("Plate number"), max_length=10, validators=[_plate_number])
    registration_number = _NormalisedCharField(
        label=_("Vehicle registration number"),
        max_length=20,
        validators=[_registration],
        help_text=_("As printed on the vehicle licence."),
    )
    accident_date = forms.DateField(label=_("Accident date"), widget=forms.DateInput(attrs={"type": "date"}))
    accident_place = forms.CharField(
        label=_("Accident place"), max_length=200, help_text=_("Street, area and a nearby landmark.")
    )
    damaged_property = forms.MultipleChoiceField(
        label=_("What was damaged"), choices=DamagedProperty.choices, widget=forms.CheckboxSelectMultiple
    )
    damage_description = forms.CharField(
        label=_("Description of the damage"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Kept as typed ("PR-2026-5512"): it is the person's reference to the police report; the workflow
    # compares reports by their normalised form.
    police_report_number = forms.CharField(label=_("Police report number"), max_length=30)
    sketch = PrivateFileField(
        label=_("Police accident sketch (كروكة)"),
        allowed=ALLOWED_UPLOADS,
        help_text=_("The sketch from the Traffic Department: a PDF or a photo (JPEG or PNG)."),
    )
    insurer = forms.ModelChoiceField(
        label=_("Vehicle's insurance company"),
        queryset=InsuranceCompany.objects.filter(is_active=True),
        required=False,
        empty_label=_("I do not know"),
    )
    policy_number = _NormalisedCharField(
        label=_("Policy number"), max_length=40, required=False, normalise=policy_normalise, help_text=_("If known.")
    )
    contact_mobile = forms.CharField(label=_("Contact mobile"), max_length=20)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not self.is_bound and user.mobile:
            self.initial.setdefault("contact_mobile", phone_local(user.mobile))
        self.fields["accident_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["contact_mobile"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        for name in ("plate_code", "plate_number"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        # Numbers with letters and dashes read left to right even on the Arabic page.
        for name in ("registration_number", "police_report_number", "policy_number", "contact_mobile"):
            self.fields[name].widget.attrs["dir"] = "ltr"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("The vehicle"),
                Div(Div("plate_code", css_class="col-4"), Div("plate_number", css_class="col-8"), css_class="row"),
                "registration_number",
            ),
            Fieldset(
                _("The accident"),
                "accident_date",
                "accident_place",
                "damaged_property",
                "damage_description",
                "police_report_number",
                "sketch",
            ),
            Fieldset(_("Insurance (if known)"), "insurer", "policy_number"),
            Fieldset(_("Contact"), "contact_mobile"),
        )

    def clean_accident_date(self):
        day = self.cleaned_data["accident_date"]
        if day > timezone.localdate():
            raise ValidationError(_("The accident date cannot be in the future."), code="future")
        return day

    def clean_police_report_number(self):
        typed = " ".join(digits_ascii(self.cleaned_data["police_report_number"]).split())
        _report(registration_normalise(typed))
        return typed

    def clean_contact_mobile(self):
        return mobile_normalise(self.cleaned_data["contact_mobile"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("policy_number") and not cleaned.get("insurer"):
            self.add_error("insurer", _("Choose the insurance company of this policy number."))
        return cleaned


class PaymentChoiceForm(forms.Form):
    method = forms.ChoiceField(label=_("How will you pay?"), choices=PaymentMethod.choices, widget=forms.RadioSelect)


class LetterForm(forms.Form):
    letter = PrivateFileField(
        label=_("Insurer's approval letter"),
        allowed=ALLOWED_UPLOADS,
        help_text=_("The insurance company's letter approving payment of the damage: a PDF or a photo."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


# --- Staff forms (admin) -------------------------------------------------------------------------


class ValuationItemForm(forms.Form):
    # A blank first choice: a line left untouched must post nothing, or the formset would take the
    # browser's pre-selected first department for a half-filled line and refuse the whole valuation.
    department = forms.ChoiceField(label=_("Department"), choices=[("", "---------"), *Department.choices])
    description = forms.CharField(label=_("Item"), max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=9, decimal_places=2)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.PIECE)
    unit_price = forms.DecimalField(label=_("Unit price (JOD)"), max_digits=12, decimal_places=3)

    def clean_quantity(self):
        value = self.cleaned_data["quantity"]
        if value <= 0:
            raise ValidationError(_("The quantity must be more than zero."), code="not_positive")
        return value

    def clean_unit_price(self):
        value = self.cleaned_data["unit_price"]
        if value <= 0:
            raise ValidationError(_("The unit price must be more than zero."), code="not_positive")
        return value


class _ValuationFormSetBase(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        total = sum(
            (
                f.cleaned_data["quantity"] * f.cleaned_data["unit_price"]
                for f in self.forms
                if f.cleaned_data and not self._should_delete_form(f)
            ),
            Decimal("0"),
        )
        if total <= 0:
            raise ValidationError(_("Enter at least one damaged item: the total must be more than zero."), code="empty")


ValuationFormSet = forms.formset_factory(
    ValuationItemForm, formset=_ValuationFormSetBase, extra=3, min_num=1, validate_min=True, can_delete=False
)


class ValuationNoteForm(forms.Form):
    public_note = forms.CharField(
        label=_("Note to the applicant"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(re.sub(r"\s", "", reason)) < 5:
            raise ValidationError(_("Write the reason in a few words: the applicant reads it."), code="short")
        return reason


class LetterDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("valid", _("The letter is valid: release the claim")),
            ("invalid", _("The letter is not valid: cancel the claim")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the letter is not valid; the applicant reads it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "invalid" and len((cleaned.get("reason") or "").strip()) < 5:
            self.add_error("reason", _("Write why the letter is not valid: the applicant reads it."))
        return cleaned


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class PolicyRowForm(forms.Form):
    """One line of an insurer's policy file (``manage.py import_insurance_policies``); fields are its columns."""

    insurer_code = forms.CharField(max_length=_max_length(InsuranceCompany, "code"))
    policy_number = _NormalisedCharField(
        max_length=_max_length(InsurancePolicy, "policy_number"), normalise=policy_normalise
    )
    registration_number = _NormalisedCharField(max_length=_max_length(InsurancePolicy, "registration_number"))
    plate_code = forms.CharField(max_length=_max_length(InsurancePolicy, "plate_code"), required=False)
    plate_number = forms.CharField(max_length=_max_length(InsurancePolicy, "plate_number"), required=False)
    starts_on = forms.DateField(input_formats=["%Y-%m-%d"])
    ends_on = forms.DateField(input_formats=["%Y-%m-%d"])
    cancelled_on = forms.DateField(input_formats=["%Y-%m-%d"], required=False)

    def clean_insurer_code(self) -> InsuranceCompany:
        code = self.cleaned_data["insurer_code"]
        insurer = insurer_by_code(code)
        if insurer is None:
            raise ValidationError(_("Unknown insurer code %(code)s") % {"code": code})
        return insurer

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise ValidationError(_("ends_on is before starts_on"))
        return cleaned
