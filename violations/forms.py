import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from violations.constants import NATIONAL_LICENCE_LENGTH, Issuer, ViolationStatus
from violations.models import DrivingLicence, Vehicle, Violation
from violations.normalise import clean_digits, clean_plate_part, clean_registration, clean_text
from violations.selectors import licence_choices

DIGITS = {"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}


class VehicleInquiryForm(forms.Form):
    plate_code = forms.CharField(
        label=_("Plate code"),
        max_length=3,
        help_text=_("The small number on the plate, e.g. 10."),
        widget=forms.TextInput(attrs=DIGITS),
    )
    plate_number = forms.CharField(
        label=_("Vehicle number"), max_length=8, help_text=_("e.g. 79210."), widget=forms.TextInput(attrs=DIGITS)
    )
    registration_number = forms.CharField(
        label=_("Vehicle registration number"),
        max_length=20,
        help_text=_("As printed on the vehicle licence. Without it nothing about the vehicle is shown."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )

    # The layout is made when the form is shown, not when it is only checked: a right answer never shows it,
    # and building crispy's layout was a tenth of an inquiry's own work (issue 20).
    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            Div(
                Div(Field("plate_code"), css_class="col-4 col-md-3"),
                Div(Field("plate_number"), css_class="col-8 col-md-4"),
                Div(Field("registration_number"), css_class="col-12 col-md-5"),
                css_class="row",
            ),
            Submit("search", _("Search"), css_class="btn-primary"),
        )
        return helper

    def clean_plate_code(self):
        value = clean_plate_part(self.cleaned_data["plate_code"])
        if not (value.isdecimal() and len(value) <= 3):
            raise ValidationError(_("Enter the plate code: 1 to 3 digits, e.g. 10."))
        return value

    def clean_plate_number(self):
        value = clean_plate_part(self.cleaned_data["plate_number"])
        if not (value.isdecimal() and len(value) <= 8):
            raise ValidationError(_("Enter the plate number: up to 8 digits, e.g. 79210."))
        return value

    def clean_registration_number(self):
        value = clean_registration(self.cleaned_data["registration_number"])
        if not (value.isascii() and value.replace("-", "").isalnum()):
            raise ValidationError(_("Enter the vehicle registration number as printed on the vehicle licence."))
        return value


class LicenceInquiryForm(forms.Form):
    licence_number = forms.CharField(
        label=_("Licence number"),
        max_length=20,
        help_text=_("As printed on the driving licence."),
        widget=forms.TextInput(attrs={**DIGITS, "data-national-length": NATIONAL_LICENCE_LENGTH}),
    )
    centre = forms.ChoiceField(label=_("Licence centre"), required=False)
    category = forms.ChoiceField(label=_("Licence category"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        centres, categories = licence_choices()
        self.fields["centre"].choices = [("", _("Choose…"))] + [(c, c) for c in centres]
        self.fields["category"].choices = [("", _("Choose…"))] + [(c, c) for c in categories]

    @cached_property  # made when shown (VehicleInquiryForm.helper)
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            Field("licence_number", aria_describedby="licence-8-digit-note"),
            Div(
                Div(Field("centre"), css_class="col-md-6"),
                Div(Field("category"), css_class="col-md-6"),
                css_class="row",
                data_licence_details="",
            ),
            Submit("search", _("Search"), css_class="btn-primary"),
        )
        return helper

    def clean_licence_number(self):
        value = clean_digits(self.cleaned_data["licence_number"])
        if not value.isdecimal():
            raise ValidationError(_("Enter the licence number in digits."))
        return value

    def clean(self):
        data = super().clean()
        number = data.get("licence_number")
        if not number:
            return data
        if len(number) == NATIONAL_LICENCE_LENGTH:
            # Seed 001: an 8-digit number needs neither centre nor category; whatever was chosen is ignored.
            data["centre"], data["category"] = "", ""
            return data
        message = _("Choose the %(field)s: a licence number that is not 8 digits needs it.")
        if not data.get("centre"):
            self.add_error("centre", message % {"field": _("licence centre")})
        if not data.get("category"):
            self.add_error("category", message % {"field": _("licence category")})
        return data


class FleetVehicleForm(forms.Form):
    plate_code = forms.CharField(label=_("Plate code"), max_length=3, widget=forms.TextInput(attrs=DIGITS))
    plate_number = forms.CharField(label=_("Vehicle number"), max_length=8, widget=forms.TextInput(attrs=DIGITS))
    registration_number = forms.CharField(
        label=_("Vehicle registration number"), max_length=20, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    label = forms.CharField(
        label=_("Label (optional)"), max_length=100, required=False, help_text=_("e.g. the driver or the depot.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div(Field("plate_code"), css_class="col-4 col-md-2"),
                Div(Field("plate_number"), css_class="col-8 col-md-3"),
                Div(Field("registration_number"), css_class="col-12 col-md-3"),
                Div(Field("label"), css_class="col-12 col-md-4"),
                css_class="row",
            ),
            Submit("add", _("Add vehicle"), css_class="btn-primary"),
        )


class FleetCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One vehicle a line: plate code, plate number, registration number and an optional label. "
            "A header line is allowed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), Submit("upload", _("Upload"), css_class="btn-secondary"))


class FleetFilterForm(forms.Form):
    STATUS_CHOICES = [
        (ViolationStatus.OPEN, _("Unpaid")),
        (ViolationStatus.PAID, _("Paid")),
        ("all", _("All")),
    ]
    vehicle = forms.TypedChoiceField(label=_("Vehicle"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, fleet=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].choices = [("", _("All vehicles"))] + [
            (fv.pk, f"{fv.plate} {fv.label}".strip()) for fv in fleet
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(
                Div(Field("vehicle"), css_class="col-md-3"),
                Div(Field("date_from"), css_class="col-6 col-md-3"),
                Div(Field("date_to"), css_class="col-6 col-md-3"),
                Div(Field("status"), css_class="col-md-3"),
                css_class="row",
            ),
            # A <button> with its words inside (not crispy's Submit, whose "btn btn-primary" under an
            # outline class painted the label in the colour of its background), and no name: the
            # query string carries the filters only.
            StrictButton(_("Show"), type="submit", css_class="btn-outline-primary fleet-filter-submit"),
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def status_value(self) -> str:
        status = (self.cleaned_data.get("status") if self.is_valid() else None) or ViolationStatus.OPEN
        return "" if status == "all" else status


# --- the Traffic Department feed (violations.feed), one row at a time ----------------------

FEED_MAX_AMOUNT = Decimal("1000000")
_VIOLATION_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,30}$")
_REGISTRATION = re.compile(r"^[A-Z0-9-]{1,20}$")


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class _Column(forms.CharField):
    """A feed column as text, normalised by ``normalise`` before its length is checked (so a limit
    counts what is stored, not the feed's extra spaces). Whether it may be empty is the form's rule."""

    def __init__(self, normalise=clean_text, **kwargs):
        self.normalise = normalise
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return self.normalise(super().to_python(value))


class FeedRowForm(forms.Form):
    """One feed row (DESIGN.md). Each message names its column; rules across columns are in clean()."""

    violation_number = _Column(normalise=str)
    plate_code = _Column(normalise=clean_plate_part)
    plate_number = _Column(normalise=clean_plate_part)
    registration_number = _Column(normalise=clean_registration)
    licence_number = _Column(normalise=clean_digits)
    licence_centre = _Column()
    licence_category = _Column()
    offence_code = _Column(max_length=_limit(Violation, "offence_code"))
    offence_ar = _Column(max_length=_limit(Violation, "offence_ar"))
    offence_en = _Column(max_length=_limit(Violation, "offence_en"))
    article = _Column(max_length=_limit(Violation, "article"))
    location = _Column(max_length=_limit(Violation, "location"))
    issued_at = _Column(normalise=str)
    amount = _Column(normalise=str)
    issuer = _Column(normalise=str.upper)
    payable = _Column(normalise=str.lower)
    status = _Column(normalise=str.lower)

    def clean_violation_number(self) -> str:
        number = self.cleaned_data["violation_number"]
        if not _VIOLATION_NUMBER.match(number):
            raise ValidationError(_("violation_number is missing or not letters, digits and dashes (at most 30)"))
        return number

    def clean_offence_ar(self) -> str:
        if not self.cleaned_data["offence_ar"]:
            raise ValidationError(_("offence_ar is required"))
        return self.cleaned_data["offence_ar"]

    def clean_issued_at(self) -> datetime:
        try:
            issued_at = datetime.fromisoformat(self.cleaned_data["issued_at"])
        except ValueError:
            raise ValidationError(_("issued_at is not an ISO 8601 date and time")) from None
        if issued_at.tzinfo is None:
            raise ValidationError(_("issued_at has no UTC offset (e.g. 2021-08-15T10:30:00+03:00)"))
        return issued_at

    def clean_amount(self) -> Decimal:
        try:
            amount = Decimal(self.cleaned_data["amount"])
        except InvalidOperation:
            raise ValidationError(_("amount is not a number")) from None
        if not amount.is_finite() or amount <= 0 or amount >= FEED_MAX_AMOUNT:
            raise ValidationError(_("amount must be more than 0 JOD"))
        if amount.as_tuple().exponent < -3:
            raise ValidationError(_("amount has more than 3 decimals"))
        return amount.quantize(Decimal("0.001"))

    def clean_issuer(self) -> str:
        if self.cleaned_data["issuer"] not in Issuer.values:
            raise ValidationError(_("issuer must be GAM or PSD"))
        return self.cleaned_data["issuer"]

    def clean_payable(self) -> bool:
        if self.cleaned_data["payable"] not in ("true", "false"):
            raise ValidationError(_("payable must be true or false"))
        return self.cleaned_data["payable"] == "true"

    def clean_status(self) -> str:
        if self.cleaned_data["status"] not in ViolationStatus.values:
            raise ValidationError(_("status must be open, paid or cancelled"))
        return self.cleaned_data["status"]

    def clean(self):
        data = super().clean()
        plate_code, plate_number = data.get("plate_code", ""), data.get("plate_number", "")
        if plate_code or plate_number:
            if not (plate_code.isdecimal() and len(plate_code) <= _limit(Vehicle, "plate_code")):
                self.add_error("plate_code", _("plate_code must be 1 to 3 digits"))
            if not (plate_number.isdecimal() and len(plate_number) <= _limit(Vehicle, "plate_number")):
                self.add_error("plate_number", _("plate_number must be 1 to 8 digits"))
            if not _REGISTRATION.match(data.get("registration_number", "")):
                self.add_error(
                    "registration_number",
                    _("registration_number is required with a plate (letters and digits, at most 20)"),
                )
        licence_number, centre, category = (
            data.get("licence_number", ""),
            data.get("licence_centre", ""),
            data.get("licence_category", ""),
        )
        if licence_number:
            if not (licence_number.isdecimal() and len(licence_number) <= _limit(DrivingLicence, "number")):
                self.add_error("licence_number", _("licence_number must be digits (at most 20)"))
            if len(licence_number) != NATIONAL_LICENCE_LENGTH and not (centre and category):
                self.add_error(
                    None,
                    _("licence_centre and licence_category are required unless the licence number has 8 digits"),
                )
            if len(centre) > _limit(DrivingLicence, "centre") or len(category) > _limit(DrivingLicence, "category"):
                self.add_error(None, _("licence_centre or licence_category is too long"))
        if not plate_code and not licence_number:
            self.add_error(None, _("a violation needs a plate or a licence number"))
        return data
