"""What a Sanad sign-in does: the proven number decides the account (accounts.proof), never an e-mail."""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from accounts import proof
from accounts.models import IdentitySource
from accounts.sanad.provider import sanad_app


class SanadAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """Sanad is the only provider, configured from the settings (README "Sign in with Sanad")."""
        app = sanad_app()
        if app is None or provider not in (None, app.provider, app.provider_id):
            return []
        if client_id and client_id != app.client_id:
            return []
        return [app]

    def pre_social_login(self, request, sociallogin):
        """Prove the number for the right account before allauth signs anyone in.

        Already linked: that account. Connecting from the profile: the signed-in account. Otherwise
        the account holding the number if its number is verified, else a new account (the number
        moves to it from an unverified claimant: accounts.proof.identity_prove).
        """
        claims = claims_of(sociallogin)
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if connecting and sociallogin.is_existing and sociallogin.user.pk != request.user.pk:
            return  # linked to another account: allauth refuses the connection ("connected_other")
        try:
            proven = proof.identity_prove(
                number=str(claims.get(settings.SANAD_ID_CLAIM) or ""),
                source=IdentitySource.SANAD,
                subject=str(sociallogin.account.uid),
                full_name_ar=name_of(claims, "ar"),
                full_name_en=name_of(claims, "en"),
                nationality=str(claims.get("nationality") or ""),
                linked_user=sociallogin.user if sociallogin.is_existing else None,
                signed_in_user=request.user if connecting and request.user.is_authenticated else None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            raise ImmediateHttpResponse(redirect("accounts:profile" if connecting else "account_login")) from None
        if connecting:
            # allauth saves request.user whole when it links the identity: give it the proof first.
            request.user.refresh_from_db()
        elif sociallogin.is_existing:
            sociallogin.user.refresh_from_db()
        else:
            sociallogin.connect(request, proven)

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("accounts:profile")

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # pre_social_login has already found or made the account; allauth's sign-up form never shows.
        return True


def claims_of(sociallogin) -> dict:
    """The ID token's claims (signature checked), completed by userinfo (same subject, checked)."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}


def name_of(claims: dict, language: str) -> str:
    """The person's full name in ``language`` ("ar" or "en") from the standard claims, or ""."""
    for key in (f"name#{language}", f"name_{language}"):
        if claims.get(key):
            return str(claims[key])
    name = str(claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")])))
    has_arabic = any("\u0600" <= char <= "\u06ff" for char in name)
    return name if has_arabic == (language == "ar") else ""
