"""The staff side: queues with counts, decisions through the workflow with reasons, files behind permissions."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accidents.constants import ClaimStatus
from accidents.models import AccidentClaim, ValuationItem
from accidents.tests.factories import ClaimFactory
from accounts.groups import ACCIDENTS_STAFF, SUPERVISORS
from accounts.tests.factories import UserFactory
from notifications.models import Notification
from payments.constants import BillStatus
from services.models import ApplicationEvent, IssuedDocument

pytestmark = pytest.mark.django_db
S = ClaimStatus


@pytest.fixture
def department(client):
    """A member of the accidents department, signed in to the admin."""
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name=ACCIDENTS_STAFF))
    client.force_login(user)
    return user


@pytest.fixture
def supervisor(client):
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name=SUPERVISORS))
    client.force_login(user)
    return user


def _url(name, claim, *args):
    return reverse(f"admin:accidents_accidentclaim_{name}", args=[claim.pk, *args])


def _valuation(rows):
    data = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "public_note": "تم الكشف على الموقع",
    }
    for i, (department, description, quantity, unit, price) in enumerate(rows):
        data.update(
            {
                f"items-{i}-department": department,
                f"items-{i}-description": description,
                f"items-{i}-quantity": quantity,
                f"items-{i}-unit": unit,
                f"items-{i}-unit_price": price,
            }
        )
    return data


# --- queues ---------------------------------------------------------------------------------------------


def test_the_changelist_shows_each_queue_with_its_count_and_filters_by_it(client, department):
    ClaimFactory()
    ClaimFactory()
    ClaimFactory(letter_review=True)
    ClaimFactory(awaiting_payment=True)
    ClaimFactory(cancelled_by_letter=True)
    changelist = reverse("admin:accidents_accidentclaim_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    queues = {key: count for key, _label, count in response.context["queues"]}
    assert queues == {
        "to_value": 2,
        "insurance": 0,
        "letters": 1,
        "awaiting_payment": 1,
        "awaiting_applicant": 0,
        "released": 0,
        "cancelled": 1,
    }
    page = response.content.decode()
    assert "بانتظار التقدير" in page and "كتب بانتظار التدقيق" in page
    response = client.get(changelist, {"queue": "to_value"})
    assert response.context["cl"].result_count == 2
    assert {c.status for c in response.context["cl"].result_list} == {S.SUBMITTED}


def test_the_changelist_query_count_does_not_grow_with_the_claims(client, department, django_assert_max_num_queries):
    changelist = reverse("admin:accidents_accidentclaim_changelist")
    for _ in range(3):
        ClaimFactory(awaiting_payment=True)
    with django_assert_max_num_queries(40) as few:
        client.get(changelist)
    for _ in range(6):
        ClaimFactory(awaiting_payment=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(changelist)


def test_the_case_file_shows_timeline_items_and_the_decisions_allowed_now(client, department):
    claim = ClaimFactory(letter_review=True)
    response = client.get(reverse("admin:accidents_accidentclaim_change", args=[claim.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert _url("letter", claim) in page
    assert _url("value", claim) not in page
    assert _url("file", claim, "sketch") in page and _url("file", claim, "letter") in page
    assert "أجور فك وتركيب" in page  # a valuation line, inline
    # The department sees the timeline and the SMS inline (they are part of the case file).
    inlines = {f.opts.model: f for f in response.context["inline_admin_formsets"]}
    assert len(list(inlines[ApplicationEvent])) == claim.events.count() >= 4
    assert len(list(inlines[Notification])) == Notification.objects.filter(application_id=claim.pk).count() >= 3
    assert "تم إرفاق كتاب موافقة شركة التأمين" in page  # the event's reason, in the reader's language


def test_the_case_file_shows_the_deadline_and_its_reason_in_arabic(client, department):
    claim = ClaimFactory(awaiting_payment=True)
    page = client.get(reverse("admin:accidents_accidentclaim_change", args=[claim.pk])).content.decode()
    assert "يجب دفع قيمة الأضرار خلال 3 أيام" in page
    assert "Plate" not in page and claim.plate in page


def test_a_supervisor_sees_the_case_but_may_not_decide(client, supervisor):
    claim = ClaimFactory()
    assert client.get(reverse("admin:accidents_accidentclaim_change", args=[claim.pk])).status_code == 200
    assert client.get(_url("value", claim)).status_code == 403
    assert client.post(_url("cancel", claim), {"reason": "لا يخص الأمانة"}).status_code == 403
    assert AccidentClaim.objects.get(pk=claim.pk).status == S.SUBMITTED


# --- valuation --------------------------------------------------------------------------------------------


def test_valuing_in_the_admin_saves_the_lines_and_runs_the_insurance_check(client, department):
    claim = ClaimFactory()
    response = client.post(
        _url("value", claim),
        _valuation(
            [
                ("lighting", "عمود إنارة", "1", "piece", "385.000"),
                ("lighting", "أجور رافعة", "2.5", "hour", "20"),
            ]
        ),
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.damage_amount == 435 and claim.valued_by == department
    assert claim.status == S.AWAITING_PAYMENT  # no policy in the registry: expired, billed
    assert list(claim.items.values_list("description", flat=True)) == ["عمود إنارة", "أجور رافعة"]


@pytest.mark.parametrize(("quantity", "price"), [("0", "10"), ("1", "0"), ("-2", "10"), ("1", "-5")])
def test_a_valuation_of_zero_or_less_is_refused_in_the_admin_and_keeps_what_was_typed(
    client, department, quantity, price
):
    claim = ClaimFactory()
    response = client.post(_url("value", claim), _valuation([("roads", "رصيف إنترلوك", quantity, "m2", price)]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "أكبر من صفر" in page and "رصيف إنترلوك" in page
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED and claim.damage_amount is None
    assert not ValuationItem.objects.exists()


def test_valuing_an_already_valued_claim_is_refused(client, department):
    claim = ClaimFactory(awaiting_payment=True)
    response = client.post(_url("value", claim), _valuation([("lighting", "عمود", "1", "piece", "10")]), follow=True)
    assert "تم تقدير هذا الطلب من قبل" in response.content.decode()
    claim.refresh_from_db()
    assert claim.damage_amount == 400 and claim.items.count() == 2


# --- the insurer's letter ------------------------------------------------------------------------------------


def test_staff_open_the_sketch_and_the_letter_from_the_admin(client, department):
    claim = ClaimFactory(letter_review=True)
    sketch = client.get(_url("file", claim, "sketch"))
    assert sketch.status_code == 200 and sketch["Content-Type"] == "image/png"
    assert b"".join(sketch.streaming_content).startswith(b"\x89PNG")
    letter = client.get(_url("file", claim, "letter"))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert client.get(_url("file", claim, "other")).status_code == 404


def test_the_files_are_refused_to_staff_of_other_departments_and_to_applicants(client):
    claim = ClaimFactory(letter_review=True)
    client.force_login(UserFactory(staff=True))
    assert client.get(_url("file", claim, "sketch")).status_code == 403
    client.force_login(claim.applicant)
    response = client.get(_url("file", claim, "letter"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_invalid_letter_needs_a_reason(client, department):
    claim = ClaimFactory(letter_review=True)
    response = client.post(_url("letter", claim), {"decision": "invalid", "reason": ""})
    assert response.status_code == 200
    assert "اكتب سبب عدم صحة الكتاب" in response.content.decode()
    assert AccidentClaim.objects.get(pk=claim.pk).status == S.LETTER_REVIEW


def test_an_invalid_letter_cancels_with_the_reason(client, department, sms):
    claim = ClaimFactory(letter_review=True)
    client.post(_url("letter", claim), {"decision": "invalid", "reason": "الكتاب لا يحمل ختم شركة التأمين"})
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED and claim.letter_valid is False and claim.letter_reviewed_by == department
    assert "الكتاب لا يحمل ختم شركة التأمين" in sms(claim)[-1]


def test_a_valid_letter_releases_the_claim(client, department, django_capture_on_commit_callbacks):
    claim = ClaimFactory(letter_review=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("letter", claim), {"decision": "valid", "reason": ""})
    claim.refresh_from_db()
    assert claim.status == S.RELEASED and claim.certificate is not None
    response = client.get(reverse("admin:accidents_accidentclaim_change", args=[claim.pk]))
    inlines = {f.opts.model: f for f in response.context["inline_admin_formsets"]}
    assert len(list(inlines[IssuedDocument])) == 1
    assert claim.certificate.code in response.content.decode()


def test_reviewing_a_letter_twice_is_refused(client, department):
    claim = ClaimFactory(cancelled_by_letter=True)
    response = client.post(_url("letter", claim), {"decision": "valid"}, follow=True)
    assert "لا يوجد كتاب من شركة التأمين بانتظار التدقيق" in response.content.decode()
    assert AccidentClaim.objects.get(pk=claim.pk).status == S.CANCELLED


# --- cancelling ------------------------------------------------------------------------------------------------


def test_cancelling_from_the_admin_needs_a_reason_then_closes_the_bill(client, department):
    claim = ClaimFactory(awaiting_payment=True)
    response = client.post(_url("cancel", claim), {"reason": " "})
    assert response.status_code == 200 and AccidentClaim.objects.get(pk=claim.pk).status == S.AWAITING_PAYMENT
    client.post(_url("cancel", claim), {"reason": "الكروكة تخص حادثاً آخر"})
    claim.refresh_from_db()
    assert claim.status == S.CANCELLED and claim.bill.status == BillStatus.CLOSED


def test_bulk_cancel_asks_for_a_reason_and_leaves_closed_claims_alone(client, department):
    open_claim = ClaimFactory(awaiting_choice=True)
    closed = ClaimFactory(cancelled_by_letter=True)
    changelist = reverse("admin:accidents_accidentclaim_changelist")
    selected = {"action": "action_cancel", "_selected_action": [open_claim.pk, closed.pk]}
    response = client.post(changelist, selected)
    assert response.status_code == 200 and "السبب" in response.content.decode()
    assert AccidentClaim.objects.get(pk=open_claim.pk).status == S.AWAITING_CHOICE
    response = client.post(changelist, {**selected, "apply": "1", "reason": "طلب مكرر للحادث نفسه"}, follow=True)
    assert AccidentClaim.objects.get(pk=open_claim.pk).status == S.CANCELLED
    assert closed.reference in response.content.decode()
    assert "أُلغي طلب واحد." in response.content.decode()  # not "أُلغي 1 طلب."


def test_the_insurance_recheck_action_moves_only_valued_claims(client, department, settings):
    claim = ClaimFactory(awaiting_choice=True)
    response = client.post(
        reverse("admin:accidents_accidentclaim_changelist"),
        {"action": "action_check_insurance", "_selected_action": [claim.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert AccidentClaim.objects.get(pk=claim.pk).status == S.AWAITING_CHOICE
    assert "لم يُتحقق من تأمين أي طلب. تُرك طلب واحد لا ينتظر التحقق دون تغيير." in response.content.decode()


def test_the_valuation_page_leaves_untouched_lines_out(client, department):
    # Regression: the browser posts every line of the formset; untouched ones must not count as items.
    claim = ClaimFactory()
    data = _valuation([("lighting", "عمود", "1", "piece", "100")])
    data.update(
        {
            "items-TOTAL_FORMS": "4",
            **{
                f"items-{i}-{name}": value for i in (1, 2, 3) for name, value in (("department", ""), ("unit", "piece"))
            },
        }
    )
    assert client.get(_url("value", claim)).status_code == 200
    response = client.post(_url("value", claim), data)
    assert response.status_code == 302
    assert AccidentClaim.objects.get(pk=claim.pk).items.count() == 1
