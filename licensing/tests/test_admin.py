"""The staff side: queues with counts, decisions through the workflow, reasons required, the calendar."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.urls import reverse

from accounts.tests.factories import UserFactory
from licensing.constants import SplitStatus
from licensing.models import SplitApplication
from licensing.tests import factories as f
from licensing.workflow import split_apply
from services.models import ApplicationEvent, Service

pytestmark = pytest.mark.django_db
S = SplitStatus


@pytest.fixture
def officer(db):
    user = UserFactory(staff=True)
    # The department's own models, and the working-day calendar it keeps (services.Holiday).
    calendar = Q(content_type__app_label="services", content_type__model="holiday")
    user.user_permissions.set(Permission.objects.filter(Q(content_type__app_label="licensing") | calendar))
    return user


def _decide(key, application):
    return reverse("admin:licensing_splitapplication_decide", args=[application.pk, key])


def test_the_changelist_shows_each_queue_with_its_count(client, officer, world):
    split_apply(party=world.party, data=f.data(world))
    client.force_login(officer)
    response = client.get(reverse("admin:licensing_splitapplication_changelist"))
    assert response.status_code == 200
    queues = dict((key, count) for key, _label, count in response.context["queues"])
    assert queues["booking"] == 1 and queues["approvals"] == 0
    response = client.get(reverse("admin:licensing_splitapplication_changelist") + "?queue=booking")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    late = client.get(reverse("admin:licensing_splitapplication_changelist") + "?standard_time=late")
    assert late.context["cl"].result_count == 0


def test_the_case_file_shows_the_timeline_and_the_possible_decisions(client, officer, world):
    application = split_apply(party=world.party, data=f.data(world))
    client.force_login(officer)
    response = client.get(reverse("admin:licensing_splitapplication_change", args=[application.pk]))
    assert response.status_code == 200
    urls = [url for url, _label, _cancel in response.context["decisions"]]
    assert _decide("assign", application) in urls and _decide("cancel", application) in urls
    assert _decide("inspection", application) not in urls


def test_staff_walk_a_request_through_approval_inspection_civil_defence(client, officer, world):
    application = split_apply(
        party=world.party, data=f.data(world, profession=world.restaurant, construction_certificate_reference="C1")
    )
    client.force_login(officer)
    # A refusal without a reason is refused, and nothing changes.
    response = client.post(_decide("approval", application), {"body": world.health.pk, "decision": "refused"})
    assert response.status_code == 200 and response.context["form"].errors
    client.post(_decide("approval", application), {"body": world.health.pk, "decision": "approved"})
    application.refresh_from_db()
    assert application.status == S.AWAITING_BOOKING
    client.post(_decide("assign", application), {"slot": world.slots[0].pk})
    application.refresh_from_db()
    assert application.status == S.INSPECTION_BOOKED
    # Before the visit the result is refused on the form, and nothing changes.
    response = client.post(_decide("inspection", application), {"result": "compliant"})
    assert response.status_code == 200 and response.context["form"].errors
    f.visit_begins(application)
    client.post(_decide("inspection", application), {"result": "compliant"})
    client.post(_decide("civil_defence", application), {"decision": "approved", "reference": "CD-1"})
    application.refresh_from_db()
    assert application.status == S.AWAITING_PAYMENT
    assert application.civil_defence_reference == "CD-1"
    # A decision not possible now is refused with a message.
    response = client.post(_decide("inspection", application), {"result": "compliant"})
    assert response.status_code == 302


def test_staff_set_a_fee_and_cancel_with_a_reason(client, officer, world, staff):
    application = f.advance(world, staff, to="fee_assessment", profession=world.no_fee)
    client.force_login(officer)
    response = client.post(_decide("fee", application), {"amount": "-1"})
    assert response.context["form"].errors
    client.post(_decide("fee", application), {"amount": "80"})
    application.refresh_from_db()
    assert application.status == S.AWAITING_PAYMENT
    response = client.post(_decide("cancel", application), {"reason": "x"})
    assert response.context["form"].errors
    client.post(_decide("cancel", application), {"reason": "طلب مقدم الطلب"})
    application.refresh_from_db()
    assert application.status == S.CANCELLED


def test_staff_without_the_permission_cannot_decide(client, world):
    application = split_apply(party=world.party, data=f.data(world))
    clerk = UserFactory(staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename="view_splitapplication"))
    client.force_login(clerk)
    assert client.post(_decide("cancel", application), {"reason": "سبب كاف"}).status_code == 403
    assert SplitApplication.objects.get().status == S.AWAITING_BOOKING


def test_bulk_civil_defence_approval_calls_the_workflow(client, officer, world, staff):
    ready = f.advance(world, staff, to="civil_defence")
    other_world = f.make_world()
    waiting = split_apply(party=other_world.party, data=f.data(other_world))
    client.force_login(officer)
    response = client.post(
        reverse("admin:licensing_splitapplication_changelist"),
        {"action": "action_civil_defence_approve", "_selected_action": [ready.pk, waiting.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    waiting.refresh_from_db()
    assert ready.status == S.AWAITING_PAYMENT
    assert waiting.status == S.AWAITING_BOOKING
    assert "تمت موافقة الدفاع المدني على طلب واحد." in response.content.decode()  # not "على 1 طلب/طلبات"


@pytest.mark.parametrize(
    "name",
    [
        "licensing_inspectionslot_changelist",
        "licensing_profession_changelist",
        "licensing_professionlicence_changelist",
        "licensing_duesentry_changelist",
        "services_holiday_changelist",  # the working-day calendar, kept in services
    ],
)
def test_the_registers_and_the_calendar_open(client, officer, world, staff, name):
    f.advance(world, staff, to="inspection_booked")
    client.force_login(officer)
    assert client.get(reverse(f"admin:{name}")).status_code == 200


def test_the_changelist_queries_do_not_grow_with_the_requests(client, officer, django_assert_max_num_queries):
    for _ in range(4):
        world = f.make_world()
        split_apply(party=world.party, data=f.data(world))
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("admin:licensing_splitapplication_changelist")).status_code == 200


def test_the_data_migration_gives_the_department_its_permissions_and_the_card_its_start_page():
    Service.objects.update_or_create(
        slug="profession-licence-splitting",
        defaults={"kind": "procedure", "name_ar": "تجزئة رخصة مهن", "description_ar": "-", "start_url_name": ""},
    )
    migration = importlib.import_module("licensing.migrations.0002_staff_group_and_start_url")
    migration.forwards(apps, None)
    codenames = set(Group.objects.get(name="licensing_staff").permissions.values_list("codename", flat=True))
    assert {"inspect_splitapplication", "civil_defence_splitapplication", "change_duesentry"} <= codenames
    service = Service.objects.get(slug="profession-licence-splitting")
    assert service.start_url_name == "licensing:licences"


def test_the_department_sees_the_timeline_without_a_services_permission(client, officer, world):
    """The officer holds licensing permissions only; the timeline inline must still be on the page."""
    application = split_apply(party=world.party, data=f.data(world))
    client.force_login(officer)
    response = client.get(reverse("admin:licensing_splitapplication_change", args=[application.pk]))
    models = [formset.opts.model for formset in response.context["inline_admin_formsets"]]
    assert ApplicationEvent in models
