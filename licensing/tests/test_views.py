"""The applicant's pages: owners only, clear refusals that keep what was typed, the panel in each state."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from core.dates import date_text
from licensing.constants import SplitStatus
from licensing.models import SplitApplication
from licensing.selectors import split_bill_to_pay
from licensing.tests import factories as f
from licensing.workflow import split_apply, split_cancel, split_inspection_book
from payments.testing import pay_bill

pytestmark = pytest.mark.django_db
S = SplitStatus


def _form(world, **overrides):
    data = {
        "licence_number": world.licence.number,
        "deed_reference": "TD-1-100",
        "profession": world.plain.pk,
        "construction_certificate_reference": "",
        "trade_name": "محل الجديد",
        "area_m2": "40",
    }
    data.update(overrides)
    return data


def test_the_licences_page_lists_the_holders_licences_with_a_split_button(client, world):
    client.force_login(world.user)
    response = client.get(reverse("licensing:licences"))
    assert response.status_code == 200
    assert world.licence.number in response.text
    assert f"?licence={world.licence.number}" in response.text


def test_apply_through_the_form_shows_the_request_with_the_standard_time(client, world):
    client.force_login(world.user)
    response = client.get(reverse("licensing:start") + f"?licence={world.licence.number}")
    assert response.status_code == 200
    assert f'value="{world.licence.number}"' in response.text
    response = client.post(reverse("licensing:start"), _form(world), follow=True)
    application = SplitApplication.objects.get()
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert application.reference in response.text
    assert "standard-time" in response.text
    with translation.override("ar"):
        assert date_text(application.due_by) in response.text


def test_a_missing_certificate_is_refused_and_the_form_keeps_what_was_typed(client, world):
    client.force_login(world.user)
    response = client.post(
        reverse("licensing:start"), _form(world, profession=world.restaurant.pk, trade_name="مطعم الياسمين")
    )
    assert response.status_code == 400
    assert "مطعم الياسمين" in response.text
    assert 'id="error_1_id_construction_certificate_reference"' in response.text or "is-invalid" in response.text
    assert not SplitApplication.objects.exists()


def test_someone_elses_licence_is_refused_on_the_form(client, world):
    other = UserFactory()
    client.force_login(other)
    response = client.post(reverse("licensing:start"), _form(world))
    assert response.status_code == 400
    assert world.licence.number in response.text  # kept in the field
    assert not SplitApplication.objects.exists()


def test_dues_are_shown_with_one_e_payment_number(client, world):
    f.dues(user=world.user, deed="TD-1-100")
    client.force_login(world.user)
    response = client.post(reverse("licensing:start"), _form(world), follow=True)
    application = SplitApplication.objects.get()
    assert application.status == S.AWAITING_DUES
    assert application.dues_bill.billing_number in response.text
    assert "110.500" in response.text
    response = client.get(reverse("licensing:pay", kwargs={"reference": application.reference}))
    assert response.url == application.dues_bill.get_absolute_url()


def test_paying_fees_before_approval_is_refused(client, world):
    application = split_apply(party=world.party, data=f.data(world))
    client.force_login(world.user)
    response = client.get(reverse("licensing:pay", kwargs={"reference": application.reference}), follow=True)
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert "تُدفع الرسوم بعد الموافقة على الطلب فقط" in response.text


def test_booking_through_the_page_and_a_taken_slot_refused(client, world):
    application = split_apply(party=world.party, data=f.data(world))
    other_world = f.make_world()
    other = split_apply(party=other_world.party, data=f.data(other_world))
    split_inspection_book(application=other, slot=world.slots[0], actor=other_world.user, party=other_world.party)

    client.force_login(world.user)
    url = reverse("licensing:book", kwargs={"reference": application.reference})
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{world.slots[0].pk}"' not in page.text  # taken: not offered
    assert f'value="{world.slots[1].pk}"' in page.text
    refused = client.post(url, {"slot": world.slots[0].pk})
    assert refused.status_code == 400
    application.refresh_from_db()
    assert application.status == S.AWAITING_BOOKING
    client.post(url, {"slot": world.slots[1].pk})
    application.refresh_from_db()
    assert application.status == S.INSPECTION_BOOKED


def test_corrections_need_the_box_ticked(client, world, staff):
    application = f.advance(world, staff, to="awaiting_corrections")
    client.force_login(world.user)
    url = reverse("licensing:corrections", kwargs={"reference": application.reference})
    page = client.get(url)
    assert "طفاية حريق" in page.text
    refused = client.post(url, {"note": "تم"})
    assert refused.status_code == 400
    assert "تم" in refused.text
    response = client.post(url, {"confirm": "on", "note": "تم التركيب"})
    assert response.url == reverse("licensing:book", kwargs={"reference": application.reference})
    application.refresh_from_db()
    assert application.status == S.AWAITING_BOOKING


@pytest.mark.parametrize("name", ["book", "corrections", "pay"])
def test_another_user_gets_404_on_every_request_url(client, world, staff, name):
    application = f.advance(world, staff, to="awaiting_corrections")
    client.force_login(UserFactory())
    assert client.get(reverse(f"licensing:{name}", kwargs={"reference": application.reference})).status_code == 404
    assert client.post(reverse(f"licensing:{name}", kwargs={"reference": application.reference})).status_code in (
        404,
        405,
    )
    assert client.get(application.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "to", ["awaiting_booking", "inspection_booked", "awaiting_corrections", "civil_defence", "awaiting_payment"]
)
def test_the_panel_renders_in_every_state(client, world, staff, to):
    client.force_login(world.user)
    application = f.advance(world, staff, to=to)
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200
    assert "licensing-panel" in response.text
    split_cancel(application=application, actor=staff, reason="انتهاء الاختبار")
    assert "licensing-panel" in client.get(application.get_absolute_url()).text


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("licensing:start"))
    assert response.status_code == 302
    assert "login" in response.url


def test_area_must_be_positive_on_the_form(client, world):
    client.force_login(world.user)
    response = client.post(reverse("licensing:start"), _form(world, area_m2="0"))
    assert response.status_code == 400
    assert not SplitApplication.objects.exists()
    assert Decimal("0") == Decimal(response.context["form"].data["area_m2"])


def test_the_licences_page_queries_do_not_grow_with_the_licences(client, world, django_assert_max_num_queries):
    client.force_login(world.user)
    for _ in range(5):
        f.licence(holder=world.user)
    split_apply(party=world.party, data=f.data(world))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("licensing:licences")).status_code == 200


def test_the_pages_read_in_english_too(client, world, settings):
    client.force_login(world.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("licensing:start"))
    assert 'dir="ltr"' in response.text
    assert "Number of the licence to split from" in response.text
    application = split_apply(party=world.party, data=f.data(world))
    assert "3 working days" in client.get(application.get_absolute_url()).text


def test_a_paid_fees_bill_links_its_receipt_where_the_request_is_followed(
    client, world, staff, django_capture_on_commit_callbacks
):
    """Issue 18, item 5: every paid bill of every service links its financial receipt on the case's page."""
    application = f.advance(world, staff, to="awaiting_payment")
    bill = split_bill_to_pay(application=application)
    page = reverse("services:application-detail", kwargs={"reference": application.reference})
    receipt = reverse("payments:bill-receipt", kwargs={"billing_number": bill.billing_number})
    client.force_login(world.user)
    assert receipt not in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        pay_bill(bill)
    assert receipt in client.get(page).content.decode()
    assert client.get(receipt).status_code == 302  # to the issued receipt
