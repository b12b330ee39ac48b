from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.party import SESSION_KEY
from accounts.tests.factories import MembershipFactory, UserFactory
from services.models import Service
from services.tests.demo_workflow import DemoStatus
from services.tests.factories_applications import DemoApplicationFactory
from services.workflow import Deadline, application_transition

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(timezone.datetime(2026, 3, 1, 10, 0))
LIST_URL = "/my/applications/"


def _login(client, user, organisation=None):
    client.force_login(user)
    if organisation is not None:
        session = client.session
        session[SESSION_KEY] = organisation.pk
        session.save()


@pytest.fixture
def panel_templates(settings):
    test_templates = Path(__file__).resolve().parent / "templates"
    settings.TEMPLATES = [
        {**django_settings.TEMPLATES[0], "DIRS": [*django_settings.TEMPLATES[0]["DIRS"], test_templates]}
    ]


def test_urls_are_the_contracted_ones():
    assert reverse("services:my-applications") == LIST_URL
    assert reverse("services:application-detail", kwargs={"reference": "AC-7KQ4-M9"}) == f"{LIST_URL}AC-7KQ4-M9/"


def test_the_list_needs_a_signed_in_person(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_person_sees_only_their_own_personal_applications(demo_workflow, client, user, other_user):
    mine = DemoApplicationFactory(applicant=user)
    theirs = DemoApplicationFactory(applicant=other_user)
    membership = MembershipFactory(user=user)
    for_org = DemoApplicationFactory(applicant=user, organisation=membership.organisation)
    _login(client, user)
    body = client.get(LIST_URL).content.decode()
    assert mine.reference in body
    assert theirs.reference not in body
    # Acting for themselves, the organisation's applications are not in the list.
    assert for_org.reference not in body


def test_an_organisation_member_sees_every_application_of_the_organisation(demo_workflow, client, user):
    membership = MembershipFactory(user=user)
    colleague = MembershipFactory(organisation=membership.organisation).user
    by_colleague = DemoApplicationFactory(applicant=colleague, organisation=membership.organisation)
    personal = DemoApplicationFactory(applicant=user)
    _login(client, user, membership.organisation)
    body = client.get(LIST_URL).content.decode()
    assert by_colleague.reference in body
    assert personal.reference not in body
    detail = client.get(by_colleague.get_absolute_url())
    assert detail.status_code == 200


def test_a_non_member_gets_404_on_an_organisations_application(demo_workflow, client, user):
    membership = MembershipFactory()
    application = DemoApplicationFactory(applicant=membership.user, organisation=membership.organisation)
    _login(client, user)
    assert client.get(application.get_absolute_url()).status_code == 404


def test_someone_elses_personal_application_is_404(demo_workflow, client, user, other_user):
    application = DemoApplicationFactory(applicant=other_user)
    _login(client, user)
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.get(f"{LIST_URL}XX-2222-22/").status_code == 404


def test_a_member_who_left_loses_access_at_once(demo_workflow, client, user):
    membership = MembershipFactory(user=user)
    application = DemoApplicationFactory(applicant=user, organisation=membership.organisation)
    _login(client, user, membership.organisation)
    assert client.get(application.get_absolute_url()).status_code == 200
    membership.delete()
    assert client.get(application.get_absolute_url()).status_code == 404
    assert application.reference not in client.get(LIST_URL).content.decode()


def test_the_detail_page_accepts_the_reference_as_typed(demo_workflow, client, user):
    application = DemoApplicationFactory(applicant=user)
    _login(client, user)
    typed = application.reference.lower().replace("-", "")
    assert client.get(f"{LIST_URL}{typed}/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_the_list_shows_status_next_action_deadline_and_public_timeline(demo_workflow, client, user):
    staff = UserFactory(staff=True)
    application = DemoApplicationFactory(applicant=user)
    application_transition(
        application=application,
        to_status=DemoStatus.AWAITING_PAYMENT,
        actor=staff,
        actor_kind="staff",
        public_note="Your documents are complete",
        internal_note="Called the applicant's employer",
        deadline=Deadline(at=NOW + timedelta(days=2, hours=3), action=DemoStatus.CANCELLED, reason="Not paid in time"),
    )
    _login(client, user)
    client.cookies["django_language"] = "en"
    body = client.get(LIST_URL).content.decode()
    assert "Awaiting payment" in body
    assert f'href="{application.get_absolute_url()}">Pay the fees</a>' in body
    assert "(2 days and 3 hours left)" in body
    assert "Not paid in time" in body
    assert "Your documents are complete" in body
    assert "Municipality staff" in body
    assert "Called the applicant" not in body


@pytest.mark.parametrize(
    ("left", "arabic"),
    [
        (timedelta(minutes=0), "0 دقيقة"),
        (timedelta(days=1), "يوم واحد"),
        (timedelta(days=2), "يومان"),
        (timedelta(days=3, hours=2), "3 أيام وساعتان"),
        (timedelta(days=11), "11 يوماً"),
        (timedelta(days=100), "100 يوم"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_the_countdown_puts_the_noun_in_the_form_its_arabic_count_takes(demo_workflow, client, user, left, arabic):
    """Django's timeuntil said "متبقٍ 2 يومين": one noun form whatever the number."""
    application = DemoApplicationFactory(applicant=user)
    application_transition(
        application=application,
        to_status=DemoStatus.AWAITING_PAYMENT,
        actor=UserFactory(staff=True),
        actor_kind="staff",
        deadline=Deadline(at=NOW + left, action=DemoStatus.CANCELLED, reason="Not paid in time"),
    )
    _login(client, user)
    body = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f"(الوقت المتبقي: {arabic})" in body


def test_filters_by_service_and_status(demo_workflow, client, user):
    service = Service.objects.create(slug="demo-service", kind="procedure", name_ar="خدمة", name_en="Demo service")
    other_service = Service.objects.create(slug="other-service", kind="procedure", name_ar="أخرى", name_en="Other")
    in_service = DemoApplicationFactory(applicant=user)
    awaiting = DemoApplicationFactory(awaiting_payment=True, applicant=user)
    # The factory creates without a service; the service link is data, set once like on creation.
    type(in_service).objects.filter(pk=in_service.pk).update(service=service)
    type(awaiting).objects.filter(pk=awaiting.pk).update(service=other_service)
    _login(client, user)

    by_service = client.get(LIST_URL, {"service": "demo-service"}).content.decode()
    assert in_service.reference in by_service and awaiting.reference not in by_service
    by_status = client.get(LIST_URL, {"status": DemoStatus.AWAITING_PAYMENT}).content.decode()
    assert awaiting.reference in by_status and in_service.reference not in by_status
    nothing = client.get(LIST_URL, {"service": "demo-service", "status": DemoStatus.AWAITING_PAYMENT})
    assert in_service.reference not in nothing.content.decode()
    assert 'role="status"' in nothing.content.decode()
    # A value that is not among the party's own choices is ignored, not an error.
    unknown = client.get(LIST_URL, {"status": "flying"})
    assert unknown.status_code == 200 and in_service.reference in unknown.content.decode()


def test_the_filter_offers_only_the_partys_own_services_and_statuses(demo_workflow, client, user, other_user):
    DemoApplicationFactory(applicant=user)
    DemoApplicationFactory(awaiting_payment=True, applicant=other_user)
    _login(client, user)
    form = client.get(LIST_URL).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["", DemoStatus.SUBMITTED]


def test_the_detail_page_includes_the_services_panel_when_it_has_one(demo_workflow, client, user, panel_templates):
    application = DemoApplicationFactory(applicant=user)
    _login(client, user)
    body = client.get(application.get_absolute_url()).content.decode()
    assert f"Demo panel for {application.reference} (svcdemo)" in body


def test_the_detail_page_works_without_a_panel(demo_workflow, client, user):
    application = DemoApplicationFactory(applicant=user)
    _login(client, user)
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200
    assert response.context["panel_template"] is None
    assert application.reference in response.content.decode()


@pytest.mark.parametrize("acting_for_organisation", [False, True])
def test_the_list_page_query_count_is_pinned_and_does_not_grow_with_applications(
    demo_workflow, client, user, django_assert_num_queries, acting_for_organisation
):
    membership = MembershipFactory(user=user)
    organisation = membership.organisation if acting_for_organisation else None
    for _n in range(3):
        application = DemoApplicationFactory(awaiting_payment=True, applicant=user, organisation=organisation)
        application_transition(application=application, to_status=DemoStatus.PAID, actor=user)
    _login(client, user, organisation)
    client.get(LIST_URL)  # the header's per-person reads remembered (accounts: devices row, memberships)
    with CaptureQueriesContext(connection) as first:
        client.get(LIST_URL)
    # This page's own reads: filter statuses, filter services, count, the page, the timelines.
    # (The layout's session, user and party queries are the rest; they do not depend on the data.)
    own = [q["sql"] for q in first.captured_queries if '"services_' in q["sql"]]
    assert len(own) == 5, own
    for _n in range(5):
        DemoApplicationFactory(awaiting_payment=True, applicant=user, organisation=organisation)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 8
