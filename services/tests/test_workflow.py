from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from notifications.models import Notification
from services import reference as refs
from services import workflow as wf
from services.models import Application, ApplicationEvent, LifecycleError
from services.tests.demo_workflow import KIND, DemoStatus, DemoWorkflow
from services.tests.factories_applications import DemoApplicationFactory
from services.workflow import CLEAR, Deadline, TransitionError, application_create, application_transition

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(timezone.datetime(2026, 3, 1, 10, 0))


# --- reference numbers ------------------------------------------------------------------


def test_reference_is_readable_and_carries_a_valid_check_character():
    reference = refs.reference_new(prefix="AC")
    assert len(reference) == len("AC-7KQ4-M9")
    assert reference.startswith("AC-") and reference[7] == "-"
    assert set(reference[3:].replace("-", "")) <= set(refs.ALPHABET)
    assert refs.reference_is_valid(reference)


def test_reference_check_character_catches_any_single_wrong_character_and_neighbour_swaps():
    for _attempt in range(200):
        reference = refs.reference_new(prefix="VI")
        compact = reference.replace("-", "")
        for i in range(2, len(compact)):
            for c in refs.ALPHABET:
                if c != compact[i]:
                    typo = compact[:i] + c + compact[i + 1 :]
                    assert not refs.reference_is_valid(typo), typo
        for i in range(len(compact) - 1):
            if compact[i] != compact[i + 1] and i >= 2:
                swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
                assert not refs.reference_is_valid(swapped), swapped


def test_reference_is_read_back_in_any_case_and_spacing():
    reference = refs.reference_new(prefix="LI")
    spoken = " " + reference.lower().replace("-", " ") + " "
    assert refs.reference_normalise(spoken) == reference
    assert refs.reference_is_valid(spoken)
    assert not refs.reference_is_valid("LI-0000-00")
    assert not refs.reference_is_valid("")


def test_references_are_not_sequential():
    references = sorted(refs.reference_new(prefix="AC") for _ in range(50))
    assert len(set(references)) == 50
    bodies = [int(r.replace("-", "")[2:7], 36) for r in references]
    gaps = {b - a for a, b in zip(bodies, bodies[1:], strict=False)}
    assert len(gaps) > 10


def test_a_reference_prefix_must_be_two_capital_letters():
    with pytest.raises(ValueError, match="two capital letters"):
        refs.reference_new(prefix="A1")


# --- creation ---------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_create_gives_a_fresh_reference_and_a_first_event(demo_workflow, user):
    application = application_create(
        model=Application,
        kind=KIND,
        applicant=user,
        organisation=None,
        service_slug=None,
        status=DemoStatus.SUBMITTED,
        public_note="Received",
    )
    assert refs.reference_is_valid(application.reference)
    assert application.reference.startswith("DM-")
    assert application.submitted_at == NOW
    assert application.closed_at is None
    (event,) = application.events.all()
    assert (event.from_status, event.to_status) == ("", DemoStatus.SUBMITTED)
    assert (event.actor, event.actor_kind, event.public_note) == (user, "citizen", "Received")
    assert event.created_at == NOW


def test_a_draft_is_not_submitted_until_it_leaves_the_draft_statuses(demo_workflow, user):
    application = DemoApplicationFactory(draft=True, applicant=user)
    assert application.submitted_at is None
    application_transition(application=application, to_status=DemoStatus.SUBMITTED, actor=user)
    application.refresh_from_db()
    assert application.submitted_at is not None


def test_create_retries_when_the_random_reference_is_already_taken(demo_workflow, user, monkeypatch):
    taken = DemoApplicationFactory(applicant=user).reference
    fresh = refs.reference_new(prefix="DM")
    drawn = iter([taken, taken, fresh])
    monkeypatch.setattr(refs, "reference_new", lambda *, prefix: next(drawn))
    with transaction.atomic():
        application = DemoApplicationFactory(applicant=user)
        # The clash was rolled back to a savepoint: the surrounding transaction is still usable.
        assert Application.objects.count() == 2
    assert application.reference == fresh


def test_create_for_an_organisation_needs_a_membership(demo_workflow, user):
    organisation = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        DemoApplicationFactory(applicant=user, organisation=organisation)
    MembershipFactory(user=user, organisation=organisation)
    application = DemoApplicationFactory(applicant=user, organisation=organisation)
    assert application.organisation == organisation


def test_create_refuses_a_status_the_workflow_does_not_have(demo_workflow, user):
    with pytest.raises(ValueError, match="not a status"):
        DemoApplicationFactory(applicant=user, status="flying")
    assert not Application.objects.exists()


def test_create_without_a_registered_workflow_fails_loudly(user):
    with pytest.raises(LookupError, match="register_workflow"):
        application_create(model=Application, kind="nosuch", applicant=user, service_slug=None, status="submitted")


# --- transitions ------------------------------------------------------------------------


def test_allowed_move_changes_status_and_writes_the_event(demo_workflow, user):
    staff = UserFactory(staff=True)
    application = DemoApplicationFactory(applicant=user)
    event = application_transition(
        application=application,
        to_status=DemoStatus.AWAITING_PAYMENT,
        actor=staff,
        actor_kind="staff",
        reason="Documents complete",
        public_note="Please pay the fees",
        internal_note="Checked by phone",
    )
    assert application.status == DemoStatus.AWAITING_PAYMENT
    assert Application.objects.get(pk=application.pk).status == DemoStatus.AWAITING_PAYMENT
    assert (event.from_status, event.to_status) == (DemoStatus.SUBMITTED, DemoStatus.AWAITING_PAYMENT)
    assert (event.actor, event.actor_kind) == (staff, "staff")
    assert (event.reason, event.public_note, event.internal_note) == (
        "Documents complete",
        "Please pay the fees",
        "Checked by phone",
    )
    assert list(application.events.values_list("to_status", flat=True)) == ["submitted", "awaiting_payment"]


def test_refused_move_raises_a_translated_error_and_changes_nothing(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    with pytest.raises(TransitionError) as caught, translation.override("en"):
        application_transition(application=application, to_status=DemoStatus.APPROVED, actor=user)
    assert str(caught.value) == "An application that is “Submitted” cannot become “Approved”."
    assert (caught.value.from_status, caught.value.to_status) == ("submitted", "approved")
    application.refresh_from_db()
    assert application.status == DemoStatus.SUBMITTED
    assert application.events.count() == 1


def test_the_refusal_reads_in_arabic_for_an_arabic_reader(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    with pytest.raises(TransitionError) as caught, translation.override("ar"):
        application_transition(application=application, to_status=DemoStatus.APPROVED, actor=user)
    assert str(caught.value).startswith("لا يمكن نقل طلب حالته")


def test_a_final_status_cannot_be_left(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    application_transition(application=application, to_status=DemoStatus.REJECTED, actor=user)
    for status in DemoStatus.values:
        with pytest.raises(TransitionError):
            application_transition(application=application, to_status=status, actor=user)


def test_the_move_is_checked_against_the_row_not_a_stale_instance(demo_workflow, user):
    application = DemoApplicationFactory(awaiting_payment=True, applicant=user)
    stale = Application.objects.get(pk=application.pk)
    application_transition(application=application, to_status=DemoStatus.PAID, actor=user)
    # The stale copy still says "awaiting payment", but the row is paid: cancelling is refused.
    with pytest.raises(TransitionError):
        application_transition(application=stale, to_status=DemoStatus.CANCELLED, actor_kind="system")
    assert stale.status == DemoStatus.AWAITING_PAYMENT


def test_expected_status_refuses_a_move_decided_on_an_outdated_read(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    with pytest.raises(TransitionError, match="changed meanwhile"), translation.override("en"):
        application_transition(
            application=application,
            to_status=DemoStatus.REJECTED,
            actor=user,
            expected_status=DemoStatus.PAID,
        )


def test_only_the_system_acts_without_an_actor(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    with pytest.raises(ValueError, match="system"):
        application_transition(application=application, to_status=DemoStatus.REJECTED, actor_kind="staff")
    event = application_transition(application=application, to_status=DemoStatus.REJECTED, actor_kind="system")
    assert event.actor is None


# --- deadlines set by moves -------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_move_sets_the_deadline_and_a_final_move_clears_it_and_closes(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    due = NOW + timedelta(days=3)
    event = application_transition(
        application=application,
        to_status=DemoStatus.AWAITING_PAYMENT,
        actor=user,
        deadline=Deadline(at=due, action=DemoStatus.CANCELLED, reason=_("Not paid within 3 days")),
    )
    application.refresh_from_db()
    assert (application.deadline_at, application.deadline_action) == (due, DemoStatus.CANCELLED)
    # Stored as the msgid, so each reader sees it in their own language.
    assert application.deadline_reason == "Not paid within 3 days"
    assert application.deadline_set_at == NOW
    assert event.deadline_at == due

    application_transition(application=application, to_status=DemoStatus.CANCELLED, actor_kind="system")
    application.refresh_from_db()
    assert application.deadline_at is None and application.deadline_action == ""
    assert application.closed_at == NOW


def test_a_kept_deadline_is_dropped_when_its_action_is_no_longer_allowed(demo_workflow, user):
    application = DemoApplicationFactory(awaiting_payment=True, applicant=user)
    assert application.deadline_at is not None
    application_transition(application=application, to_status=DemoStatus.PAID, actor=user)
    application.refresh_from_db()
    # PAID cannot move to CANCELLED: the old "cancel if unpaid" deadline goes with the move.
    assert application.deadline_at is None


def test_clear_removes_a_deadline_that_would_otherwise_be_kept(demo_workflow, user):
    application = DemoApplicationFactory(draft=True, applicant=user)
    application_transition(
        application=application,
        to_status=DemoStatus.SUBMITTED,
        actor=user,
        deadline=Deadline.after(timedelta(days=1), action=DemoStatus.REJECTED),
    )
    application_transition(application=application, to_status=DemoStatus.AWAITING_PAYMENT, actor=user, deadline=CLEAR)
    application.refresh_from_db()
    assert application.deadline_at is None


def test_a_deadline_must_name_an_allowed_move_and_an_aware_time(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    with pytest.raises(ValueError, match="not an allowed move"):
        application_transition(
            application=application,
            to_status=DemoStatus.AWAITING_PAYMENT,
            actor=user,
            deadline=Deadline.after(timedelta(days=3), action=DemoStatus.APPROVED),
        )
    with pytest.raises(ValueError, match="aware"):
        application_transition(
            application=application,
            to_status=DemoStatus.AWAITING_PAYMENT,
            actor=user,
            deadline=Deadline(at=timezone.datetime(2030, 1, 1), action=DemoStatus.CANCELLED),
        )
    application.refresh_from_db()
    assert application.status == DemoStatus.SUBMITTED


# --- the one door -----------------------------------------------------------------------


def test_saving_a_changed_status_outside_the_workflow_is_refused(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    application.status = DemoStatus.APPROVED
    with pytest.raises(LifecycleError, match="application_transition"):
        application.save()
    with pytest.raises(LifecycleError):
        Application.objects.get(pk=application.pk).save(update_fields=["status"])


def test_a_stale_instance_saved_later_does_not_roll_the_status_back(demo_workflow, user):
    application = DemoApplicationFactory(awaiting_payment=True, applicant=user)
    stale = Application.objects.get(pk=application.pk)
    application_transition(application=application, to_status=DemoStatus.PAID, actor=user)
    stale.save()
    stale.refresh_from_db()
    assert stale.status == DemoStatus.PAID
    assert stale.deadline_at is None


def test_events_are_append_only(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    event = application.events.get()
    event.public_note = "rewritten"
    with pytest.raises(LifecycleError):
        event.save()
    with pytest.raises(LifecycleError):
        event.delete()
    with pytest.raises(LifecycleError):
        ApplicationEvent.objects.filter(pk=event.pk).update(public_note="rewritten")
    with pytest.raises(LifecycleError):
        ApplicationEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_the_database_refuses_to_rewrite_an_event(demo_workflow, user):
    from django.db import DatabaseError

    application = DemoApplicationFactory(applicant=user)
    event_id = application.events.get().pk
    for sql in (
        "UPDATE services_applicationevent SET public_note = 'x' WHERE id = %s",
        "DELETE FROM services_applicationevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event_id])


def test_the_database_refuses_a_half_deadline(demo_workflow, user):
    from django.db import IntegrityError

    application = DemoApplicationFactory(applicant=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(deadline_at=timezone.now())


# --- SMS --------------------------------------------------------------------------------


def test_a_move_with_sms_stores_one_notification_in_the_applicants_language(demo_workflow, settings):
    settings.SMS_BACKEND = "outbox"
    applicant = UserFactory(language="en")
    application = DemoApplicationFactory(applicant=applicant)
    with translation.override("ar"):
        event = application_transition(
            application=application,
            to_status=DemoStatus.AWAITING_PAYMENT,
            actor=applicant,
            sms=(_("Application {reference}: please pay {amount} JOD."), {"amount": "5.000"}),
        )
    notification = Notification.objects.get()
    assert notification.text == f"Application {application.reference}: please pay 5.000 JOD."
    assert notification.recipient == applicant
    assert notification.dedupe_key == f"application:{application.pk}:event:{event.pk}"


def test_no_sms_when_the_move_is_rolled_back(demo_workflow, user):
    application = DemoApplicationFactory(applicant=user)
    with pytest.raises(RuntimeError), transaction.atomic():
        application_transition(
            application=application,
            to_status=DemoStatus.AWAITING_PAYMENT,
            actor=user,
            sms=(_("Application {reference} awaits payment."), {}),
        )
        raise RuntimeError("the caller failed after the move")
    assert not Notification.objects.exists()
    application.refresh_from_db()
    assert application.status == DemoStatus.SUBMITTED


# --- registry ---------------------------------------------------------------------------


def test_register_refuses_an_unsound_workflow():
    class Broken(DemoWorkflow):
        kind = "svcbroken"
        transitions = {DemoStatus.APPROVED: {DemoStatus.SUBMITTED}}

    with pytest.raises(ValueError, match="final statuses"):
        wf.register_workflow(Broken)

    class Unknown(DemoWorkflow):
        kind = "svcunknown"
        transitions = {DemoStatus.SUBMITTED: {"flying"}}

    with pytest.raises(ValueError, match="flying"):
        wf.register_workflow(Unknown)
    assert wf.get_workflow("svcbroken", default=None) is None
