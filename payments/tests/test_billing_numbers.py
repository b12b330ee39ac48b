import threading

import pytest
from django.db import connection

from payments import billing_numbers
from payments.billing_numbers import (
    billing_number_is_valid,
    billing_number_new,
    billing_number_normalise,
    luhn_check_digit,
)


def test_new_numbers_are_13_digits_with_a_valid_check_digit():
    for _ in range(2000):
        number = billing_number_new()
        assert len(number) == 13 and number.isdigit() and number[0] != "0"
        assert billing_number_is_valid(number)


def test_luhn_digit_matches_known_examples():
    # 79927398713 is the textbook Luhn example.
    assert luhn_check_digit("7992739871") == "3"
    assert billing_number_is_valid("1000326480166")


def test_every_single_digit_typo_is_refused():
    number = billing_number_new()
    for position in range(13):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1 :]
                assert not billing_number_is_valid(typo), typo


def test_adjacent_swaps_are_refused():
    number = "1000326480166"
    for i in range(12):
        swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        # Luhn misses only the 09/90 swap.
        if swapped != number and {number[i], number[i + 1]} != {"0", "9"}:
            assert not billing_number_is_valid(swapped), swapped


@pytest.mark.parametrize(
    "value", ["", "123", "10003264801661", "100032648016a", "0000326480161", "١٠٠٠٣٢٦٤٨٠١٦٦", None, 1000326480166]
)
def test_malformed_numbers_are_refused(value):
    assert not billing_number_is_valid(value)


def test_typed_number_is_normalised_before_checking():
    assert billing_number_normalise(" 1000 3264-8016 6 ") == "1000326480166"
    assert billing_number_normalise("١٠٠٠٣٢٦٤٨٠١٦٦") == "1000326480166"


def test_numbers_are_not_sequential():
    numbers = [int(billing_number_new()[:-1]) for _ in range(200)]
    gaps = {b - a for a, b in zip(numbers, numbers[1:], strict=False)}
    assert len(set(numbers)) == 200
    assert len(gaps) > 190


def test_numbers_come_from_secrets(monkeypatch):
    calls = []
    real = billing_numbers.secrets.randbelow

    def spy(n):
        calls.append(n)
        return real(n)

    monkeypatch.setattr(billing_numbers.secrets, "randbelow", spy)
    billing_number_new()
    assert len(calls) == 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_from_8_threads_gives_no_duplicate():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent inserts need PostgreSQL (SQLite serialises writers)")
    from payments.models import Bill
    from payments.tests.factories import BillFactory

    errors = []

    def issue(n):
        try:
            for i in range(25):
                BillFactory(lines=[(f"thread:{n}:{i}", "1.000")])
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = list(Bill.objects.values_list("billing_number", flat=True))
    assert len(numbers) == 200 == len(set(numbers))
    assert all(billing_number_is_valid(n) for n in numbers)
