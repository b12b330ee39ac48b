"""A statement shown again while nothing it shows has changed is the page laid out before, found under
``violations.selectors.statement_state`` (PostgreSQL's row versions) without reading its rows or looking up
its bills; any change is shown at the next showing (issue 20: the inquiry in one answer)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from payments.constants import BillStatus
from payments.models import Bill
from payments.testing import pay_bill
from violations.constants import ViolationStatus
from violations.models import Vehicle, Violation
from violations.selectors import statement_state
from violations.sources import LocalViolationSource
from violations.tests.factories import DrivingLicenceFactory, VehicleFactory, ViolationFactory
from violations.tests.test_statement import _open_statement

# Committed as the portal commits (each statement its own transaction): within one test transaction every row
# written has the same version, which production never shows another request.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions are PostgreSQL's"),
]


class LiveLikeSource(LocalViolationSource):
    """A source that, like a live partner client, does not answer from the local tables as they stand."""

    reads_local_copy = False


def _kept(client, subject):
    """Shown until its page is kept: the first showing makes the e-payment numbers (a new state), the
    second reads the statement in that state and keeps its page."""
    _open_statement(client, subject)
    kept = _open_statement(client, subject)
    assert "statement" in kept.context  # read and laid out
    return kept


def _page(response) -> str:
    """The page without what every response has of its own (its CSRF token, its script nonce)."""
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", response.content.decode())


def _numbers(response) -> set[str]:
    statement = response.context["statement"]
    return {*statement.bills.per_violation.values(), statement.bills.all}


def test_a_statement_shown_again_unchanged_is_the_page_kept_without_reading_its_rows(logged_in, vehicle, three):
    kept = _kept(logged_in, vehicle)
    bills = Bill.objects.count()
    with CaptureQueriesContext(connection) as queries:
        again = _open_statement(logged_in, vehicle)
    assert again.status_code == 200 and "statement" not in again.context
    assert _page(again) == _page(kept)  # the statement kept, in the page laid out around it
    written = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"offence_ar"' not in written  # no violation row read
    assert "INSERT" not in written and Bill.objects.count() == bills
    assert all(number in again.content.decode() for number in _numbers(kept))


def _pay_one(vehicle, three, kept):
    pay_bill(Bill.objects.get(billing_number=kept.context["statement"].bills.per_violation[three[0].pk]))
    return 'id="paid-table"', None


def _feed_corrects_a_place(vehicle, three, kept):
    Violation.objects.filter(pk=three[1].pk).update(location="Corrected place")  # no save(), no updated_at
    return "Corrected place", None


def _plate_changes(vehicle, three, kept):
    Vehicle.objects.filter(pk=vehicle.pk).update(plate_number="79211")
    return "79211", None


def _new_violation(vehicle, three, kept):
    ViolationFactory(vehicle=vehicle, number="V-NEW")
    return "V-NEW", None


def _cancelled(vehicle, three, kept):
    Violation.objects.filter(pk=three[0].pk).update(status=ViolationStatus.CANCELLED)
    return None, "Airport Road"


def _withdrawn_from_online_payment(vehicle, three, kept):
    Violation.objects.filter(pk=three[1].pk).update(payable=False)
    number = kept.context["statement"].bills.per_violation[three[1].pk]
    return None, f">{number}<"


def _bill_closed_by_staff(vehicle, three, kept):
    Bill.objects.filter(billing_number=kept.context["statement"].bills.all).update(
        status=BillStatus.CLOSED, closed_at=timezone.now()
    )
    return None, f'id="all-billing-number">{kept.context["statement"].bills.all}<'


@pytest.mark.parametrize(
    "change",
    [
        _pay_one,
        _feed_corrects_a_place,
        _plate_changes,
        _new_violation,
        _cancelled,
        _withdrawn_from_online_payment,
        _bill_closed_by_staff,
    ],
)
def test_any_change_to_what_a_kept_statement_shows_is_shown_at_the_next_showing(logged_in, vehicle, three, change):
    kept = _kept(logged_in, vehicle)
    assert "statement" not in _open_statement(logged_in, vehicle).context  # kept, shown from the cache
    shown, gone = change(vehicle, three, kept)
    html = _open_statement(logged_in, vehicle).content.decode()
    if shown is not None:
        assert shown in html
    if gone is not None:
        assert gone not in html


def test_a_bill_expiring_with_no_row_changed_is_a_new_state_with_new_numbers(logged_in, vehicle, three):
    soon = timezone.now() + timedelta(minutes=5)
    _open_statement(logged_in, vehicle)  # the numbers made
    Bill.objects.update(expires_at=soon, due_at=soon)
    kept = _open_statement(logged_in, vehicle)  # read in that state, and kept
    assert "statement" not in _open_statement(logged_in, vehicle).context
    with time_machine.travel(soon + timedelta(minutes=1), tick=False):  # nothing written: only time passes
        after = _open_statement(logged_in, vehicle)
    assert "statement" in after.context  # read again
    assert _numbers(after).isdisjoint(_numbers(kept))
    assert all(number in after.content.decode() for number in _numbers(after))


def test_the_kept_page_is_per_language(logged_in, vehicle, three):
    _kept(logged_in, vehicle)
    logged_in.cookies["django_language"] = "en"
    english = _open_statement(logged_in, vehicle).content.decode()
    assert "Unpaid violations" in english and 'data-label="Violation number"' in english


def test_a_licence_statement_shows_a_change_to_the_vehicle_of_one_of_its_violations(logged_in):
    licence, car = DrivingLicenceFactory(), VehicleFactory(plate_code="22", plate_number="1234")
    ViolationFactory(licence=licence, vehicle=car)
    ViolationFactory(licence=licence, vehicle=None)
    _kept(logged_in, licence)
    assert "statement" not in _open_statement(logged_in, licence).context
    Vehicle.objects.filter(pk=car.pk).update(plate_number="5678")
    assert "5678" in _open_statement(logged_in, licence).content.decode()


def test_the_state_is_none_when_the_subject_is_gone_or_the_source_is_not_the_local_copy(vehicle, three):
    assert statement_state(subject={"kind": "vehicle", "id": vehicle.pk}) is not None
    assert statement_state(subject={"kind": "vehicle", "id": vehicle.pk + 1000}) is None
    assert statement_state(subject={"kind": "fleet", "id": vehicle.pk}) is None
    with override_settings(VIOLATIONS_SOURCE=f"{__name__}.LiveLikeSource"):
        assert statement_state(subject={"kind": "vehicle", "id": vehicle.pk}) is None


def test_a_live_source_is_asked_at_every_showing(logged_in, vehicle, three):
    with override_settings(VIOLATIONS_SOURCE=f"{__name__}.LiveLikeSource"):
        for _ in range(3):
            assert "statement" in _open_statement(logged_in, vehicle).context


def test_a_release_with_other_translations_keeps_its_pages_under_other_keys(settings, tmp_path):
    """The cache outlives a release: the kept pages' keys carry what they were laid out with (templates and
    translations), so a corrected word is shown at once, not an hour later."""
    from violations import statement_pages

    catalogue = tmp_path / "someapp" / "locale" / "ar" / "LC_MESSAGES" / "django.mo"
    catalogue.parent.mkdir(parents=True)
    settings.BASE_DIR = tmp_path
    versions = []
    for words in (b"before", b"after"):
        catalogue.write_bytes(words)
        statement_pages.layout_version.cache_clear()
        versions.append(statement_pages.layout_version())
    statement_pages.layout_version.cache_clear()
    assert versions[0] != versions[1]


def test_a_kept_statement_is_shown_from_this_process_copy_without_fetching_it_again(logged_in, vehicle, three):
    from django.core.cache import cache

    kept = _kept(logged_in, vehicle)
    cache.clear()  # the shared cache's copy gone (evicted): the key still names the same laid-out statement
    with CaptureQueriesContext(connection) as queries:
        again = _open_statement(logged_in, vehicle)
    assert "statement" not in again.context and _page(again) == _page(kept)
    assert '"offence_ar"' not in " ".join(q["sql"] for q in queries.captured_queries)


def test_the_process_copy_holds_at_most_its_size_the_least_recently_shown_dropped_first():
    from violations.statement_pages import _Recent

    recent = _Recent(max_chars=10)
    recent.put("a", "1234")
    recent.put("b", "5678")
    assert recent.get("a") == "1234"  # a is now the most recently shown
    recent.put("c", "90")
    recent.put("d", "xyz")  # 4 + 4 + 2 + 3 > 10: b, the least recently shown, goes
    assert recent.get("b") is None and recent.get("a") == "1234" and recent.get("d") == "xyz"
    recent.put("a", "12")  # replaced: counted once
    recent.put("huge", "x" * 11)  # larger than the whole: not kept, nothing dropped for it
    assert recent.get("huge") is None and recent.get("c") == "90" and recent.get("a") == "12"


# --- an inquiry: its look-up, its log line and its statement's state in one round trip ---------------------


def _inquire(client, vehicle, registration=None):
    from django.urls import reverse

    return client.post(
        reverse("violations:inquiry-vehicle"),
        {
            "plate_code": vehicle.plate_code,
            "plate_number": vehicle.plate_number,
            "registration_number": registration or vehicle.registration_number,
        },
    )


def test_an_inquiry_of_a_kept_statement_looks_up_logs_and_reads_its_state_in_one_statement(logged_in, vehicle, three):
    from violations.models import InquiryLog

    kept = _kept(logged_in, vehicle)
    lines = InquiryLog.objects.count()
    with CaptureQueriesContext(connection) as queries:
        again = _inquire(logged_in, vehicle)
    assert again.status_code == 200 and "statement" not in again.context
    page = again.content.decode()  # the kept statement, not read again
    assert all(number in page for number in _numbers(kept)) and all(v.number in page for v in three)
    statements = [q["sql"] for q in queries.captured_queries]
    sent = [s for s in statements if s.endswith("(sent alongside)")]
    # The look-up, its log line and the state: one statement; no look-up of the vehicle of its own, no other write.
    assert len(sent) == 1 and sent[0].startswith("WITH found") and 'INSERT INTO "violations_inquirylog"' in sent[0]
    assert not any('"registration_number" =' in s or "INSERT" in s for s in statements if s not in sent)
    assert InquiryLog.objects.count() == lines + 1
    line = InquiryLog.objects.order_by("-pk").first()
    assert line.matched is True and line.kind == "vehicle" and line.user_id is not None
    assert line.ip_address and line.organisation_id is None and len(line.subject_hash) == 64
    assert logged_in.session["violations_subject"] == {"kind": "vehicle", "id": vehicle.pk}


def test_an_inquiry_whose_log_is_listened_to_logs_through_the_orm_once(logged_in, vehicle, three):
    """A receiver of the log's saves (an audit added later) is never skipped: the line is then written by the ORM,
    after the look-up, once, matched or not."""
    from django.db.models.signals import post_save

    from violations.models import InquiryLog

    _kept(logged_in, vehicle)
    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.kind, instance.matched))

    post_save.connect(receiver, sender=InquiryLog, weak=False)
    try:
        lines = InquiryLog.objects.count()
        with CaptureQueriesContext(connection) as queries:
            again = _inquire(logged_in, vehicle)
        wrong = _inquire(logged_in, vehicle, registration="1111111")
    finally:
        post_save.disconnect(receiver, sender=InquiryLog)
    assert again.status_code == 200 and three[0].number in again.content.decode()
    assert wrong.status_code == 200 and three[0].number not in wrong.content.decode()
    assert not any("violations_inquirylog" in q["sql"] for q in queries.captured_queries if "WITH found" in q["sql"])
    assert heard == [("vehicle", True), ("vehicle", False)]
    assert InquiryLog.objects.count() == lines + 2


def test_an_inquiry_that_matches_nothing_is_logged_unmatched_and_answered_with_the_form(logged_in, vehicle, three):
    from violations.models import InquiryLog

    _kept(logged_in, vehicle)
    wrong = _inquire(logged_in, vehicle, registration="1111111")
    assert wrong.status_code == 200 and "violations/inquiry.html" in [t.name for t in wrong.templates]
    assert three[0].number not in wrong.content.decode()
    line = InquiryLog.objects.order_by("-pk").first()
    assert line.matched is False and line.kind == "vehicle"
    assert InquiryLog.objects.filter(matched=False).count() == 1  # one line for the miss, not one more


def test_the_state_found_by_an_inquirys_look_up_is_the_state_of_what_it_finds():
    """The inquiry's query (found by plate and registration number, or by the licence's key) answers the rows of
    the state query by id: the same digest, so the statement kept under one is found under the other."""
    from violations.selectors import statement_state_digest, statement_state_find_query, statement_state_query

    licence = DrivingLicenceFactory(number="10118254")
    car = VehicleFactory(plate_code="10", plate_number="79210", registration_number="7702154")
    ViolationFactory(vehicle=car, licence=licence, number="V-1")
    ViolationFactory(vehicle=car, number="V-2")

    def rows(query):
        with connection.cursor() as cursor:
            cursor.execute(*query)
            return cursor.fetchall()

    by_plate = {"plate_code": "10", "plate_number": "79210", "registration_number": "7702154"}
    by_licence = {"licence_number": "10118254", "centre": "", "category": ""}
    for kind, data, subject in (("vehicle", by_plate, car), ("licence", by_licence, licence)):
        found = rows(statement_state_find_query(kind=kind, data=data))
        by_id = rows(statement_state_query(subject={"kind": kind, "id": subject.pk}))
        assert sorted(found) == sorted(by_id) and len(found) > 1
        digest = statement_state_digest(subject={"kind": kind, "id": subject.pk}, rows=found)
        assert digest is not None and digest == statement_state(subject={"kind": kind, "id": subject.pk})
    assert rows(statement_state_find_query(kind="vehicle", data={**by_plate, "registration_number": "1"})) == []
    assert rows(statement_state_find_query(kind="licence", data={**by_licence, "licence_number": "10118255"})) == []
    with override_settings(VIOLATIONS_SOURCE=f"{__name__}.LiveLikeSource"):
        assert statement_state_find_query(kind="vehicle", data=by_plate) is None


def test_the_state_query_finds_the_bills_from_the_violations_not_from_every_open_bill(logged_in, vehicle, three):
    """A busy portal has thousands of open, unexpired bills of other services. The state of a statement (read on
    every inquiry and showing) finds its bills from its violations' lines, each by its key: planned from the
    bills' side (statistics not yet gathered after many new bills, as in a bench run) it read every open bill,
    once per violation."""
    from payments.billing_numbers import billing_number_new
    from payments.constants import ServiceType
    from violations.selectors import statement_state_find_query, statement_state_query

    _kept(logged_in, vehicle)
    now = timezone.now()

    def bills(n, *, kind, status, days):
        Bill.objects.bulk_create(
            Bill(
                billing_number=billing_number_new(),
                kind=kind,
                service_type=ServiceType.PROPERTY_DUES,
                amount="10.000",
                status=status,
                payer_name="x",
                issued_at=now - timedelta(days=30),
                due_at=now + timedelta(days=days),
                expires_at=now + timedelta(days=days),
            )
            for _ in range(n)
        )

    # Statistics gathered when open bills were rare, then thousands opened: the planner believes them rare still.
    bills(2000, kind="accidents", status=BillStatus.EXPIRED, days=-20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE payments_bill")
    bills(3000, kind="violations", status=BillStatus.OPEN, days=7)
    bills(3000, kind="accidents", status=BillStatus.OPEN, days=7)
    by_plate = {f: getattr(vehicle, f) for f in ("plate_code", "plate_number", "registration_number")}
    for query in (
        statement_state_query(subject={"kind": "vehicle", "id": vehicle.pk}),
        statement_state_find_query(kind="vehicle", data=by_plate),
    ):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + query[0], query[1])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        bill_reads = [line for line in plan.splitlines() if " payments_bill " in line or " payments_bill\n" in line]
        assert bill_reads and all("payments_bill_pkey" in line for line in bill_reads), plan
