from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.party import SESSION_KEY
from accounts.tests.factories import MembershipFactory
from portal.testing import assert_accessible, screenshot
from services.models import Application
from services.tests.demo_workflow import DemoStatus
from services.tests.factories_applications import DemoApplicationFactory
from services.workflow import Deadline, application_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}


def _sign_in(page, user, *, organisation=None, language=None):
    client = Client()
    client.force_login(user)
    if organisation is not None:
        session = client.session
        session[SESSION_KEY] = organisation.pk
        session.save()
    cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    page.context.add_cookies([{**c, "url": page.live_server_url} for c in cookies])


@pytest.fixture
def applications(demo_workflow, catalogue, user, other_user):
    staff = MembershipFactory().user
    awaiting = DemoApplicationFactory(applicant=user)
    application_transition(
        application=awaiting,
        to_status=DemoStatus.AWAITING_PAYMENT,
        actor=staff,
        actor_kind="staff",
        public_note="Your documents are complete.",
        internal_note="Checked with the traffic department.",
        deadline=Deadline(
            at=timezone.now() + timedelta(days=2, hours=5), action=DemoStatus.CANCELLED, reason="Not paid in time"
        ),
    )
    approved = DemoApplicationFactory(applicant=user)
    for status in (DemoStatus.AWAITING_PAYMENT, DemoStatus.PAID, DemoStatus.APPROVED):
        application_transition(application=approved, to_status=status, actor=staff, actor_kind="staff")
    membership = MembershipFactory(user=user)
    for_org = DemoApplicationFactory(applicant=user, organisation=membership.organisation)
    someone_elses = DemoApplicationFactory(applicant=other_user)
    Application.objects.filter(pk=awaiting.pk).update(service=catalogue["accident-claim-release"])
    Application.objects.filter(pk__in=[approved.pk, for_org.pk]).update(service=catalogue["contractor-permit-renewal"])
    return {
        "awaiting": awaiting,
        "approved": approved,
        "for_org": for_org,
        "organisation": membership.organisation,
        "someone_elses": someone_elses,
    }


def test_citizen_follows_their_applications_in_arabic(page, user, applications):
    _sign_in(page, user)
    page.goto(page.live_server_url + "/")
    assert page.locator("a.nav-link", has_text="طلباتي").count() == 1
    page.goto(page.live_server_url + "/my/applications/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "طلباتي"
    cards = page.locator(".my-applications > li")
    assert cards.count() == 2
    assert page.get_by_text(applications["awaiting"].reference).is_visible()
    assert page.get_by_text(applications["approved"].reference).is_visible()
    assert page.get_by_text(applications["for_org"].reference).count() == 0
    assert page.get_by_text(applications["someone_elses"].reference).count() == 0
    awaiting_card = cards.filter(has_text=applications["awaiting"].reference)
    assert "الوقت المتبقي:" in awaiting_card.locator(".application-deadline").inner_text()
    awaiting_card.get_by_text("مراحل الطلب").click()
    assert awaiting_card.get_by_text("Your documents are complete.").is_visible()
    assert page.get_by_text("Checked with the traffic department.").count() == 0
    screenshot(page, "my-applications-ar")
    assert_accessible(page)

    # Filter by status: only the one waiting for payment remains.
    page.get_by_label("الحالة").select_option(DemoStatus.AWAITING_PAYMENT)
    page.get_by_role("button", name="عرض").click()
    page.wait_for_url("**status=awaiting_payment**")
    assert page.locator(".my-applications > li").count() == 1

    # The next action button leads on; the detail page shows the whole public timeline.
    awaiting_card = page.locator(".my-applications > li").first
    # The test workflow's label is a real msgid: another app's catalogue may translate it.
    with translation.override("ar"):
        pay_label = gettext("Pay the fees")
    awaiting_card.get_by_role("link", name=pay_label).click()
    page.wait_for_url(f"**/my/applications/{applications['awaiting'].reference}/")
    assert page.get_by_role("heading", level=1).inner_text() == "كف طلب عن حادث سير"
    assert page.locator(".application-timeline-item").count() == 2
    screenshot(page, "application-detail-ar")
    assert_accessible(page)


def test_an_organisation_member_sees_the_organisations_applications(page, user, applications):
    _sign_in(page, user, organisation=applications["organisation"])
    page.goto(page.live_server_url + "/my/applications/")
    assert page.locator(".my-applications > li").count() == 1
    assert page.get_by_text(applications["for_org"].reference).is_visible()
    response = page.goto(page.live_server_url + applications["someone_elses"].get_absolute_url())
    assert response.status == 404


def test_my_applications_in_english_on_a_desktop(page, user, applications):
    page.set_viewport_size(DESKTOP)
    _sign_in(page, user, language="en")
    page.goto(page.live_server_url + "/my/applications/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", level=1).inner_text() == "My applications"
    assert "left" in page.locator(".application-deadline").inner_text()
    screenshot(page, "my-applications-en-desktop")
    assert_accessible(page)
    page.goto(page.live_server_url + applications["approved"].get_absolute_url())
    assert "Closed on" in page.locator("main").inner_text()
    screenshot(page, "application-detail-en-desktop")
    assert_accessible(page)
