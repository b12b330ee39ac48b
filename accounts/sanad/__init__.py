"""Sign in with Sanad, Jordan's national digital identity: django-allauth's OpenID Connect provider,
configured from ``SANAD_*`` settings, with what allauth 65 leaves out for a government sign-in.

- **Nonce.** allauth's ``openid_connect`` provider sends none and checks none. :class:`SanadProvider`
  sends a fresh random ``nonce`` with every authorization request (kept in the session, the way
  allauth's own Facebook provider keeps its nonce) and :class:`SanadOAuth2Adapter` refuses an ID token
  that does not carry it back. A replayed or injected ID token fails.
- **ID token signature.** allauth skips the signature of an ID token that came straight from the token
  endpoint (OpenID Connect Core 3.1.3.7 allows it over TLS); we check it against the issuer's JWKS
  anyway, and check that the userinfo answer speaks of the same subject (Core 5.3.2).
- **PKCE** (S256) is allauth's (``OAUTH_PKCE_ENABLED`` in settings).

The provider class (``provider.py``) replaces allauth's through allauth's own ``provider_class``
setting and keeps allauth's URLs (``/accounts/oidc/sanad/login/`` and ``…/login/callback/``, in
``urls.py``: allauth's login and callback views, our adapter). ``adapter.py`` decides what a sign-in
does, through :mod:`accounts.proof`.

What a proven number does to accounts is :mod:`accounts.proof`; this module only reads the claims.
"""

from __future__ import annotations

from django.conf import settings

PROVIDER_ID = "sanad"


def sanad_enabled() -> bool:
    """Whether the portal offers Sanad at all (README "Sign in with Sanad")."""
    return bool(settings.SANAD_ISSUER_URL)
