"""django-allauth glue: our sign-up fields, our messages, and where people go next."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.workflow import user_register


def user_display(user) -> str:
    return user.display_name


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # One message whatever went wrong, so the form does not tell who has an account.
        "username_password_mismatch": _("The number or the password is not correct."),
    }

    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        return user_register(
            full_name_ar=data["full_name_ar"],
            full_name_en=data.get("full_name_en", ""),
            national_id=data.get("national_id", ""),
            personal_number=data.get("personal_number", ""),
            nationality=data.get("nationality", ""),
            mobile=data["mobile"],
            email=data.get("email") or "",
            password=data["password1"],
            language=(translation.get_language() or "ar")[:2],
        )

    def get_signup_redirect_url(self, request):
        return reverse("accounts:verify-mobile")
