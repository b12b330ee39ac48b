"""django-allauth glue: our sign-up fields, our messages, and where people go next."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
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

    def post_login(self, request, user, **kwargs):
        """Signing in brings the person's language preference (profile) to a browser that has none.

        A language chosen in this browser (the header switch, e.g. on the sign-in page) wins: the
        person just asked for it.
        """
        chosen_here = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if not chosen_here and user.language in User.Language.values:
            # Before allauth adds "Signed in as …": the message is made in the language of the page it shows on.
            translation.activate(user.language)
        response = super().post_login(request, user, **kwargs)
        if not chosen_here:
            language_apply(response, user.language)
        return response

    def get_reauthentication_methods(self, user):
        """How a person proves it is them again before a change of mobile or e-mail (issue 17); the first is
        where allauth sends them (accounts.views.mobile_change, ACCOUNT_REAUTHENTICATION_REQUIRED).

        Today: the password (/accounts/reauthenticate/). Hook for Sanad: put first an entry whose ``url``
        starts a Sanad sign-in with ``prompt=login`` (``max_age=0``), and when it comes back for the same
        person record ``allauth.account.internal.flows.login.record_authentication(request, user,
        method="socialaccount", reauthenticated=True)``, which is what ``reauthentication_required`` looks
        for. Until then beware: allauth treats a person with no usable password as freshly reauthenticated.
        """
        return super().get_reauthentication_methods(user)


def language_apply(response, language: str) -> None:
    """Make ``language`` the portal's language for this browser, the way the header switch does."""
    if language not in User.Language.values:
        return
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
