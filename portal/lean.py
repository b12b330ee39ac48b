"""The lean path: the two eFAWATEERcom biller endpoints past the middleware that serves people (issue 20).

A bill pull or a payment notification is a machine's message, authenticated by its RSA signature
(payments.efawateercom): it has no session, no signed-in user, no language choice, no CSRF token (the
views are exempt), no second factor, no lockout to count, no audit actor other than eFAWATEERcom. The
full stack still did all of that work for it on every request (about a millisecond: the session, the
user, OTP, allauth, axes, the device list, MFA, audit). :class:`BillerLeanPathMiddleware` sits right
after the middleware every answer needs:

- ``RequestIdMiddleware`` (X-Request-ID, the request id in every log line),
- ``RequestMetricsMiddleware`` (latency by view; the lean path sets ``request.resolver_match`` so the
  view is named, not ``<unmatched>``),
- ``SecurityMiddleware`` and ``SecurityHeadersMiddleware`` (nosniff, Referrer-Policy, CSP, ...),

and answers a biller path itself: it resolves the URL, checks that it is one of the two biller views,
calls the view through ``AuditMiddleware`` (the audit trail of a payment's changes keeps its path and
the sender's address, actor "system"; with no user on the request it records nothing else) and
``XFrameOptionsMiddleware``. Nothing else after it runs for those two paths: no session is read or
written, no user loaded, no cookie set. Any other path (readiness,
/metrics, every page) goes down the full stack unchanged. An exception escaping the view is answered
as Django answers one (``handler500``, which uses no request context).
"""

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation

from payments.efawateercom import protocol
from portal.audit import AuditMiddleware

# The paths fixed by the eFAWATEERcom contract, and the views that must answer them.
LEAN_VIEWS = {
    protocol.BILL_PULL_PATH: "payments:efawateercom-bill-pull",
    protocol.PAYMENT_NOTIFICATION_PATH: "payments:efawateercom-payment-notification",
}


class BillerLeanPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.answer = XFrameOptionsMiddleware(AuditMiddleware(convert_exception_to_response(self._answer)))
        self._matches = {}

    def __call__(self, request):
        view_name = LEAN_VIEWS.get(request.path_info)
        if view_name is None:
            return self.get_response(request)
        match = self._resolve(request.path_info)
        if match is None or match.view_name != view_name:
            # Mounted elsewhere (or not at all): the full stack answers, as for any page.
            return self.get_response(request)
        request.resolver_match = match
        return self.answer(request)

    def _resolve(self, path: str):
        """The view of one of the two fixed paths, looked up once per URL configuration (walking every
        pattern of the portal was a tenth of a bill pull, issue 20)."""
        key = (get_urlconf(), path)
        if key not in self._matches:
            try:
                self._matches[key] = resolve(path)
            except Resolver404:
                self._matches[key] = None
        return self._matches[key]

    @staticmethod
    def _answer(request):
        # A gthread worker reuses its threads: the portal's language, whatever the previous request chose.
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)
