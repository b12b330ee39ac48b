"""Durations in Arabic's six plural forms (zero, one, two, 3–10, 11–99, 100+) and in English."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.utils import translation

from core.plurals import days_text, hours_text, minutes_text, time_left, working_days_text

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
COUNTS = (0, 1, 2, 3, 11, 100)


@pytest.mark.parametrize(
    ("text", "arabic"),
    [
        (days_text, ["0 يوم", "يوم واحد", "يومان", "3 أيام", "11 يوماً", "100 يوم"]),
        (hours_text, ["0 ساعة", "ساعة واحدة", "ساعتان", "3 ساعات", "11 ساعة", "100 ساعة"]),
        (minutes_text, ["0 دقيقة", "دقيقة واحدة", "دقيقتان", "3 دقائق", "11 دقيقة", "100 دقيقة"]),
        (working_days_text, ["0 يوم عمل", "يوم عمل واحد", "يوما عمل", "3 أيام عمل", "11 يوم عمل", "100 يوم عمل"]),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_a_duration_takes_the_arabic_form_of_its_count(text, arabic):
    with translation.override("ar"):
        assert [text(n) for n in COUNTS] == arabic


def test_a_duration_is_singular_for_one_and_plural_otherwise_in_english():
    with translation.override("en"):
        assert [days_text(n) for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
        assert working_days_text(3) == "3 working days"
        assert hours_text(1) == "1 hour"


@pytest.mark.parametrize(
    ("left", "arabic", "english"),
    [
        (timedelta(days=2), "يومان", "2 days"),
        (timedelta(days=3, hours=2, minutes=40), "3 أيام وساعتان", "3 days and 2 hours"),
        (timedelta(days=11, hours=1), "11 يوماً وساعة واحدة", "11 days and 1 hour"),
        (timedelta(days=100), "100 يوم", "100 days"),
        (timedelta(hours=2, minutes=30), "ساعتان و30 دقيقة", "2 hours and 30 minutes"),
        (timedelta(minutes=1, seconds=59), "دقيقة واحدة", "1 minute"),
        (timedelta(seconds=-5), "0 دقيقة", "0 minutes"),
    ],
)
def test_time_left_names_the_two_largest_units_rounded_down(left, arabic, english):
    with translation.override("ar"):
        assert time_left(NOW + left, now=NOW) == arabic
    with translation.override("en"):
        assert time_left(NOW + left, now=NOW) == english


def test_the_time_left_filter_says_two_days_not_2_yawmayn():
    template = Template("{% load plurals %}{{ deadline|time_left }}")
    with time_machine.travel(NOW, tick=False), translation.override("ar"):
        text = template.render(Context({"deadline": NOW + timedelta(days=2, minutes=1)}))
    assert text == "يومان"
