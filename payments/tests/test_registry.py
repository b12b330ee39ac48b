import pytest

from payments.registry import (
    HandlerConflictError,
    bill_handler_for,
    register_bill_handler,
    temporary_bill_handler,
)


def test_registering_the_same_handler_twice_is_harmless():
    def handler(bill, payment):
        pass

    with temporary_bill_handler("reg-test", handler):
        register_bill_handler("reg-test", handler)
        assert bill_handler_for("reg-test") is handler
    assert bill_handler_for("reg-test") is None


def test_a_second_handler_for_a_kind_is_refused():
    with temporary_bill_handler("reg-test", lambda b, p: None), pytest.raises(HandlerConflictError):
        register_bill_handler("reg-test", lambda b, p: None)


def test_empty_kind_is_refused():
    with pytest.raises(ValueError):
        register_bill_handler("", lambda b, p: None)
