"""allauth's OpenID Connect URLs (same paths, same names), served with :class:`SanadOAuth2Adapter`.

allauth's own views build its stock adapter, which neither checks the nonce nor the signature of an
ID token from the token endpoint; these two views are allauth's, given ours.
"""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount import app_settings
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404
from django.urls import include, path

from accounts.sanad.provider import SanadOAuth2Adapter


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(SanadOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(SanadOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


urlpatterns = [
    path(
        f"{app_settings.OPENID_CONNECT_URL_PREFIX}/<str:provider_id>/",
        include(
            [
                path("login/", login, name="openid_connect_login"),
                path("login/callback/", callback, name="openid_connect_callback"),
            ]
        ),
    )
]
