"""One definition of each figure: the public page shows what the staff dashboard shows for the same window,
and its cache never outlives a case that closes (issue 18, item 11: accident claims read "1 of 1" on the
public page while the dashboard counted 4 completed and 1 cancelled).

The public page is read as a visitor reads it (its text), so these tests say the same thing of any
implementation of the figures (issue 20 moves them to rollup tables).
"""

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from accidents.constants import ClaimStatus
from accidents.tests.factories import ClaimFactory
from accidents.workflow import claim_letter_decide
from accounts.tests.factories import UserFactory
from performance.tests.factories import at
from services.deadlines import deadlines_sweep
from services.workflow import application_transition

pytestmark = pytest.mark.django_db
ACCIDENTS = "كف طلب عن حادث سير"


def public_completed_of(client) -> tuple[int, int]:
    """The accident claims' "N من M" (completed of those that ended) in the public page's first window."""
    response = client.get(reverse("performance:public"))
    assert response.status_code == 200
    text = strip_tags(response.content.decode())
    found = re.search(re.escape(ACCIDENTS) + r"\s+(?:المنجزة\s+)?(\d+) من (\d+)", text)
    assert found, "no accident claims row on the public page"
    return int(found[1]), int(found[2])


def dashboard_completed_cancelled(client, staff) -> tuple[int, int]:
    """The dashboard's accident claims: completed, cancelled or refused (its default window, the last 30 days)."""
    client.force_login(staff)
    response = client.get(reverse("performance:dashboard"), {"service": "accidents"})
    client.logout()
    (row,) = next(t for t in response.context["tables"] if t.key == "services").rows
    return row[4], row[5]


def assert_same_figures(client, staff) -> tuple[int, int]:
    completed, cancelled = dashboard_completed_cancelled(client, staff)
    assert public_completed_of(client) == (completed, completed + cancelled)
    return completed, cancelled


@pytest.fixture
def staff(catalogue):
    """A clerk, and accident claims already in the portal: two open, one completed (all through the workflow)."""
    clerk = UserFactory(staff=True)
    ClaimFactory(staff=clerk)  # awaiting valuation
    ClaimFactory(awaiting_choice=True, staff=clerk)
    ClaimFactory(released_by_letter=True, staff=clerk)
    return clerk


def test_public_page_and_dashboard_agree_on_accident_claims_in_every_state(
    client, staff, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now() - timedelta(days=4)):
        ClaimFactory(awaiting_payment=True, staff=staff)  # its three days to pay are over by now
    assert assert_same_figures(client, staff) == (1, 0)  # the public page is now cached

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            ClaimFactory(released_by_letter=True, staff=staff)  # completed
        ClaimFactory(cancelled_by_letter=True, staff=staff)  # refused on its merits: the insurer's letter
        refused = ClaimFactory(staff=staff)
        application_transition(
            application=refused, to_status=ClaimStatus.CANCELLED, actor=staff, actor_kind="staff", reason="x"
        )
        ClaimFactory(letter_review=True, staff=staff)  # still open
        assert deadlines_sweep().fired == 1  # cancelled by the system
    assert assert_same_figures(client, staff) == (4, 3)


def test_a_case_that_closes_changes_the_public_total_at_once(client, staff, django_capture_on_commit_callbacks):
    claim = ClaimFactory(letter_review=True, staff=staff)
    assert public_completed_of(client) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        claim_letter_decide(claim=claim, actor=staff, valid=True)
    assert public_completed_of(client) == (2, 2)


def test_the_public_window_follows_the_day_in_amman(client, staff):
    """Read at 23:55 and again at 00:05: the windows end today, as the dashboard's does."""
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        today = timezone.localdate()
    late = timezone.make_aware(datetime.combine(today, time.min)) - timedelta(minutes=5)
    with time_machine.travel(late, tick=False):
        assert assert_same_figures(client, staff) == (1, 0)  # the completed claim is 29 days old
    with time_machine.travel(late + timedelta(minutes=10), tick=False):
        assert assert_same_figures(client, staff) == (0, 0)  # ... and now 30: out of both windows


def test_the_public_figures_stay_cached_until_a_closing(staff, django_capture_on_commit_callbacks):
    from performance.published import published_figures

    with time_machine.travel(at("2026-03-15 10:00"), tick=False):
        first = published_figures()
    with time_machine.travel(at("2026-03-15 10:10"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            ClaimFactory(awaiting_choice=True, staff=staff)  # moves, but closes nothing
        assert published_figures().computed_at == first.computed_at
        with django_capture_on_commit_callbacks(execute=True):
            ClaimFactory(cancelled_by_letter=True, staff=staff)
        assert published_figures().computed_at > first.computed_at


def test_a_closing_rolled_back_leaves_the_public_figures_cached(staff, django_capture_on_commit_callbacks):
    from performance.published import published_figures

    claim = ClaimFactory(letter_review=True, staff=staff)
    first = published_figures()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        claim_letter_decide(claim=claim, actor=staff, valid=True)
        raise RuntimeError("rolled back")
    assert callbacks == []  # the signal goes out after a commit, never before
    assert published_figures().computed_at == first.computed_at
