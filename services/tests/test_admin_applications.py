import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from services.admin import ApplicationAdminMixin, ApplicationEventInline, transition_action
from services.models import Application
from services.tests.demo_workflow import DemoStatus
from services.tests.factories_applications import DemoApplicationFactory
from services.workflow import application_transition

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/services/application/"


@pytest.fixture
def superuser(db):
    return UserFactory(staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


def test_the_changelist_shows_workflow_labels_and_counts(demo_workflow, staff_client, user):
    DemoApplicationFactory(applicant=user)
    DemoApplicationFactory(applicant=user)
    DemoApplicationFactory(awaiting_payment=True, applicant=user)
    staff_client.cookies["django_language"] = "en"
    body = staff_client.get(CHANGELIST).content.decode()
    assert "Submitted (2)" in body
    assert "Awaiting payment (1)" in body
    assert "Waiting on a deadline (1)" in body


def test_the_status_filter_narrows_the_list(demo_workflow, staff_client, user):
    submitted = DemoApplicationFactory(applicant=user)
    awaiting = DemoApplicationFactory(awaiting_payment=True, applicant=user)
    body = staff_client.get(CHANGELIST, {"status": DemoStatus.AWAITING_PAYMENT}).content.decode()
    assert awaiting.reference in body and submitted.reference not in body


def test_the_changelist_query_count_is_pinned(demo_workflow, staff_client, user, django_assert_num_queries):
    for _n in range(2):
        DemoApplicationFactory(applicant=user)
    staff_client.get(CHANGELIST)  # the per-person reads the cache then remembers (accounts: devices row)
    with CaptureQueriesContext(connection) as first:
        assert staff_client.get(CHANGELIST).status_code == 200
    for _n in range(6):
        DemoApplicationFactory(awaiting_payment=True, applicant=UserFactory())
    with django_assert_num_queries(len(first.captured_queries)):
        staff_client.get(CHANGELIST)


def test_the_change_page_shows_the_full_timeline_with_internal_notes(demo_workflow, staff_client, superuser, user):
    application = DemoApplicationFactory(applicant=user)
    application_transition(
        application=application,
        to_status=DemoStatus.AWAITING_PAYMENT,
        actor=superuser,
        actor_kind="staff",
        internal_note="Called the applicant's employer",
    )
    response = staff_client.get(f"{CHANGELIST}{application.pk}/change/")
    assert response.status_code == 200
    assert "Called the applicant&#x27;s employer" in response.content.decode()


def test_the_admin_form_cannot_change_the_status(demo_workflow, staff_client, user):
    application = DemoApplicationFactory(applicant=user)
    response = staff_client.get(f"{CHANGELIST}{application.pk}/change/")
    assert "status" not in response.context["adminform"].form.fields
    staff_client.post(f"{CHANGELIST}{application.pk}/change/", {"status": DemoStatus.APPROVED})
    application.refresh_from_db()
    assert application.status == DemoStatus.SUBMITTED


def test_events_cannot_be_added_changed_or_deleted_from_the_inline(superuser):
    inline = ApplicationEventInline(Application, admin.site)
    request = RequestFactory().get("/")
    request.user = superuser
    assert not inline.has_add_permission(request)
    assert not inline.has_change_permission(request)
    assert not inline.has_delete_permission(request)


def _admin_request(user):
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_transition_action_moves_through_the_workflow_and_reports_refusals(demo_workflow, superuser, user):
    class DemoAdmin(ApplicationAdminMixin, admin.ModelAdmin):
        pass

    allowed = DemoApplicationFactory(awaiting_payment=True, applicant=user)
    refused = DemoApplicationFactory(applicant=user)
    action = transition_action(DemoStatus.CANCELLED, "Cancel", reason="Requested by the applicant")
    request = _admin_request(superuser)
    action(DemoAdmin(Application, admin.site), request, Application.objects.filter(pk__in=[allowed.pk, refused.pk]))

    allowed.refresh_from_db()
    refused.refresh_from_db()
    assert allowed.status == DemoStatus.CANCELLED
    assert refused.status == DemoStatus.SUBMITTED
    event = allowed.events.last()
    assert (event.actor, event.actor_kind, event.reason) == (superuser, "staff", "Requested by the applicant")
    texts = [str(m) for m in get_messages(request)]
    assert len(texts) == 2
    assert any(refused.reference in text for text in texts)
    assert "حُدِّث طلب واحد." in texts  # not "تم تحديث 1 من الطلبات."
