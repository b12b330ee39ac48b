from allauth.account.views import EmailView, PasswordSetView
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.reauth import passwordless_reauthentication_required
from portal import metrics, mfa, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.healthz, name="healthz-ready"),
    path("healthz/live", views.healthz_live, name="healthz-live"),
    # Prometheus, for a token or an allowed address only (a 404 for anyone else): portal.metrics.
    path("metrics", metrics.metrics, name="metrics"),
    # Browsers ask for /favicon.ico whatever the page says: the portal's icon, not a 404 in every log.
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", views.language_switch, name="set_language"),
    # Before the admin's own URLs: the second-factor page lives under /admin/ (portal.mfa).
    path("admin/mfa/", mfa.mfa, name="portal-mfa"),
    path("admin/", admin.site.urls),
    # Before allauth's own: setting a first password or changing the e-mail of an account with no password
    # (made by a Sanad sign-in) needs a fresh Sanad sign-in, as everything else needs the password.
    path(
        "accounts/password/set/",
        passwordless_reauthentication_required(PasswordSetView.as_view()),
        name="account_set_password",
    ),
    path("accounts/email/", passwordless_reauthentication_required(EmailView.as_view()), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("services.urls")),
    path("payments/", include("payments.urls")),
    path("violations/", include("violations.urls")),
    path("accidents/", include("accidents.urls")),
    path("contractors/", include("contractors.urls")),
    path("licensing/", include("licensing.urls")),
    path("api/v1/", include("api.urls")),
    path("performance/", include("performance.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

if settings.DEBUG:  # pragma: no cover
    pass
