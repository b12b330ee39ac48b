"""Real threads against PostgreSQL (issue 17, finding 4): however sign-ups and Sanad proofs of one
number interleave, one account ends up holding it, and a proof always wins over a claim."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from accounts.models import User
from accounts.proof import identity_prove
from accounts.workflow import user_register

pytestmark = [pytest.mark.django_db(transaction=True)]
NUMBER = "9881000001"
PASSWORD = "Zarqa-river-2024"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL: SQLite serialises all writers")


def run_at_once(jobs):
    """Start every job at the same moment on its own thread (and connection); return (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _sign_up(mobile: str):
    return lambda: user_register(full_name_ar="منتحل الرقم", mobile=mobile, password=PASSWORD, national_id=NUMBER)


def _holders():
    return list(User.objects.filter(Q(national_id=NUMBER) | Q(personal_number=NUMBER)))


@pytest.mark.parametrize("attempt", range(3))
def test_finding_4_two_sign_ups_of_one_number_at_once_leave_one_holder(attempt):
    results, errors = run_at_once([_sign_up("+962791000001"), _sign_up("+962791000002")])
    assert sum(result is not None for result in results) == 1
    refused = [error for error in errors if error is not None]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError)
    assert "national_id" in refused[0].message_dict
    assert len(_holders()) == 1


@pytest.mark.parametrize("attempt", range(3))
def test_finding_4_a_sanad_proof_racing_a_claim_ends_with_the_prover_holding_the_number(attempt):
    prove = lambda: identity_prove(number=NUMBER, full_name_ar="ليلى حسن الخطيب")  # noqa: E731
    results, errors = run_at_once([_sign_up("+962791000003"), prove])
    sign_up_error, proof_error = errors
    assert proof_error is None, proof_error
    # The claim either came first (and lost the number to the proof) or came second (and was refused).
    assert sign_up_error is None or isinstance(sign_up_error, ValidationError)
    holders = _holders()
    assert len(holders) == 1 and holders[0].pk == results[1].pk and holders[0].identity_verified
    if sign_up_error is None:
        claimant = User.objects.get(pk=results[0].pk)
        assert claimant.national_id == "" and claimant.mobile == "+962791000003"


def test_two_proofs_of_one_number_at_once_make_one_account():
    prove = lambda: identity_prove(number=NUMBER, full_name_ar="ليلى حسن الخطيب")  # noqa: E731
    results, errors = run_at_once([prove, prove])
    assert errors == [None, None] or sum(error is not None for error in errors) == 1
    assert len(_holders()) == 1 and _holders()[0].identity_verified
