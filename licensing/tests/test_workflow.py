"""The split request's steps, endings and refusals, through the workflow functions (seed 004)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.party import Party
from accounts.tests.factories import MembershipFactory, UserFactory
from licensing.constants import InspectionResult, LicenceStatus, SplitStatus
from licensing.models import DuesEntry, InspectionBooking, ProfessionLicence, SplitApplication
from licensing.selectors import split_bill_to_pay
from licensing.tests import factories as f
from licensing.workflow import (
    split_apply,
    split_approval_record,
    split_cancel,
    split_civil_defence_decide,
    split_corrections_confirm,
    split_fee_set,
    split_inspection_book,
    split_inspection_missed,
    split_inspection_result,
)
from payments.constants import BillStatus, PaymentState
from payments.testing import pay_bill
from services.deadlines import deadlines_sweep
from services.documents import document_find
from services.workflow import TransitionError, application_create

pytestmark = pytest.mark.django_db
S = SplitStatus


# --- apply and accept ---------------------------------------------------------------------------


def test_a_request_without_dues_is_accepted_at_once_with_an_sms_and_the_standard_time(world, sms):
    application = split_apply(party=world.party, data=f.data(world))

    assert application.status == S.AWAITING_BOOKING
    assert application.reference.startswith("PL")
    assert application.accepted_at is not None
    assert application.due_by > timezone.localdate()
    assert application.open_licence_key == world.licence.number
    texts = sms(application)
    assert len(texts) == 1
    assert application.reference in texts[0]
    statuses = list(application.events.values_list("to_status", flat=True))
    assert statuses == [S.SUBMITTED, S.AWAITING_BOOKING]


def test_an_owner_with_dues_pays_them_first_and_the_payment_accepts_the_request(world, sms):
    entries = f.dues(user=world.user, deed="TD-9-900")
    application = split_apply(
        party=world.party,
        data=f.data(
            world, deed_reference="td-9-900", profession=world.restaurant, construction_certificate_reference="CL-77"
        ),
    )

    assert application.status == S.AWAITING_DUES
    assert application.dues_amount == Decimal("110.500")
    bill = application.dues_bill
    assert bill.amount == Decimal("110.500")
    assert bill.lines.count() == 2
    assert bill.service_type == "PropertyDues"
    assert application.deadline_at is not None
    assert bill.billing_number in sms(application)[0]
    with pytest.raises(TransitionError):
        split_approval_record(application=application, body=world.health, approved=True, actor=UserFactory())

    payment = pay_bill(bill)

    assert payment.state == PaymentState.APPLIED
    application.refresh_from_db()
    assert application.status == S.EXTERNAL_APPROVALS
    assert application.deadline_at is None
    assert all(e.paid_at is not None for e in DuesEntry.objects.filter(pk__in=[e.pk for e in entries]))
    last = sms(application)[-1]
    assert application.reference in last and "وزارة الصحة" in last


def test_dues_on_someone_elses_property_are_not_asked_for(world):
    other = UserFactory()
    f.dues(user=other, deed="TD-1-100")
    application = split_apply(party=world.party, data=f.data(world, deed_reference="TD-1-100"))
    assert application.status == S.AWAITING_BOOKING
    assert application.dues_bill is None


def test_an_organisation_member_splits_the_organisations_licence(world):
    membership = MembershipFactory()
    licence = f.licence(organisation=membership.organisation)
    party = Party(user=membership.user, organisation=membership.organisation)
    application = split_apply(party=party, data=f.data(world, licence_number=licence.number))
    assert application.organisation == membership.organisation
    # The same person acting for themselves does not hold it.
    with pytest.raises(ValidationError) as exc:
        split_apply(party=Party(user=membership.user), data=f.data(world, licence_number=licence.number))
    assert "licence_number" in exc.value.error_dict


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"status": LicenceStatus.EXPIRED}, "not_active", "لا تجزأ إلا رخصة فعالة"),
        ({"status": LicenceStatus.SUSPENDED}, "not_active", "لا تجزأ إلا رخصة فعالة"),
        ({"renewed_year": 2020}, "not_renewed", "جددها لسنة"),
    ],
)
def test_a_licence_not_in_force_is_refused(world, change, code, words):
    ProfessionLicence.objects.filter(pk=world.licence.pk).update(**change)
    with pytest.raises(ValidationError) as exc:
        split_apply(party=world.party, data=f.data(world))
    error = exc.value.error_dict["licence_number"][0]
    assert error.code == code
    assert words in error.messages[0]
    assert not SplitApplication.objects.exists()


def test_someone_elses_licence_is_refused_like_an_unknown_number(world):
    others = f.licence()
    with pytest.raises(ValidationError) as exc_other:
        split_apply(party=world.party, data=f.data(world, licence_number=others.number))
    with pytest.raises(ValidationError) as exc_unknown:
        split_apply(party=world.party, data=f.data(world, licence_number="PL-NOPE"))
    assert exc_other.value.messages == exc_unknown.value.messages
    assert not SplitApplication.objects.exists()


def test_a_licence_already_being_split_is_refused(world):
    split_apply(party=world.party, data=f.data(world))
    with pytest.raises(ValidationError) as exc:
        split_apply(party=world.party, data=f.data(world))
    assert exc.value.error_dict["licence_number"][0].code == "already_splitting"
    assert SplitApplication.objects.count() == 1


def test_the_database_allows_one_open_split_per_licence(world):
    split_apply(party=world.party, data=f.data(world))
    with pytest.raises(IntegrityError), transaction.atomic():
        application_create(
            model=SplitApplication,
            applicant=world.user,
            service_slug=None,
            status=S.SUBMITTED,
            licence=world.licence,
            open_licence_key=world.licence.number,
            deed_reference="X",
            profession=world.plain,
            trade_name="x",
            area_m2=Decimal("1"),
        )


def test_a_missing_construction_certificate_is_refused_when_the_profession_needs_one(world):
    with pytest.raises(ValidationError) as exc:
        split_apply(party=world.party, data=f.data(world, profession=world.restaurant))
    assert "construction_certificate_reference" in exc.value.error_dict
    assert not SplitApplication.objects.exists()


def test_the_part_split_off_must_be_smaller_than_the_licence(world):
    with pytest.raises(ValidationError) as exc:
        split_apply(party=world.party, data=f.data(world, area_m2=Decimal("200")))
    assert "area_m2" in exc.value.error_dict


def test_fees_cannot_be_paid_before_approval(world, staff):
    application = f.advance(world, staff, to="civil_defence")
    with pytest.raises(TransitionError) as exc:
        split_bill_to_pay(application=application)
    assert "بعد الموافقة على الطلب" in str(exc.value)
    assert application.fees_bill is None


# --- approvals -----------------------------------------------------------------------------------


def test_an_external_refusal_ends_the_request_with_an_sms_and_frees_the_licence(world, staff, sms):
    application = split_apply(
        party=world.party, data=f.data(world, profession=world.restaurant, construction_certificate_reference="C1")
    )
    assert application.status == S.EXTERNAL_APPROVALS
    with pytest.raises(ValidationError):
        split_approval_record(application=application, body=world.health, approved=False, actor=staff)

    split_approval_record(
        application=application, body=world.health, approved=False, reason="المطبخ غير مطابق", actor=staff
    )

    application.refresh_from_db()
    assert application.status == S.REFUSED
    assert application.closed_at is not None
    assert application.open_licence_key is None
    assert "المطبخ غير مطابق" in sms(application)[-1]
    # The licence can be split again.
    assert split_apply(party=world.party, data=f.data(world)).status == S.AWAITING_BOOKING


def test_the_last_approval_opens_the_inspection_booking(world, staff, sms):
    second = f.body()
    world.restaurant.approvals.add(second)
    application = split_apply(
        party=world.party, data=f.data(world, profession=world.restaurant, construction_certificate_reference="C1")
    )
    split_approval_record(application=application, body=world.health, approved=True, actor=staff)
    application.refresh_from_db()
    assert application.status == S.EXTERNAL_APPROVALS
    split_approval_record(application=application, body=second, approved=True, actor=staff)
    application.refresh_from_db()
    assert application.status == S.AWAITING_BOOKING
    with pytest.raises(TransitionError):
        split_approval_record(application=application, body=second, approved=True, actor=staff)


# --- inspection ----------------------------------------------------------------------------------


def test_booking_a_taken_slot_is_refused(world, staff):
    first = f.advance(world, staff, to="awaiting_booking")
    other_world = f.make_world()
    second = split_apply(party=other_world.party, data=f.data(other_world))
    split_inspection_book(application=first, slot=world.slots[0], actor=world.user, party=world.party)
    with pytest.raises(ValidationError) as exc:
        split_inspection_book(application=second, slot=world.slots[0], actor=other_world.user, party=other_world.party)
    assert "slot" in exc.value.error_dict
    second.refresh_from_db()
    assert second.status == S.AWAITING_BOOKING


def test_the_database_refuses_a_second_live_booking_of_a_slot(world, staff):
    first = f.advance(world, staff, to="inspection_booked")
    other_world = f.make_world()
    second = split_apply(party=other_world.party, data=f.data(other_world))
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionBooking.objects.create(
            application=second, slot=world.slots[0], visit_at=world.slots[0].starts_at, booked_by=other_world.user
        )
    assert first.bookings.count() == 1


def test_past_and_unpublished_slots_cannot_be_booked_by_the_applicant(world, staff):
    application = f.advance(world, staff, to="awaiting_booking")
    hidden = f.slot(days=4, published=False)
    past = f.slot(days=-1)
    for slot in (hidden, past):
        with pytest.raises(ValidationError):
            split_inspection_book(application=application, slot=slot, actor=world.user, party=world.party)
    # Staff may assign an unpublished slot.
    split_inspection_book(application=application, slot=hidden, actor=staff)
    application.refresh_from_db()
    assert application.status == S.INSPECTION_BOOKED


def test_not_compliant_then_corrections_then_a_new_inspection_that_passes(world, staff, sms):
    application = f.advance(world, staff, to="inspection_booked")
    assert "موعد" in sms(application)[-1] or world.slots[0].starts_at.strftime("%Y") in sms(application)[-1]

    f.visit_begins(application)
    split_inspection_result(application=application, compliant=False, findings="تركيب طفاية حريق", actor=staff)
    application.refresh_from_db()
    assert application.status == S.AWAITING_CORRECTIONS
    assert "تركيب طفاية حريق" in sms(application)[-1]

    with pytest.raises(TransitionError):
        split_inspection_book(application=application, slot=world.slots[1], actor=world.user, party=world.party)
    split_corrections_confirm(application=application, party=world.party, note="تم التركيب")
    application.refresh_from_db()
    assert application.status == S.AWAITING_BOOKING
    split_inspection_book(application=application, slot=world.slots[1], actor=world.user, party=world.party)
    f.visit_begins(application)
    split_inspection_result(application=application, compliant=True, actor=staff)
    application.refresh_from_db()
    assert application.status == S.CIVIL_DEFENCE
    results = list(application.bookings.order_by("pk").values_list("result", flat=True))
    assert results == ["not_compliant", "compliant"]


def test_an_sms_that_embeds_staff_findings_reads_as_one_sentence(world, staff, sms):
    """Issue 18, item 10: a reason ending in "." gave "…المدخل.. ثم" in the SMS."""
    application = f.advance(world, staff, to="inspection_booked")
    f.visit_begins(application)
    split_inspection_result(
        application=application, compliant=False, findings="تركيب طفاية حريق عند المدخل.", actor=staff
    )
    text = sms(application)[-1]
    assert "عند المدخل." in text and ".." not in text and ". ." not in text
    split_corrections_confirm(application=application, party=world.party)
    split_cancel(application=application, reason="طلب مقدم الطلب ذلك.", actor=staff)
    cancelled = sms(application)[-1]
    assert cancelled.endswith("طلب مقدم الطلب ذلك.") and ".." not in cancelled


def test_not_compliant_needs_the_list_of_corrections(world, staff):
    application = f.advance(world, staff, to="inspection_booked")
    f.visit_begins(application)
    with pytest.raises(ValidationError):
        split_inspection_result(application=application, compliant=False, findings=" ", actor=staff)


def test_a_result_cannot_be_recorded_before_the_visit(world, staff, sms):
    """Issue 18, item 2: a split booked for the coming days was marked "not compliant" (then "compliant")
    before the inspector could have come."""
    application = f.advance(world, staff, to="inspection_booked")
    for compliant, findings in ((False, "تركيب طفاية حريق"), (True, "")):
        with pytest.raises(ValidationError) as refused:
            split_inspection_result(application=application, compliant=compliant, findings=findings, actor=staff)
        assert refused.value.code == "visit_not_begun"
    application.refresh_from_db()
    assert application.status == S.INSPECTION_BOOKED
    assert application.bookings.get().result == ""
    # The database refuses it too, whoever writes the row.
    booking = application.bookings.get()
    booking.result, booking.result_at, booking.result_by = "compliant", timezone.now(), staff
    with pytest.raises(IntegrityError), transaction.atomic():
        booking.save()
    with time_machine.travel(world.slots[0].starts_at + timedelta(minutes=5)):
        split_inspection_result(application=application, compliant=True, actor=staff)
    application.refresh_from_db()
    assert application.status == S.CIVIL_DEFENCE


def test_a_missed_visit_is_recorded_after_its_time_and_the_applicant_rebooks(world, staff, sms):
    application = f.advance(world, staff, to="inspection_booked")
    with pytest.raises(ValidationError):
        split_inspection_missed(application=application, actor=staff, note="المحل مغلق")
    f.visit_begins(application)
    split_inspection_missed(application=application, actor=staff, note="المحل مغلق")
    application.refresh_from_db()
    assert application.status == S.AWAITING_BOOKING
    assert application.bookings.get().result == InspectionResult.MISSED
    assert "موعد" in sms(application)[-1] or "appointment" in sms(application)[-1]
    split_inspection_book(application=application, slot=world.slots[1], actor=world.user, party=world.party)
    application.refresh_from_db()
    assert application.status == S.INSPECTION_BOOKED
    assert application.bookings.count() == 2


# --- Civil Defence, fees, licence -------------------------------------------------------------


def test_a_civil_defence_refusal_ends_the_request_with_an_sms(world, staff, sms):
    application = f.advance(world, staff, to="civil_defence")
    split_civil_defence_decide(application=application, approved=False, reason="مخرج الطوارئ مغلق", actor=staff)
    application.refresh_from_db()
    assert application.status == S.REFUSED
    assert "مخرج الطوارئ مغلق" in sms(application)[-1]
    assert "الدفاع المدني" in sms(application)[-1]


def test_fees_from_the_fee_table_are_billed_with_a_deadline(world, staff, sms):
    application = f.advance(world, staff, to="awaiting_payment")
    assert application.status == S.AWAITING_PAYMENT
    assert application.fee_amount == Decimal("45.000")
    assert application.fees_bill.amount == Decimal("45.000")
    assert application.fees_bill.service_type == "ProfessionLicences"
    assert application.deadline_at == application.fees_bill.expires_at
    assert application.fees_bill.billing_number in sms(application)[-1]
    assert split_bill_to_pay(application=application) == application.fees_bill


def test_staff_set_the_fee_when_the_table_has_none(world, staff):
    application = f.advance(world, staff, to="fee_assessment", profession=world.no_fee)
    assert application.status == S.FEE_ASSESSMENT
    with pytest.raises(ValidationError):
        split_fee_set(application=application, amount=Decimal("0"), actor=staff)
    split_fee_set(application=application, amount=Decimal("95.5"), actor=staff)
    application.refresh_from_db()
    assert application.status == S.AWAITING_PAYMENT
    assert application.fees_bill.amount == Decimal("95.500")


def test_paid_fees_issue_the_new_licence_update_the_original_and_text_the_applicant(
    world, staff, sms, django_capture_on_commit_callbacks
):
    application = f.advance(world, staff, to="awaiting_payment")

    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(application.fees_bill)

    application.refresh_from_db()
    assert application.status == S.ISSUED
    assert application.open_licence_key is None
    new = application.new_licence
    assert new.split_from == world.licence
    assert new.holder == world.user
    assert new.area_m2 == Decimal("40")
    assert new.profession == world.plain
    original = ProfessionLicence.objects.get(pk=world.licence.pk)
    assert original.area_m2 == Decimal("160")
    assert new.number in original.notes and application.reference in original.notes
    assert new.number in sms(application)[-1]
    document = new.document
    assert document is not None
    assert document_find(code=document.code) == document
    assert dict(document.summary)["رقم الرخصة"] == new.number


def test_a_payment_for_a_cancelled_request_is_kept_for_finance_staff(world, staff):
    application = f.advance(world, staff, to="awaiting_payment")
    bill = application.fees_bill
    split_cancel(application=application, actor=staff, reason="طلب مقدم الطلب الإلغاء")
    bill.refresh_from_db()
    assert bill.status == BillStatus.CLOSED
    payment = pay_bill(bill)
    assert payment.state == PaymentState.QUEUED
    application.refresh_from_db()
    assert application.status == S.CANCELLED


# --- endings by staff and by deadline -----------------------------------------------------------


def test_staff_cancel_with_a_reason_frees_the_slot(world, staff, sms):
    application = f.advance(world, staff, to="inspection_booked")
    with pytest.raises(ValidationError):
        split_cancel(application=application, actor=staff, reason="")
    split_cancel(application=application, actor=staff, reason="الموقع مغلق")
    application.refresh_from_db()
    assert application.status == S.CANCELLED
    assert "الموقع مغلق" in sms(application)[-1]
    assert application.bookings.get().cancelled_at is not None
    # The slot is free for somebody else.
    other_world = f.make_world()
    other = split_apply(party=other_world.party, data=f.data(other_world))
    split_inspection_book(application=other, slot=world.slots[0], actor=other_world.user, party=other_world.party)
    with pytest.raises(TransitionError):
        split_cancel(application=application, actor=staff, reason="مرة ثانية")


def test_unpaid_fees_cancel_the_request_after_seven_days(world, staff, sms):
    application = f.advance(world, staff, to="awaiting_payment")
    bill = application.fees_bill
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        deadlines_sweep()
    application.refresh_from_db()
    assert application.status == S.CANCELLED
    assert application.open_licence_key is None
    bill.refresh_from_db()
    assert bill.status in (BillStatus.CLOSED, BillStatus.EXPIRED)
    assert application.reference in sms(application)[-1]


def test_unpaid_dues_cancel_the_request_after_thirty_days(world):
    f.dues(user=world.user, deed="TD-5")
    application = split_apply(party=world.party, data=f.data(world, deed_reference="TD-5"))
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        deadlines_sweep()
    application.refresh_from_db()
    assert application.status == S.AWAITING_DUES
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        deadlines_sweep()
    application.refresh_from_db()
    assert application.status == S.CANCELLED
    assert application.dues_bill.status in (BillStatus.CLOSED, BillStatus.EXPIRED)
