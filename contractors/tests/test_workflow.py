import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from accounts.party import Party
from contractors import constants
from contractors.constants import RenewalStatus
from contractors.models import RenewalRequest
from contractors.tests.conftest import NOW
from contractors.tests.factories import PermitFactory, RenewalRequestFactory
from contractors.workflow import (
    PUBLIC_APPLICANT_USERNAME,
    RenewalRefusedError,
    renewal_approve,
    renewal_default_period,
    renewal_refuse,
    renewal_submit,
)
from notifications.models import Notification
from services.models import Application, ApplicationEvent

pytestmark = pytest.mark.django_db


def _approve(renewal, staff, fee="150.000"):
    start, end = renewal_default_period(renewal=renewal)
    return renewal_approve(renewal=renewal, staff=staff, approved_from=start, approved_until=end, fee=Decimal(fee))


def test_anonymous_request_gets_a_reference_and_an_sms_to_the_typed_phone(frozen, permit):
    renewal = renewal_submit(permit=permit, period_year=2027, reason="الأعمال مستمرة", phone="+962771234567")

    assert renewal.reference.startswith("CP-") and renewal.status == RenewalStatus.SUBMITTED
    assert renewal.renewal_reason == "الأعمال مستمرة" and renewal.period_year == 2027
    assert renewal.submitted_anonymously and renewal.applicant.username == PUBLIC_APPLICANT_USERNAME
    assert not renewal.applicant.is_active and not renewal.applicant.has_usable_password()
    sms = Notification.objects.get(application=renewal)
    assert sms.mobile == "+962771234567" and sms.recipient is None
    assert renewal.reference in sms.text and "تجديد" in sms.text


def test_anonymous_sms_is_written_in_the_language_used_on_the_site(frozen, permit):
    renewal = renewal_submit(
        permit=permit, period_year=2027, reason="Works continue", phone="+962771234567", language="en"
    )

    assert "renewal request" in Notification.objects.get(application=renewal).text


def test_logged_in_request_belongs_to_the_user_and_is_listed_in_my_applications(frozen, permit, user):
    renewal = renewal_submit(permit=permit, period_year=2027, reason="سبب", phone="+962781111111", user=user)

    assert renewal.applicant == user and not renewal.submitted_anonymously
    assert list(Application.objects.for_party(Party(user=user))) == [renewal.application_ptr]
    assert Notification.objects.get(application=renewal).recipient == user


def test_a_cancelled_permit_cannot_be_renewed(frozen):
    permit = PermitFactory(cancelled=True)

    with pytest.raises(RenewalRefusedError) as refused:
        renewal_submit(permit=permit, period_year=2027, reason="سبب", phone="+962771234567")

    assert refused.value.code == "cancelled"
    assert not RenewalRequest.objects.exists()


def test_a_second_request_for_the_same_period_is_refused(frozen, permit):
    RenewalRequestFactory(permit=permit, period_year=2027)

    with pytest.raises(RenewalRefusedError) as refused:
        renewal_submit(permit=permit, period_year=2027, reason="مرة ثانية", phone="+962771234567")

    assert refused.value.code == "period_taken" and "2027" in refused.value.messages[0]
    assert RenewalRequest.objects.count() == 1


def test_a_period_the_permit_already_covers_cannot_be_asked(frozen, permit):
    # The factory permit runs to 2026-12-31: 2026 is already covered.
    with pytest.raises(RenewalRefusedError) as refused:
        renewal_submit(permit=permit, period_year=2026, reason="سبب", phone="+962771234567")
    assert refused.value.code == "period_taken"


def test_only_this_year_or_next_can_be_asked(frozen, permit):
    with pytest.raises(RenewalRefusedError) as refused:
        renewal_submit(permit=permit, period_year=2029, reason="سبب", phone="+962771234567")
    assert refused.value.code == "period_not_offered"


def test_the_database_allows_one_renewal_per_permit_and_period(frozen, permit):
    first = RenewalRequestFactory(permit=permit, period_year=2027)
    # Bypassing the workflow's check: the constraint still refuses a second holder of the period.
    with pytest.raises(IntegrityError), transaction.atomic():
        RenewalRequest.objects.create(
            reference="CP-XXXX-X2",
            kind="contractors",
            applicant=first.applicant,
            status=RenewalStatus.SUBMITTED,
            permit=permit,
            period_year=2027,
            renewal_reason="x",
            phone="+962771234567",
        )


def test_refusal_needs_a_reason_and_tells_the_applicant(frozen, permit, staff):
    renewal = RenewalRequestFactory(permit=permit, phone="+962779999999")

    with pytest.raises(ValidationError) as empty:
        renewal_refuse(renewal=renewal, staff=staff, reason="  ")
    assert empty.value.code == "reason" and "سبب الرفض" in empty.value.messages[0]

    renewal_refuse(renewal=renewal, staff=staff, reason="التصريح عليه مخالفات غير مسددة")

    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.REFUSED and renewal.closed_at is not None
    assert renewal.refusal_reason == "التصريح عليه مخالفات غير مسددة"
    event = ApplicationEvent.objects.filter(application=renewal).last()
    assert (event.actor, event.actor_kind, event.public_note) == (staff, "staff", "التصريح عليه مخالفات غير مسددة")
    sms = Notification.objects.get(dedupe_key=f"contractors:{renewal.pk}:refused")
    assert sms.mobile == "+962779999999" and "التصريح عليه مخالفات غير مسددة" in sms.text


@pytest.mark.parametrize(
    ("language", "reason", "ending"),
    [
        ("ar", "التصريح عليه مخالفات غير مسددة", "السبب: التصريح عليه مخالفات غير مسددة."),
        ("ar", "الكفالة منتهية.", "السبب: الكفالة منتهية."),
        ("en", "The guarantee has expired", "Reason: The guarantee has expired."),
        ("en", "The guarantee has expired.", "Reason: The guarantee has expired."),
    ],
)
def test_the_refusal_sms_ends_with_one_full_stop(frozen, permit, staff, language, reason, ending):
    renewal = RenewalRequestFactory(permit=permit, language=language)
    renewal_refuse(renewal=renewal, staff=staff, reason=reason)
    text = Notification.objects.get(dedupe_key=f"contractors:{renewal.pk}:refused").text
    assert text.endswith(ending) and not text.endswith("..")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_contractor_sms_text_ends_with_a_full_stop(language):
    values = {
        name: "X" for name in ("reference", "reason", "amount", "billing_number", "deadline", "permit", "until", "code")
    }
    with translation.override(language):
        texts = {name: str(text).format(**values) for name, text in vars(constants).items() if name.startswith("SMS_")}
    assert len(texts) >= 5
    assert {name: text for name, text in texts.items() if not text.endswith(".")} == {}


def test_a_refused_request_frees_the_period_for_a_new_one(frozen, permit, staff):
    renewal = RenewalRequestFactory(permit=permit, period_year=2027)
    renewal_refuse(renewal=renewal, staff=staff, reason="نقص في البيانات")

    again = renewal_submit(permit=permit, period_year=2027, reason="بعد الاستكمال", phone="+962771234567")

    assert again.status == RenewalStatus.SUBMITTED


def test_approval_bills_the_fee_and_sends_the_e_payment_number(frozen, permit, staff):
    renewal = RenewalRequestFactory(permit=permit, period_year=2027, phone="+962785550000")

    _approve(renewal, staff, fee="175.500")

    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.AWAITING_PAYMENT
    assert (renewal.approved_from, renewal.approved_until) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    bill = renewal.bill
    assert bill.amount == Decimal("175.500") and bill.kind == "contractors" and bill.service_type == "ContractorPermits"
    assert bill.payer_name == permit.contractor.name_ar
    assert renewal.deadline_at == NOW + dt.timedelta(days=7)
    assert renewal.deadline_action == RenewalStatus.CANCELLED
    assert renewal.deadline_at == bill.expires_at
    sms = Notification.objects.get(dedupe_key=f"contractors:{renewal.pk}:approved")
    assert bill.billing_number in sms.text and "175.500" in sms.text and sms.mobile == "+962785550000"


def test_approval_must_extend_the_permit_and_charge_a_positive_fee(frozen, permit, staff):
    renewal = RenewalRequestFactory(permit=permit, period_year=2027)
    with pytest.raises(ValidationError) as short:
        renewal_approve(
            renewal=renewal,
            staff=staff,
            approved_from=dt.date(2026, 6, 1),
            approved_until=dt.date(2026, 12, 1),
            fee=Decimal("10"),
        )
    assert short.value.code == "dates"
    with pytest.raises(ValidationError) as free:
        renewal_approve(
            renewal=renewal,
            staff=staff,
            approved_from=dt.date(2027, 1, 1),
            approved_until=dt.date(2027, 12, 31),
            fee=Decimal("0"),
        )
    assert free.value.code == "fee"
    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.SUBMITTED and renewal.bill is None


def test_a_decided_request_cannot_be_decided_again(frozen, permit, staff):
    renewal = RenewalRequestFactory(permit=permit)
    _approve(renewal, staff)
    with pytest.raises(ValidationError) as refused:
        renewal_refuse(renewal=renewal, staff=staff, reason="متأخر")
    with pytest.raises(ValidationError) as approved:
        _approve(renewal, staff)
    assert refused.value.code == approved.value.code == "status"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_for_one_period_make_one_request(frozen, permit):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks; SQLite serialises writers differently")
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(phone):
        try:
            barrier.wait()
            renewal_submit(permit=permit, period_year=2027, reason="سبب", phone=phone)
            outcomes.append("ok")
        except RenewalRefusedError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(f"+96277000000{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert RenewalRequest.objects.filter(permit=permit, period_year=2027).count() == 1
