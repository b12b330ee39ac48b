from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from violations.constants import NATIONAL_LICENCE_LENGTH, ViolationStatus
from violations.normalise import clean_digits, clean_plate_part, clean_registration
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div(Field("plate_code"), css_class="col-4 col-md-3"),
                Div(Field("plate_number"), css_class="col-8 col-md-4"),
                Div(Field("registration_number"), css_class="col-12 col-md-5"),
                css_class="row",
            ),
            Submit("search", _("Search"), css_class="btn-primary"),
        )

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
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("licence_number", aria_describedby="licence-8-digit-note"),
            Div(
                Div(Field("centre"), css_class="col-md-6"),
                Div(Field("category"), css_class="col-md-6"),
                css_class="row",
                data_licence_details="",
            ),
            Submit("search", _("Search"), css_class="btn-primary"),
        )

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
            Submit("filter", _("Filter"), css_class="btn-outline-primary"),
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def status_value(self) -> str:
        status = (self.cleaned_data.get("status") if self.is_valid() else None) or ViolationStatus.OPEN
        return "" if status == "all" else status
