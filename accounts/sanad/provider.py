"""allauth's OpenID Connect provider with a nonce and a checked ID token signature (see the package)."""

from __future__ import annotations

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthAction
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.utils.crypto import constant_time_compare, get_random_string

from accounts.sanad import PROVIDER_ID, sanad_enabled

NONCE_SESSION_KEY = "accounts.sanad_nonce"


def sanad_app() -> SocialApp | None:
    """The Sanad client, built from the settings (never stored in the database)."""
    if not sanad_enabled():
        return None
    return SocialApp(
        provider=OpenIDConnectProvider.id,
        provider_id=PROVIDER_ID,
        name=settings.SANAD_BUTTON_LABEL,
        client_id=settings.SANAD_CLIENT_ID,
        secret=settings.SANAD_CLIENT_SECRET,
        settings={
            "server_url": settings.SANAD_ISSUER_URL,
            "oauth_pkce_enabled": True,
            "scope": ["openid", "profile", settings.SANAD_ID_CLAIM],
        },
    )


class SanadOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("Sanad answered without an ID token")
        data = {"id_token": self._decode_id_token(app, id_token)}
        if app.settings.get("fetch_userinfo", True):
            userinfo = self._fetch_user_info(token.token)
            if str(userinfo.get("sub")) != str(data["id_token"].get("sub")):
                raise OAuth2Error("userinfo is about another subject than the ID token")
            data["userinfo"] = userinfo
        return self.get_provider().sociallogin_from_response(request, data)

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        # allauth passes verify_signature=False for a token from the token endpoint: we never do.
        claims = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        expected = self.request.session.pop(NONCE_SESSION_KEY, "")
        if not expected or not constant_time_compare(str(claims.get("nonce", "")), expected):
            raise OAuth2Error("the ID token does not carry the nonce of this sign-in")
        return claims


class SanadProvider(OpenIDConnectProvider):
    """Registered in place of allauth's class (settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]).

    Its URLs come from this package's ``urls.py`` (allauth imports ``<package>.urls``).
    """

    oauth2_adapter_class = SanadOAuth2Adapter

    def get_auth_params_from_request(self, request, action):
        params = super().get_auth_params_from_request(request, action)
        if action == AuthAction.REAUTHENTICATE:
            # "Prove it is you again" (allauth's reauthentication): Sanad must ask, not reuse its session.
            params.update(prompt="login", max_age="0")
        return params

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(43)
        request.session[NONCE_SESSION_KEY] = nonce
        auth_params = kwargs.pop("auth_params", None)
        auth_params = dict(self.get_auth_params() if auth_params is None else auth_params)
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, **kwargs)
