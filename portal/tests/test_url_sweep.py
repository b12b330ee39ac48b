"""Every URL of the portal, swept (issue 11).

The patterns come from the resolver (portal.urls), so a new page is swept the day it is added, and
a test fails until someone says here what it is: public, an object URL (and how to fill it with a
real object), or a page about no one's object.

- Anonymous visitors reach only PUBLIC; every other URL sends them to a sign-in page, or answers
  404/405 (401 for the token API).
- A second person, and a member of another organisation, get 404 on every object URL of the first:
  applications of every service, bills, documents, uploads, organisations, invitations, the API.
- CSRF is enforced on every POST but CSRF_EXEMPT (eFAWATEERcom's two endpoints, the token API).
- Every answer carries the security headers, with a Content Security Policy that allows no inline script.
"""

import re
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

pytestmark = [pytest.mark.django_db, pytest.mark.security]

BASE_DIR = Path(django_settings.BASE_DIR)


# --- the URL patterns ---------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    name: str
    route: str
    params: tuple[str, ...]


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    return list(pattern.regex.groupindex)


def _walk(resolver, prefix="", namespace=None, params=()):
    for entry in resolver.url_patterns:
        here = (*params, *_params(entry.pattern))
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns, here)
        elif isinstance(entry, URLPattern):
            # Unnamed (the admin's old-style "<id>/" redirect): named after its route, built from it.
            base = entry.name or f"unnamed {prefix}{entry.pattern}"
            name = f"{namespace}:{base}" if namespace else base
            yield Route(name=name, route=prefix + str(entry.pattern), params=tuple(dict.fromkeys(here)))


def routes() -> list[Route]:
    seen, found = set(), []
    for route in _walk(get_resolver("portal.urls")):
        if route.name not in seen:  # the token API answers POST and DELETE on one path under two names
            seen.add(route.name)
            found.append(route)
    return found


# Pages anyone may open without signing in (by URL name; admin:login and the sign-in pages included).
PUBLIC = {
    "home",
    "healthz",
    "healthz-ready",
    "healthz-live",
    "favicon",
    "set_language",
    "admin:login",
    "admin:logout",  # signed out already: sent to the admin index, which asks to sign in
    "account_login",
    "account_logout",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "accounts:password-reset-sms",
    "accounts:password-reset-sms-confirm",
    # Sign in with Sanad (accounts.sanad): 404 while Sanad is off; its error pages; allauth's old
    # /accounts/social/… addresses, which only redirect to the new ones.
    "openid_connect_login",
    "openid_connect_callback",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "unnamed accounts/social/login/cancelled/",
    "unnamed accounts/social/login/error/",
    "unnamed accounts/social/signup/",
    "unnamed accounts/social/connections/",
    "services:card",
    "services:verify-start",
    "services:verify",
    "payments:efawateercom-bill-pull",
    "payments:efawateercom-payment-notification",
    # Contractor permit renewal needs no account (seed 003): the permit numbers and the phone prove it.
    "contractors:renew",
    "contractors:lookup",
    "contractors:submit",
    "contractors:challenge",
    "contractors:track",
    "contractors:track-detail",
    "contractors:track-document",
    "contractors:track-receipt",
    "performance:public",
    # The mobile API's public part: its description, sign-in, and what needs no account.
    "api:api-root",
    "api:openapi-json",
    "api:token_create",
    "api:document_verify",
    "api:document_pdf",
    "api:options",
    "api:professions",
    "api:permit_lookup",
    "api:renewal_create",
    "api:renewal_detail",
    "api:renewal_permit_pdf",
}

# POSTs that come from machines with their own authentication, not from a browser session.
CSRF_EXEMPT = {
    "payments:efawateercom-bill-pull",  # signed eFAWATEERcom messages (EFAWATEERCOM.md)
    "payments:efawateercom-payment-notification",
}
CSRF_EXEMPT_PREFIX = "api:"  # bearer tokens, never cookies (api.auth.TokenAuth)

# URLs with a parameter that does not name someone's object (so no owner to hide it from).
NOT_OWNED = {
    "services:card": "a service card is public",
    "services:verify": "anyone may check an issued document's code",
    "api:document_verify": "anyone may check an issued document's code",
    "api:document_pdf": "the verify page's PDF: the code printed on the paper is the proof",
    "performance:dashboard-csv": "staff figures, not anyone's object",
    "account_confirm_email": "a signed e-mail confirmation key",
    "account_reset_password_from_key": "a signed password-reset key",
    "openid_connect_login": "the identity provider's name (sanad), not anyone's object",
    "openid_connect_callback": "the identity provider's name (sanad), not anyone's object",
}

# A value of the right shape for each parameter, used where no real object is needed.
PLACEHOLDER = {
    "pk": 987654,
    "invitation_pk": 987654,
    "membership_pk": 987654,
    "object_id": "987654",
    "id": "987654",
    "which": "sketch",
    "url": "no-such-page/",
    "content_type_id": 1,
    "reference": "AC-ZZZZ-99",
    "billing_number": "99999999999",
    "uuid": uuid.UUID(int=7),
    "code": "ZZZZ-ZZZZ-ZZZZ",
    "slug": "traffic-violations",
    "table": "applications",
    "key": "abc-key",
    "uidb36": "1",
    "app_label": "accounts",
    "device_id": "session-987654",
    "provider_id": "sanad",
}


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def build(route: Route, values: dict | None = None) -> str:
    values = values or {}
    missing = [p for p in route.params if p not in values and p not in PLACEHOLDER]
    assert not missing, f"{route.name}: add a placeholder for {missing} in PLACEHOLDER"
    if " " in route.name:
        route_text = route.route.replace("^", "").replace("$", "")
        return "/" + _CONVERTER.sub(
            lambda m: str(values.get(m.group(1) or m.group(2), PLACEHOLDER[m.group(1) or m.group(2)])), route_text
        )
    return reverse(route.name, kwargs={p: values.get(p, PLACEHOLDER.get(p)) for p in route.params})


def _login_pages():
    return {reverse("account_login"), reverse("admin:login")}


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0] in _login_pages()


# --- a world of objects owned by one person -------------------------------------------------
@pytest.fixture
def no_ratelimit(settings):
    # The sweep sends hundreds of requests from one address; the throttles have their own tests.
    settings.RATELIMIT_ENABLE = False


@dataclass
class World:
    owner: object
    stranger: object
    other_org_member: object
    organisation: object
    objects: dict  # URL name -> the kwargs naming one of the owner's objects
    tokens: dict  # "owner" / "stranger" / "other_org_member" -> raw API token


def _client(user, *, organisation=None) -> Client:
    client = Client()
    client.force_login(user)
    if organisation is not None:
        from accounts.party import SESSION_KEY

        session = client.session
        session[SESSION_KEY] = organisation.pk
        session.save()
    return client


@pytest.fixture
def world(catalogue, no_ratelimit, settings) -> World:
    from accidents.tests.factories import ClaimFactory
    from accidents.workflow import claim_certificate_issue
    from accounts.models import Membership
    from accounts.tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory
    from api.models import ApiToken
    from contractors.tests.factories import RenewalRequestFactory
    from licensing.tests.factories import advance, licence, make_world, slot
    from payments.registry import temporary_bill_handler
    from payments.testing import pay_bill
    from payments.tests.factories import TEST_KIND, BillFactory

    licensing_world = make_world()
    owner = licensing_world.user
    staff = UserFactory(staff=True)
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    colleague = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    invitation_sent = InvitationFactory(organisation=organisation, invited_by=owner)
    invitation_received = InvitationFactory(user=owner)

    claim_choice = ClaimFactory(applicant=owner, staff=staff, awaiting_choice=True)
    claim_letter = ClaimFactory(applicant=owner, staff=staff, awaiting_letter=True)
    claim_pay = ClaimFactory(applicant=owner, staff=staff, paying_personally=True)
    claim_released = ClaimFactory(applicant=owner, staff=staff, released_by_letter=True)
    claim_paid = ClaimFactory(applicant=owner, staff=staff, paying_personally=True)
    pay_bill(claim_paid.bill)
    # Issued after the commit in real life (on_commit never fires inside a test's transaction).
    certificate = claim_certificate_issue(claim_id=claim_released.pk)

    hours = iter(range(8, 16))

    def split(to):
        fresh = replace(licensing_world, licence=licence(holder=owner), slots=[slot(days=4, hour=next(hours))])
        return advance(fresh, staff, to=to)

    split_booking = split("awaiting_booking")
    split_corrections = split("awaiting_corrections")
    split_payment = split("awaiting_payment")
    renewal = RenewalRequestFactory(user=owner)

    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None):
        paid_bill = BillFactory(payer=owner)
        pay_bill(paid_bill)
    organisation_bill = BillFactory(payer=owner, organisation=organisation)

    notice_number = _violations_paid_notice(owner)

    by_reference = {
        "accidents:choose": claim_choice,
        "accidents:letter": claim_letter,
        "accidents:pay": claim_pay,
        "licensing:book": split_booking,
        "licensing:corrections": split_corrections,
        "licensing:pay": split_payment,
        "services:application-detail": claim_choice,
        "performance:rate": claim_released,
        "contractors:track-detail": renewal,
        "contractors:track-document": renewal,
        "contractors:track-receipt": renewal,
        "api:application": claim_choice,
        "api:claim_detail": claim_choice,
        "api:claim_choose": claim_choice,
        "api:claim_letter": claim_letter,
        "api:claim_bill": claim_pay,
        "api:claim_receipt": claim_paid,
        "api:claim_certificate": claim_released,
        "api:split_detail": split_booking,
        "api:split_bill": split_payment,
        "api:split_book": split_booking,
        "api:split_corrections": split_corrections,
        "api:split_licence_pdf": split_payment,
        "api:renewal_detail": renewal,
        "api:renewal_permit_pdf": renewal,
    }
    objects = {name: {"reference": app.reference} for name, app in by_reference.items()}
    org = {"pk": organisation.pk}
    objects.update(
        {
            "accounts:organisation-detail": org,
            "accounts:organisation-edit": org,
            "accounts:organisation-invite": org,
            "accounts:invitation-revoke": {**org, "invitation_pk": invitation_sent.pk},
            "accounts:membership-role": {**org, "membership_pk": colleague.pk},
            "accounts:membership-remove": {**org, "membership_pk": colleague.pk},
            "accounts:invitation-accept": {"invitation_pk": invitation_received.pk},
            "accounts:invitation-decline": {"invitation_pk": invitation_received.pk},
            "services:upload-download": {"uuid": claim_choice.sketch.uuid},
            "services:document-download": {"code": certificate.code},
            "payments:bill-detail": {"billing_number": paid_bill.billing_number},
            "payments:bill-receipt": {"billing_number": paid_bill.billing_number},
            "violations:payment-notice": {"billing_number": notice_number},
            "api:bill": {"billing_number": paid_bill.billing_number},
            "api:bill_receipt": {"billing_number": paid_bill.billing_number},
        }
    )
    stranger = UserFactory()
    other_org_member = MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.OWNER).user
    owner_token, owner_raw = ApiToken.issue(user=owner)
    # "My devices": the owner's app token is one of their devices (issue 17).
    objects.update(
        {
            name: {"device_id": f"app-{owner_token.pk}"}
            for name in ("accounts:device-sign-out", "api:device_detail", "api:device_delete")
        }
    )
    tokens = {
        "owner": owner_raw,
        "stranger": ApiToken.issue(user=stranger)[1],
        "other_org_member": ApiToken.issue(user=other_org_member)[1],
    }
    world = World(owner, stranger, other_org_member, organisation, objects, tokens)
    world.organisation_bill = organisation_bill
    return world


def _violations_paid_notice(owner) -> str:
    """A paid violations bill of the owner's, as the inquiry and eFAWATEERcom make it."""
    from payments.models import Bill
    from payments.testing import pay_bill
    from violations.tests.factories import VehicleFactory, ViolationFactory

    vehicle = VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")
    ViolationFactory(vehicle=vehicle, number="SWEEP-1")
    client = _client(owner)
    response = client.post(
        reverse("violations:inquiry-vehicle"),
        {"plate_code": "10", "plate_number": "79210", "registration_number": "7702154"},
    )
    assert response.status_code == 200 and "statement" in response.context  # answered with the statement
    number = client.get(reverse("violations:statement")).context["statement"].bills.all
    pay_bill(Bill.objects.get(billing_number=number))
    return number


# --- (a) anonymous visitors ------------------------------------------------------------------
def test_every_url_name_is_known_to_the_sweep():
    names = {route.name for route in routes()}
    assert len(names) > 300  # the admin's pages included: the resolver really was walked
    assert names >= PUBLIC, f"PUBLIC names no URL: {sorted(PUBLIC - names)}"
    assert names >= CSRF_EXEMPT


def test_anonymous_visitors_reach_only_the_public_pages(world):
    client = Client()
    wrong = []
    for route in routes():
        url = build(route, world.objects.get(route.name))
        response = client.get(url)
        if route.name in PUBLIC:
            if response.status_code >= 500:
                wrong.append((route.name, url, response.status_code, "public page failed"))
            continue
        api_refusal = route.name.startswith("api:") and response.status_code == 401
        if not (_is_login_redirect(response) or response.status_code in (404, 405) or api_refusal):
            wrong.append((route.name, url, response.status_code, response.get("Location", "")))
    assert not wrong, "reachable without signing in:\n" + "\n".join(map(str, wrong))


def test_a_signed_in_citizen_reaches_no_admin_page(user, no_ratelimit):
    client = _client(user)
    wrong = []
    for route in routes():
        if not route.name.startswith("admin:") or route.name in PUBLIC:
            continue
        url = build(route)
        response = client.get(url)
        if not (_is_login_redirect(response) or response.status_code in (404, 405)):
            wrong.append((route.name, url, response.status_code))
    assert not wrong, wrong


# --- (b) someone else's objects --------------------------------------------------------------
def _object_routes() -> list[Route]:
    return [r for r in routes() if r.params and not r.name.startswith("admin:")]


def test_every_object_url_is_swept(world):
    names = {route.name for route in _object_routes()}
    unknown = names - set(world.objects) - set(NOT_OWNED)
    assert not unknown, f"new object URLs: add them to the world fixture (or NOT_OWNED): {sorted(unknown)}"


def _request(client, url: str, *, method: str, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, **headers)
    return client.post(url, data="{}", content_type="application/json", **headers)


def _method(route: Route, client, url: str, token) -> str:
    """GET, unless the page answers only POST (then the view is reached by POST)."""
    return "POST" if _request(client, url, method="GET", token=token).status_code == 405 else "GET"


# The owner's own answer on these is 404 too, because of the state of the world's object; the
# stranger's 404 there proves less, so each is named with why.
OWNER_ALSO_404 = {
    "contractors:track-document": "the renewed permit is issued only after staff approve and the fees are paid",
    "contractors:track-receipt": "the fee's receipt exists only once the fee is paid",
    "api:renewal_permit_pdf": "the renewed permit is issued only after staff approve and the fees are paid",
    "api:split_licence_pdf": "the split licence is issued only after the fees are paid",
}


@pytest.mark.parametrize("who", ["stranger", "other_org_member"])
def test_someone_else_gets_404_on_every_object_url(world, who):
    person = getattr(world, who)
    organisation = person.memberships.first().organisation if who == "other_org_member" else None
    owner_client, other_client = _client(world.owner), _client(person, organisation=organisation)
    wrong = []
    for route in _object_routes():
        if route.name in NOT_OWNED:
            continue
        url = build(route, world.objects[route.name])
        api = route.name.startswith("api:")
        owner_token = world.tokens["owner"] if api else None
        method = _method(route, owner_client, url, owner_token)
        if method == "GET" and route.name not in OWNER_ALSO_404:
            owner_status = _request(owner_client, url, method="GET", token=owner_token).status_code
            if owner_status == 404:
                wrong.append((route.name, url, "the owner gets 404 too: the sweep proves nothing here"))
        response = _request(other_client, url, method=method, token=world.tokens[who] if api else None)
        if response.status_code == 404:
            continue
        if api and method == "POST" and response.status_code == 422:
            # The body is checked before the object is looked up: same answer as for a made-up reference.
            made_up = build(route, {})
            if _request(other_client, made_up, method="POST", token=world.tokens[who]).status_code == 422:
                continue
        wrong.append((route.name, method, url, response.status_code))
    assert not wrong, f"{who} was not answered 404:\n" + "\n".join(map(str, wrong))


def test_an_organisations_bill_is_hidden_from_another_organisation_and_from_strangers(world):
    url = reverse("payments:bill-detail", args=[world.organisation_bill.billing_number])
    assert _client(world.owner, organisation=world.organisation).get(url).status_code == 200
    other = world.other_org_member
    assert _client(other, organisation=other.memberships.first().organisation).get(url).status_code == 404
    assert _client(world.stranger).get(url).status_code == 404


def test_someone_elses_messages_stay_out_of_the_inbox(world):
    from notifications.models import Notification

    texts = list(Notification.objects.filter(recipient=world.owner).values_list("text", flat=True))
    assert texts, "the owner's workflows sent SMS"
    page = _client(world.stranger).get(reverse("services:inbox")).content.decode()
    assert not any(text[:40] in page for text in texts)


# --- (c) CSRF ---------------------------------------------------------------------------------
def test_csrf_is_enforced_on_every_post_but_the_machine_endpoints(user, no_ratelimit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    wrong = []
    for route in routes():
        url = build(route)
        status = client.post(url, {"anything": "1"}).status_code
        exempt = route.name in CSRF_EXEMPT or route.name.startswith(CSRF_EXEMPT_PREFIX)
        if route.name in CSRF_EXEMPT and status == 403:
            wrong.append((route.name, url, status, "eFAWATEERcom cannot send a CSRF token"))
        if not exempt and status != 403:
            wrong.append((route.name, url, status, "accepted a POST without a CSRF token"))
    assert not wrong, "\n".join(map(str, wrong))


def test_csrf_exempt_views_are_exactly_the_allow_list():
    exempt = set()
    for route in routes():
        callback = get_resolver("portal.urls").resolve(build(route)).func
        if getattr(callback, "csrf_exempt", False):
            exempt.add(route.name)
    assert {n for n in exempt if not n.startswith(CSRF_EXEMPT_PREFIX)} == CSRF_EXEMPT


# --- (d) security headers ------------------------------------------------------------------------
def _check_headers(response, *, admin: bool) -> list[str]:
    problems = []
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options={response.get('X-Frame-Options')}")
    if response.get("Referrer-Policy") not in ("same-origin", "strict-origin-when-cross-origin", "no-referrer"):
        problems.append("Referrer-Policy")
    csp = response.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or "*" in scripts:
        problems.append(f"CSP={csp!r}")
    if "frame-ancestors" not in directives and "sandbox" not in directives:
        problems.append("CSP frame-ancestors")
    styles = directives.get("style-src", directives.get("default-src", []))
    if not admin and "'unsafe-inline'" in styles:
        problems.append("inline styles allowed outside the admin")
    return problems


def test_every_page_carries_the_security_headers(world):
    wrong = []
    clients = {
        "anonymous": (Client(), None),
        "owner": (_client(world.owner), world.tokens["owner"]),
    }
    for who, (client, token) in clients.items():
        for route in routes():
            url = build(route, world.objects.get(route.name))
            response = _request(client, url, method="GET", token=token if route.name.startswith("api:") else None)
            problems = _check_headers(response, admin=route.name.startswith("admin:") or url.startswith("/admin/"))
            if problems:
                wrong.append((who, route.name, url, response.status_code, problems))
    assert not wrong, "\n".join(map(str, wrong))


def test_hsts_is_sent_over_https_in_production(client, settings):
    # The values production settings give (portal/tests/test_settings.py checks they are really set).
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_production_settings_turn_on_hsts_and_secure_cookies():
    import os
    import secrets
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "DATABASE"))}
    env.update(DEBUG="False", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="portal.example")
    code = (
        "import portal.settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.STAFF_MFA_REQUIRED)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True"], result.stderr


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
_SKIP = {".venv", "node_modules", "staticfiles", "var", "test-artifacts"}


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in BASE_DIR.rglob("*.html"):
        if _SKIP & set(path.relative_to(BASE_DIR).parts):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (_INLINE_SCRIPT, _HANDLER):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(BASE_DIR)}:{line}: {match.group(0)[:60]}")
    assert not found, "inline scripts are refused by the CSP; move them to static JS:\n" + "\n".join(found)
