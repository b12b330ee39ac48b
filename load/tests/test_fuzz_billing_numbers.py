"""Hypothesis on the billing-number check (payments/billing_numbers.py), beside the example tests in
payments/tests/test_billing_numbers.py: the check agrees with an independent Luhn on any text, every
issued shape passes, any way a person groups or writes the digits normalises back, and the bill page
answers any typed number with a page or a 404, never a 500."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.tests.factories import UserFactory
from payments.billing_numbers import billing_number_is_valid, billing_number_normalise, luhn_check_digit

pytestmark = [pytest.mark.fuzz]

FAST = hsettings(max_examples=200, deadline=None)
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EXTENDED_ARABIC_INDIC = "۰۱۲۳۴۵۶۷۸۹"


def reference_luhn_ok(digits: str) -> bool:
    """Luhn as the textbook states it, written apart from the code under test."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


payloads = st.from_regex(r"[1-9][0-9]{11}", fullmatch=True)
numbers = payloads.map(lambda p: p + luhn_check_digit(p))


@FAST
@given(value=st.text(max_size=20) | st.from_regex(r"[0-9]{13}", fullmatch=True))
def test_the_check_agrees_with_an_independent_luhn_on_any_text(value):
    expected = len(value) == 13 and value.isascii() and value.isdigit() and value[0] != "0" and reference_luhn_ok(value)
    assert billing_number_is_valid(value) is expected


@FAST
@given(number=numbers, position=st.integers(0, 12), digit=st.integers(0, 9))
def test_any_single_digit_typo_of_an_issued_number_is_refused(number, position, digit):
    assert billing_number_is_valid(number)
    typo = number[:position] + str(digit) + number[position + 1 :]
    assert billing_number_is_valid(typo) is (typo == number)


@FAST
@given(
    number=numbers,
    cuts=st.lists(st.integers(1, 12), max_size=4, unique=True),
    separator=st.sampled_from([" ", "-", "\u00a0", "  "]),
    digits=st.sampled_from(["latin", ARABIC_INDIC, EXTENDED_ARABIC_INDIC]),
    padding=st.sampled_from(["", " ", "\t", " \n"]),
)
def test_however_a_person_writes_the_number_it_normalises_back(number, cuts, separator, digits, padding):
    written = number if digits == "latin" else number.translate(str.maketrans("0123456789", digits))
    for cut in sorted(cuts, reverse=True):
        written = written[:cut] + separator + written[cut:]
    assert billing_number_normalise(padding + written + padding) == number


@pytest.mark.django_db
@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s) | numbers)
def test_the_bill_page_answers_any_typed_number_without_a_server_error(typed, django_user_model):
    client = Client()
    client.force_login(UserFactory())
    response = client.get(f"/payments/bills/{quote(typed, safe='')}/")
    assert response.status_code in (404, 429)
