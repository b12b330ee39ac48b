"""Forms: they check and normalise what was typed, then views call one function in workflow.py or organisations.py."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context as allauth_context
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts import identity
from accounts.models import Membership, Organisation, User
from accounts.passwords import password_similarity_check
from accounts.security import code_send_throttle, signup_throttle
from accounts.workflow import identity_taken_errors
from core.phones import mobile_normalise, phone_normalise


def _ltr(**attrs) -> forms.TextInput:
    # Numbers are written left to right even on an Arabic page.
    return forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", **attrs})


def code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=_ltr(inputmode="numeric", autocomplete="one-time-code", pattern="[0-9٠-٩]*"),
        help_text=_("Six digits. The code works for 10 minutes."),
    )


class SignupForm(AllauthSignupForm):
    CITIZENSHIP_CHOICES = [("jo", _("Jordanian")), ("other", _("Not Jordanian"))]

    full_name_ar = forms.CharField(
        label=_("Full name in Arabic"),
        max_length=150,
        help_text=_("As written on your ID card or residence permit."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "rtl", "lang": "ar"}),
    )
    full_name_en = forms.CharField(
        label=_("Full name in English (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "ltr", "lang": "en"}),
    )
    citizenship = forms.ChoiceField(
        label=_("Citizenship"), choices=CITIZENSHIP_CHOICES, initial="jo", widget=forms.RadioSelect
    )
    national_id = forms.CharField(
        label=_("National number"),
        max_length=20,
        required=False,
        help_text=_("Jordanians: the 10 digits on your ID card."),
        widget=_ltr(inputmode="numeric"),
    )
    personal_number = forms.CharField(
        label=_("Personal number"),
        max_length=30,
        required=False,
        help_text=_("Non-Jordanians: as on your residence or work permit."),
        widget=_ltr(),
    )
    nationality = forms.CharField(label=_("Nationality"), max_length=60, required=False)
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("A Jordanian mobile, e.g. 0791234567. We send a verification code to it."),
        widget=_ltr(inputmode="tel", autocomplete="tel"),
    )

    field_order = [
        "full_name_ar",
        "full_name_en",
        "citizenship",
        "national_id",
        "personal_number",
        "nationality",
        "mobile",
        "email",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].label = _("E-mail (optional)")
            self.fields["email"].help_text = _("Only to reset your password by e-mail; SMS is enough.")

    def clean_full_name_ar(self):
        return identity.name_ar_clean(self.cleaned_data["full_name_ar"])

    def clean_full_name_en(self):
        return identity.name_en_clean(self.cleaned_data["full_name_en"])

    def clean_mobile(self):
        return mobile_normalise(self.cleaned_data["mobile"])

    def clean_password1(self):
        # The fields above are cleaned already (field_order): the password must not resemble them.
        password = self.cleaned_data.get("password1", "")
        fields = ("national_id", "personal_number", "mobile", "full_name_ar", "full_name_en")
        password_similarity_check(password, **{name: self.cleaned_data.get(name, "") for name in fields})
        return password

    def clean(self):
        signup_throttle(allauth_context.request)
        cleaned = super().clean()
        if cleaned.get("citizenship") == "other":
            cleaned["national_id"] = ""
            for field, check in (
                ("personal_number", identity.personal_number_normalise),
                ("nationality", identity.nationality_clean),
            ):
                self._clean_required(field, check)
        else:
            cleaned["personal_number"] = cleaned["nationality"] = ""
            self._clean_required("national_id", identity.national_id_normalise)
        taken = identity_taken_errors(
            national_id=cleaned.get("national_id", ""),
            personal_number=cleaned.get("personal_number", ""),
            mobile=cleaned.get("mobile", ""),
        )
        for field, error in taken.items():
            self.add_error(field, error)
        if not self.errors:
            # A code is about to go to this phone: counted like every code, per E.164 number.
            code_send_throttle(allauth_context.request, mobile=cleaned["mobile"])
        return cleaned

    def _clean_required(self, field: str, check) -> None:
        value = self.cleaned_data.get(field, "")
        if not value:
            self.add_error(field, ValidationError(_("This field is required."), code="required"))
            return
        try:
            self.cleaned_data[field] = check(value)
        except ValidationError as error:
            self.add_error(field, error)

    def try_save(self, request):
        try:
            return super().try_save(request)
        except ValidationError as error:
            # A concurrent sign-up took the same number after our checks: show it like any other error.
            for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                self.add_error(field if field in self.fields else None, errors)
            return None, render(request, "account/signup.html", {"form": self})


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("National number or mobile number"),
            max_length=40,
            help_text=_("Non-Jordanians: your personal number."),
            widget=_ltr(autocomplete="username"),
        )
        # allauth links the password field to its e-mail reset; the page offers the SMS reset first.
        self.fields["password"].help_text = ""
        self.order_fields(["login", "password", "remember"])

    def user_credentials(self) -> dict:
        # Always "username": accounts.backends.IdentifierBackend works out which number it is, and
        # django-axes counts failures under the same key.
        return {"username": self.cleaned_data["login"], "password": self.cleaned_data.get("password", "")}


class VerifyCodeForm(forms.Form):
    code = code_field()


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("New mobile number"),
        max_length=20,
        help_text=_("A Jordanian mobile, e.g. 0791234567. We send a code to it before it replaces the old one."),
        widget=_ltr(inputmode="tel", autocomplete="tel"),
    )

    def clean_mobile(self):
        return mobile_normalise(self.cleaned_data["mobile"])


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("National number or mobile number"),
        max_length=40,
        help_text=_("Non-Jordanians: your personal number. We send a code to the account's mobile."),
        widget=_ltr(autocomplete="username"),
    )


class PasswordResetCodeForm(forms.Form):
    code = code_field()
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            try:
                validate_password(password1, user=self.user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name_ar", "full_name_en", "language"]
        labels = {"language": _("Language of SMS messages and of the portal")}
        widgets = {
            "full_name_ar": forms.TextInput(attrs={"autocomplete": "name", "dir": "rtl", "lang": "ar"}),
            "full_name_en": forms.TextInput(attrs={"autocomplete": "name", "dir": "ltr", "lang": "en"}),
        }

    def clean_full_name_ar(self):
        return identity.name_ar_clean(self.cleaned_data["full_name_ar"])

    def clean_full_name_en(self):
        return identity.name_en_clean(self.cleaned_data["full_name_en"])


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "establishment_number", "name_ar", "name_en", "phone"]
        help_texts = {
            "establishment_number": _("Digits only, as on the registration certificate."),
            "phone": _("A Jordanian landline or mobile, e.g. 065001234."),
        }
        widgets = {
            "establishment_number": _ltr(inputmode="numeric"),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "phone": _ltr(inputmode="tel", autocomplete="tel"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        if self.instance.pk:
            # The establishment number and kind identify the organisation: changed by staff only.
            del self.fields["establishment_number"]
            del self.fields["kind"]

    def clean_establishment_number(self):
        return identity.establishment_number_normalise(self.cleaned_data["establishment_number"])

    def clean_name_ar(self):
        return identity.organisation_name_ar_clean(self.cleaned_data["name_ar"])

    def clean_phone(self):
        return phone_normalise(self.cleaned_data["phone"])

    def validate_unique(self):
        # accounts.organisations.organisation_create reports a taken establishment number with our own message.
        pass


class InvitationForm(forms.Form):
    identifier = forms.CharField(
        label=_("National number or mobile number of the person"),
        max_length=40,
        help_text=_("The person must already have an account on the portal."),
        widget=_ltr(),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args, roles: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].choices = [(v, label) for v, label in Membership.Role.choices if v in roles]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
