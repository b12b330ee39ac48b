"""The card's eleven steps as workflow functions, and every move the card does not allow."""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accidents.constants import ClaimStatus, Department, InsuranceState, PaymentMethod, Unit
from accidents.insurance import InsuranceUnavailableError
from accidents.models import AccidentClaim, ValuationItem
from accidents.tests.factories import (
    DEFAULT_LINES,
    DEFAULT_TOTAL,
    ClaimFactory,
    InsurancePolicyFactory,
    claim_data,
    in_register,
)
from accidents.tests.files import letter_pdf, program_as_png, sketch_png, text_as_pdf
from accidents.workflow import (
    ValuationLine,
    claim_cancel,
    claim_insurance_check,
    claim_letter_decide,
    claim_letter_upload,
    claim_payment_choose,
    claim_submit,
    claim_value,
)
from accounts.party import Party
from accounts.tests.factories import MembershipFactory, UserFactory
from payments.constants import BillStatus, PaymentReason, PaymentState
from payments.models import Bill
from payments.testing import pay_bill
from services.models import ApplicationEvent, Upload
from services.workflow import TransitionError

pytestmark = pytest.mark.django_db
S = ClaimStatus


def _party(claim):
    return Party(user=claim.applicant, organisation=claim.organisation)


def _snapshot(claim):
    claim = AccidentClaim.objects.get(pk=claim.pk)
    return (
        claim.status,
        claim.payment_method,
        claim.bill_id,
        claim.letter_id,
        claim.deadline_at,
        claim.damage_amount,
        ApplicationEvent.objects.filter(application_id=claim.pk).count(),
        Upload.objects.count(),
        Bill.objects.count(),
    )


# --- step 4: submit ------------------------------------------------------------------------------


def test_submit_creates_claim_with_reference_and_texts_it(user, sms):
    claim = claim_submit(party=Party(user=user), data=claim_data(), sketch=sketch_png())
    assert claim.status == S.SUBMITTED
    assert claim.reference.startswith("AC-")
    assert claim.submitted_at is not None
    assert claim.sketch.kind == "accident_sketch" and claim.sketch.content_type == "image/png"
    assert claim.open_report_key == claim.police_report_number
    texts = sms(claim)
    assert len(texts) == 1 and claim.reference in texts[0]


def test_submit_for_an_organisation_belongs_to_it(user):
    membership = MembershipFactory(user=user)
    claim = claim_submit(
        party=Party(user=user, organisation=membership.organisation), data=claim_data(), sketch=sketch_png()
    )
    assert claim.organisation == membership.organisation
    assert claim.sketch.organisation == membership.organisation


def test_submit_refuses_an_accident_date_in_the_future(user):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        claim_submit(party=Party(user=user), data=claim_data(accident_date=tomorrow), sketch=sketch_png())
    assert "accident_date" in exc.value.error_dict
    assert not AccidentClaim.objects.exists() and not Upload.objects.exists()


def test_submit_refuses_a_missing_sketch(user):
    with pytest.raises(ValidationError) as exc:
        claim_submit(party=Party(user=user), data=claim_data(), sketch=None)
    assert "sketch" in exc.value.error_dict
    assert not AccidentClaim.objects.exists()


@pytest.mark.parametrize("bad_file", [text_as_pdf, program_as_png], ids=["text-named-pdf", "program-named-png"])
def test_submit_refuses_a_sketch_that_is_not_a_pdf_or_an_image(user, bad_file):
    with pytest.raises(ValidationError) as exc:
        claim_submit(party=Party(user=user), data=claim_data(), sketch=bad_file())
    assert "sketch" in exc.value.error_dict
    assert not AccidentClaim.objects.exists() and not Upload.objects.exists()


def test_submit_refuses_nothing_declared_as_damaged(user):
    with pytest.raises(ValidationError) as exc:
        claim_submit(party=Party(user=user), data=claim_data(damaged_property=[]), sketch=sketch_png())
    assert "damaged_property" in exc.value.error_dict


def test_second_live_request_for_the_same_police_report_is_refused(user):
    data = claim_data()
    claim_submit(party=Party(user=user), data=data, sketch=sketch_png())
    with pytest.raises(ValidationError) as exc:
        claim_submit(party=Party(user=user), data=data, sketch=sketch_png())
    assert "police_report_number" in exc.value.error_dict
    assert AccidentClaim.objects.count() == 1 and Upload.objects.count() == 1


def test_a_claim_for_a_vehicle_that_is_in_no_register_is_refused_the_same_way_whichever_part_is_wrong(user):
    """Issue 18, item 1: plate 99-12345 with registration 1234567 reached the staff valuation queue."""
    in_register("10", "79210", "7702154")
    answers = []
    for plate_number, registration in (("12345", "1234567"), ("79210", "1234567"), ("12345", "7702154")):
        data = claim_data(plate_code="99" if plate_number == "12345" else "10")
        data = dataclasses.replace(data, plate_number=plate_number, registration_number=registration)
        with pytest.raises(ValidationError) as refused:
            claim_submit(party=Party(user=user), data=data, sketch=sketch_png())
        answers.append(refused.value.message_dict)
    assert answers[0] == answers[1] == answers[2] and list(answers[0]) == ["registration_number"]
    assert not AccidentClaim.objects.exists() and not Upload.objects.exists()


def test_the_police_report_number_is_kept_as_typed_and_compared_normalised(user):
    """Issue 18, item 6: "PR-2026-5512" was changed silently to "PR20265512" everywhere."""
    claim = claim_submit(
        party=Party(user=user), data=claim_data(police_report_number="PR-2026-5512"), sketch=sketch_png()
    )
    assert claim.police_report_number == "PR-2026-5512"
    assert claim.open_report_key == "PR20265512"
    with pytest.raises(ValidationError) as exc:
        claim_submit(party=Party(user=user), data=claim_data(police_report_number="pr2026 5512"), sketch=sketch_png())
    assert "police_report_number" in exc.value.error_dict


def test_a_cancelled_request_frees_its_police_report_for_a_new_one(user, staff):
    data = claim_data()
    first = claim_submit(party=Party(user=user), data=data, sketch=sketch_png())
    claim_cancel(claim=first, actor=staff, reason="الكروكة لا تظهر أي ممتلكات للأمانة")
    second = claim_submit(party=Party(user=user), data=data, sketch=sketch_png())
    assert second.status == S.SUBMITTED
    first.refresh_from_db()
    assert first.open_report_key is None and second.open_report_key == data.police_report_number


# --- step 5: valuation and the insurance check -----------------------------------------------------


def test_valuation_with_expired_insurance_bills_the_damage_for_three_days(staff, sms):
    claim = ClaimFactory()
    before = timezone.now()
    claim = claim_value(claim=claim, lines=DEFAULT_LINES, actor=staff)
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_PAYMENT
    assert claim.damage_amount == DEFAULT_TOTAL and claim.valued_by == staff
    assert claim.insurance_state == InsuranceState.EXPIRED
    items = list(claim.items.all())
    assert [(i.quantity, i.unit_price, i.amount) for i in items] == [
        (Decimal("1.00"), Decimal("350.000"), Decimal("350.000")),
        (Decimal("4.00"), Decimal("12.500"), Decimal("50.000")),
    ]
    bill = claim.bill
    assert bill.kind == "accidents" and bill.service_type == "AccidentDamages" and bill.status == BillStatus.OPEN
    assert bill.amount == DEFAULT_TOTAL
    assert [line.amount for line in bill.lines.all()] == [Decimal("350.000"), Decimal("50.000")]
    assert claim.deadline_action == S.CANCELLED
    assert before + timedelta(days=3) <= claim.deadline_at <= timezone.now() + timedelta(days=3)
    assert bill.expires_at == claim.deadline_at
    assert bill.billing_number in sms(claim)[-1] and "400.000" in sms(claim)[-1]
    # The timeline keeps both steps: valued by staff, then billed by the system's insurance check.
    moves = list(claim.events.values_list("to_status", "actor_kind"))
    assert moves[-2:] == [(S.VALUED, "staff"), (S.AWAITING_PAYMENT, "system")]


def test_valuation_with_active_insurance_asks_the_applicant_to_choose(staff, sms):
    policy = InsurancePolicyFactory()
    claim = ClaimFactory(data=claim_data(registration_number=policy.registration_number))
    claim = claim_value(claim=claim, lines=DEFAULT_LINES, actor=staff)
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_CHOICE
    assert claim.insurance_state == InsuranceState.ACTIVE
    assert claim.insurance_policy_number == policy.policy_number
    assert claim.bill is None and claim.deadline_at is None
    assert "400.000" in sms(claim)[-1]


def test_a_policy_in_force_on_the_accident_date_counts_though_expired_since(staff):
    accident_day = timezone.localdate() - timedelta(days=20)
    policy = InsurancePolicyFactory(
        starts_on=accident_day - timedelta(days=300), ends_on=accident_day + timedelta(days=5)
    )
    claim = ClaimFactory(data=claim_data(registration_number=policy.registration_number, accident_date=accident_day))
    claim = claim_value(claim=claim, lines=DEFAULT_LINES, actor=staff)
    assert claim.status == S.AWAITING_CHOICE


@pytest.mark.parametrize(
    ("quantity", "unit_price"),
    [
        (Decimal("0"), Decimal("10")),
        (Decimal("1"), Decimal("0")),
        (Decimal("-2"), Decimal("10")),
        (Decimal("1"), Decimal("-5")),
    ],
    ids=["zero-quantity", "zero-price", "negative-quantity", "negative-price"],
)
def test_valuation_of_zero_or_less_is_refused_and_changes_nothing(staff, quantity, unit_price):
    claim = ClaimFactory()
    before = _snapshot(claim)
    line = ValuationLine(
        department=Department.ROADS, description="حاجز", quantity=quantity, unit=Unit.METRE, unit_price=unit_price
    )
    with pytest.raises(ValidationError):
        claim_value(claim=claim, lines=[line], actor=staff)
    assert _snapshot(claim) == before
    assert not ValuationItem.objects.exists()


def test_valuation_with_no_items_is_refused(staff):
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        claim_value(claim=claim, lines=[], actor=staff)
    assert AccidentClaim.objects.get(pk=claim.pk).status == S.SUBMITTED


def test_valuing_twice_is_refused(staff):
    claim = ClaimFactory(awaiting_payment=True)
    before = _snapshot(claim)
    with pytest.raises(TransitionError):
        claim_value(claim=claim, lines=DEFAULT_LINES, actor=staff)
    assert _snapshot(claim) == before
    assert claim.items.count() == len(DEFAULT_LINES)


class _DownRegistry:
    def check(self, **kwargs):
        raise InsuranceUnavailableError("insurers' system is down")


def test_an_unavailable_insurance_registry_leaves_the_claim_valued_for_a_later_check(staff, settings):
    settings.ACCIDENTS_INSURANCE_REGISTRY = "accidents.tests.test_workflow._DownRegistry"
    claim = claim_value(claim=ClaimFactory(), lines=DEFAULT_LINES, actor=staff)
    assert AccidentClaim.objects.get(pk=claim.pk).status == S.VALUED
    del settings.ACCIDENTS_INSURANCE_REGISTRY
    claim = claim_insurance_check(claim=claim, actor=staff)
    assert claim.status == S.AWAITING_PAYMENT
    assert claim.events.last().actor == staff


def test_the_insurance_is_checked_only_once(staff):
    claim = ClaimFactory(awaiting_choice=True)
    before = _snapshot(claim)
    with pytest.raises(TransitionError):
        claim_insurance_check(claim=claim, actor=staff)
    assert _snapshot(claim) == before


# --- step 7: the choice ---------------------------------------------------------------------------


def test_choosing_to_pay_personally_bills_for_three_days(sms):
    claim = ClaimFactory(awaiting_choice=True)
    claim = claim_payment_choose(claim=claim, party=_party(claim), method=PaymentMethod.PERSONAL)
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_PAYMENT and claim.payment_method == PaymentMethod.PERSONAL
    assert claim.bill.amount == DEFAULT_TOTAL and claim.bill.expires_at == claim.deadline_at
    assert claim.deadline_at - claim.payment_chosen_at == timedelta(days=3)
    assert claim.bill.billing_number in sms(claim)[-1]


def test_choosing_the_insurer_asks_for_its_letter_within_three_days(sms):
    claim = ClaimFactory(awaiting_choice=True)
    claim = claim_payment_choose(claim=claim, party=_party(claim), method=PaymentMethod.INSURER)
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_LETTER and claim.bill is None
    assert claim.deadline_at - claim.payment_chosen_at == timedelta(days=3)
    assert claim.deadline_action == S.CANCELLED
    assert claim.reference in sms(claim)[-1]


@pytest.mark.parametrize("second", [PaymentMethod.INSURER, PaymentMethod.PERSONAL])
def test_choosing_a_payment_method_twice_is_refused(second):
    claim = ClaimFactory(paying_personally=True)
    before = _snapshot(claim)
    with pytest.raises(TransitionError, match="لقد اخترت طريقة الدفع"):
        claim_payment_choose(claim=claim, party=_party(claim), method=second)
    assert _snapshot(claim) == before


def test_choosing_when_the_insurance_was_expired_is_refused():
    claim = ClaimFactory(awaiting_payment=True)
    before = _snapshot(claim)
    with pytest.raises(TransitionError):
        claim_payment_choose(claim=claim, party=_party(claim), method=PaymentMethod.INSURER)
    assert _snapshot(claim) == before


def test_an_unknown_payment_method_is_refused():
    claim = ClaimFactory(awaiting_choice=True)
    with pytest.raises(ValidationError):
        claim_payment_choose(claim=claim, party=_party(claim), method="cash")
    assert AccidentClaim.objects.get(pk=claim.pk).payment_method == ""


def test_choosing_on_someone_elses_claim_is_refused(other_user):
    claim = ClaimFactory(awaiting_choice=True)
    before = _snapshot(claim)
    with pytest.raises(PermissionDenied):
        claim_payment_choose(claim=claim, party=Party(user=other_user), method=PaymentMethod.PERSONAL)
    assert _snapshot(claim) == before


def test_a_member_of_the_organisation_may_choose_for_its_claim():
    membership = MembershipFactory()
    colleague = MembershipFactory(organisation=membership.organisation).user
    claim = ClaimFactory(applicant=membership.user, organisation=membership.organisation, awaiting_choice=True)
    claim = claim_payment_choose(
        claim=claim, party=Party(user=colleague, organisation=membership.organisation), method=PaymentMethod.INSURER
    )
    assert claim.status == S.AWAITING_LETTER


def test_acting_for_oneself_on_an_organisations_claim_is_refused():
    membership = MembershipFactory()
    claim = ClaimFactory(applicant=membership.user, organisation=membership.organisation, awaiting_choice=True)
    with pytest.raises(PermissionDenied):
        claim_payment_choose(claim=claim, party=Party(user=membership.user), method=PaymentMethod.INSURER)


# --- steps 9-10: the insurer's letter ------------------------------------------------------------


def test_uploading_the_letter_sends_it_to_review_and_stops_the_clock():
    claim = ClaimFactory(awaiting_letter=True)
    claim = claim_letter_upload(claim=claim, party=_party(claim), letter=letter_pdf())
    claim.refresh_from_db()
    assert claim.status == S.LETTER_REVIEW
    assert claim.letter.kind == "insurer_letter" and claim.letter.content_type == "application/pdf"
    assert claim.deadline_at is None


@pytest.mark.parametrize(
    "state", ["submitted", "awaiting_choice", "awaiting_payment", "paying_personally", "letter_review"]
)
def test_uploading_a_letter_when_none_is_asked_for_is_refused_and_stores_nothing(state):
    claim = ClaimFactory(state=state)
    before = _snapshot(claim)
    with pytest.raises(TransitionError, match="لا يُطلب كتاب من شركة التأمين"):
        claim_letter_upload(claim=claim, party=_party(claim), letter=letter_pdf())
    assert _snapshot(claim) == before


def test_uploading_a_letter_on_someone_elses_claim_is_refused(other_user):
    claim = ClaimFactory(awaiting_letter=True)
    before = _snapshot(claim)
    with pytest.raises(PermissionDenied):
        claim_letter_upload(claim=claim, party=Party(user=other_user), letter=letter_pdf())
    assert _snapshot(claim) == before


def test_a_letter_that_is_not_a_pdf_or_an_image_is_refused():
    claim = ClaimFactory(awaiting_letter=True)
    before = _snapshot(claim)
    with pytest.raises(ValidationError) as exc:
        claim_letter_upload(claim=claim, party=_party(claim), letter=text_as_pdf("letter.pdf"))
    assert "letter" in exc.value.error_dict
    assert _snapshot(claim) == before


def test_a_valid_letter_releases_the_claim_with_sms_and_certificate(staff, sms, django_capture_on_commit_callbacks):
    claim = ClaimFactory(letter_review=True)
    with django_capture_on_commit_callbacks(execute=True):
        claim_letter_decide(claim=claim, actor=staff, valid=True)
    claim.refresh_from_db()
    assert claim.status == S.RELEASED and claim.closed_at is not None and claim.letter_valid is True
    assert claim.plate in sms(claim)[-1]
    assert claim.certificate is not None and claim.certificate.kind == "accident_release"
    assert claim.certificate.application_id == claim.pk


def test_an_invalid_letter_cancels_the_claim_and_texts_the_reason(staff, sms):
    claim = ClaimFactory(letter_review=True)
    claim_letter_decide(claim=claim, actor=staff, valid=False, reason="الكتاب غير مختوم من شركة التأمين")
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED and claim.letter_valid is False
    assert "الكتاب غير مختوم من شركة التأمين" in sms(claim)[-1]
    assert claim.events.last().reason == "الكتاب غير مختوم من شركة التأمين"
    assert claim.open_report_key is None


def test_refusing_a_letter_without_a_reason_is_refused(staff):
    claim = ClaimFactory(letter_review=True)
    before = _snapshot(claim)
    with pytest.raises(ValidationError):
        claim_letter_decide(claim=claim, actor=staff, valid=False, reason="   ")
    assert _snapshot(claim) == before


def test_deciding_on_a_letter_that_was_never_uploaded_is_refused(staff):
    claim = ClaimFactory(awaiting_letter=True)
    before = _snapshot(claim)
    with pytest.raises(TransitionError):
        claim_letter_decide(claim=claim, actor=staff, valid=True)
    assert _snapshot(claim) == before


# --- step 11 by payment, and what a payment cannot do ---------------------------------------------


@pytest.mark.parametrize("state", ["awaiting_payment", "paying_personally"])
def test_paying_the_bill_releases_the_claim(state, sms, django_capture_on_commit_callbacks):
    claim = ClaimFactory(state=state)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay_bill(claim.bill)
    assert payment.state == PaymentState.APPLIED
    claim.refresh_from_db()
    assert claim.status == S.RELEASED and claim.released_at is not None and claim.deadline_at is None
    assert claim.events.last().actor_kind == "system"
    assert any(claim.plate in text for text in sms(claim))
    assert claim.certificate is not None


def test_a_payment_after_cancellation_is_kept_for_finance_staff(staff):
    claim = ClaimFactory(awaiting_payment=True)
    claim_cancel(claim=claim, actor=staff, reason="طلب المواطن إلغاء الطلب")
    claim.refresh_from_db()
    assert claim.bill.status == BillStatus.CLOSED
    payment = pay_bill(claim.bill)
    assert payment.state == PaymentState.QUEUED and payment.reason == PaymentReason.BILL_CLOSED
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED and claim.certificate is None


# --- staff cancellation -----------------------------------------------------------------------------


def test_cancelling_needs_a_reason(staff):
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        claim_cancel(claim=claim, actor=staff, reason="")
    assert AccidentClaim.objects.get(pk=claim.pk).status == S.SUBMITTED


def test_cancelling_texts_the_reason(staff, sms):
    claim = ClaimFactory(awaiting_choice=True)
    claim_cancel(claim=claim, actor=staff, reason="الكروكة تخص مركبة أخرى")
    assert "الكروكة تخص مركبة أخرى" in sms(claim)[-1]


def test_a_released_claim_cannot_be_cancelled(staff):
    claim = ClaimFactory(released_by_letter=True)
    before = _snapshot(claim)
    with pytest.raises(TransitionError):
        claim_cancel(claim=claim, actor=staff, reason="خطأ في الإدخال")
    assert _snapshot(claim) == before


def test_factories_reach_every_state():
    # Guards the other tests: each trait is what its name says.
    expected = {
        "submitted": S.SUBMITTED,
        "awaiting_payment": S.AWAITING_PAYMENT,
        "awaiting_choice": S.AWAITING_CHOICE,
        "paying_personally": S.AWAITING_PAYMENT,
        "awaiting_letter": S.AWAITING_LETTER,
        "letter_review": S.LETTER_REVIEW,
        "released_by_letter": S.RELEASED,
        "cancelled_by_letter": S.CANCELLED,
    }
    for state, status in expected.items():
        assert ClaimFactory(state=state, applicant=UserFactory()).status == status
