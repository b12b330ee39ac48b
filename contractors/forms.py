import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contractors.inputs import identifier_normalize
from core.digits import digits_ascii
from core.phones import mobile_normalise
from core.proofofwork import solution_accept
from services.reference import reference_is_valid, reference_normalise

# The challenge a renewal's proof-of-work answers (core.proofofwork): issued and checked for this form only.
RENEWAL_POW_PURPOSE = "contractors.renewal"

_DIGITS_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}


class LookupForm(forms.Form):
    """Step 1: the three values that identify a permit. Only their format is checked here."""

    contractor_number = forms.CharField(
        label=_("Contractor number"), max_length=20, widget=forms.TextInput(attrs=_DIGITS_ATTRS)
    )
    permit_number = forms.CharField(
        label=_("Permit number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"})
    )
    permit_year = forms.CharField(
        label=_("Permit year"), max_length=4, widget=forms.TextInput(attrs={**_DIGITS_ATTRS, "placeholder": "2026"})
    )

    def clean_contractor_number(self):
        value = identifier_normalize(self.cleaned_data["contractor_number"])
        if not value.isdecimal():
            raise ValidationError(_("The contractor number is made of digits only."), code="digits")
        return value

    def clean_permit_number(self):
        return identifier_normalize(self.cleaned_data["permit_number"])

    def clean_permit_year(self):
        value = identifier_normalize(self.cleaned_data["permit_year"])
        if not value.isdecimal() or not 1990 <= int(value) <= 2100:
            raise ValidationError(_("Enter the permit year in four digits, e.g. 2025."), code="year")
        return int(value)


class RenewalForm(forms.Form):
    """Step 2: what is asked, where the SMS go, and the browser's proof-of-work (no puzzle)."""

    period_year = forms.TypedChoiceField(label=_("Renew for the year"), coerce=int, choices=())
    reason = forms.CharField(
        label=_("Renewal reason"),
        min_length=5,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the works at the site are not finished yet."),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("The reference number and every update are sent to it by SMS."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    # Filled by the ALTCHA widget (rendered by the template, not by crispy): the browser's proof-of-work.
    altcha = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_year"].choices = [(year, str(year)) for year in years]
        if len(years) == 1:
            self.fields["period_year"].initial = years[0]

    def clean_phone(self):
        return mobile_normalise(self.cleaned_data["phone"])

    def clean_altcha(self):
        if not solution_accept(payload=self.cleaned_data["altcha"], purpose=RENEWAL_POW_PURPOSE):
            raise ValidationError(
                _(
                    'We could not confirm that a person is sending this request. Tick "I am not a robot", '
                    'wait until it says "Verified", then send the request again: what you typed is kept.'
                ),
                code="proof_of_work",
            )
        return ""


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "placeholder": "CP-XXXX-XX"}),
    )
    phone = forms.CharField(
        label=_("Mobile number given in the request"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )

    def clean_reference(self):
        value = reference_normalise(digits_ascii(self.cleaned_data["reference"]))
        if not reference_is_valid(value):
            raise ValidationError(
                _("This is not a reference number; it looks like CP-7KQ4-M9X. Check it on the SMS."), code="reference"
            )
        return value

    def clean_phone(self):
        return mobile_normalise(self.cleaned_data["phone"])


class ApproveForm(forms.Form):
    approved_from = forms.DateField(label=_("Renewed from"), widget=forms.DateInput(attrs={"type": "date"}))
    approved_until = forms.DateField(label=_("Renewed until"), widget=forms.DateInput(attrs={"type": "date"}))
    fee = forms.DecimalField(
        label=_("Fee (JOD)"), max_digits=12, decimal_places=3, min_value=Decimal("0.001"), localize=False
    )
    note = forms.CharField(
        label=_("Internal note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("approved_from"), data.get("approved_until")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("approved_until", _("The renewal must end on or after the day it starts."))
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads it in the SMS and on the request."),
    )
