import re
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from accounts.codes import CodeError, code_check, code_issue, code_send
from accounts.constants import CODE_MAX_ATTEMPTS
from accounts.models import OneTimeCode
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import last_sms, sms_code

pytestmark = pytest.mark.django_db
VERIFY = OneTimeCode.Purpose.VERIFY_MOBILE


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_sent_by_sms_and_only_its_hash_is_stored():
    user = UserFactory(unverified=True, language="ar")
    record = code_send(user=user, purpose=VERIFY)
    code = sms_code(user.mobile)
    assert code not in record.code_hash and code not in record.salt
    sms = last_sms(user.mobile)
    # Not in anybody's inbox: the code must reach the phone only.
    assert sms.recipient is None and sms.language == "ar"
    assert record.expires_at - record.created_at == timedelta(minutes=10)


def test_sms_is_written_in_the_recipients_language():
    user = UserFactory(unverified=True, language="en")
    code_send(user=user, purpose=VERIFY)
    assert last_sms(user.mobile).text.startswith("Amman e-Services: your verification code is")
    assert last_sms(user.mobile).language == "en"


def test_used_or_replaced_code_is_blanked_in_the_stored_sms():
    user = UserFactory(unverified=True)
    code_send(user=user, purpose=VERIFY)
    first_sms = last_sms(user.mobile)
    code_send(user=user, purpose=VERIFY)
    first_sms.refresh_from_db()
    assert not re.search(r"[0-9]{6}", first_sms.text) and "••••••" in first_sms.text
    code_check(user=user, purpose=VERIFY, code=sms_code(user.mobile))
    assert not re.search(r"[0-9]{6}", last_sms(user.mobile).text)


def test_right_code_works_once():
    user = UserFactory()
    issued = code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
    assert code_check(user=user, purpose=VERIFY, code=issued.code).pk == issued.record.pk
    with pytest.raises(CodeError) as caught:
        code_check(user=user, purpose=VERIFY, code=issued.code)
    assert caught.value.code == "no_code"


def test_code_typed_with_arabic_digits_works():
    user = UserFactory()
    issued = code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
    arabic = issued.code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    code_check(user=user, purpose=VERIFY, code=arabic)


def test_code_expires_after_ten_minutes():
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        issued = code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
        traveller.shift(timedelta(minutes=10, seconds=1))
        with pytest.raises(CodeError) as caught:
            code_check(user=user, purpose=VERIFY, code=issued.code)
    assert caught.value.code == "expired"
    assert OneTimeCode.objects.get(pk=issued.record.pk).voided_at is not None


def test_code_still_works_just_before_ten_minutes():
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        issued = code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
        traveller.shift(timedelta(minutes=9, seconds=59))
        code_check(user=user, purpose=VERIFY, code=issued.code)


def test_wrong_tries_are_counted_and_the_fifth_voids_the_code():
    user = UserFactory()
    issued = code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
    for left in range(CODE_MAX_ATTEMPTS - 1, 0, -1):
        with pytest.raises(CodeError) as caught:
            code_check(user=user, purpose=VERIFY, code=_wrong(issued.code))
        assert caught.value.code == "wrong"
        # The tries left, the noun in the form the count takes: "بقيت لك 3 محاولات", "محاولتان", "محاولة واحدة".
        expected = {1: "بقيت لك محاولة واحدة.", 2: "بقيت لك محاولتان."}.get(left, f"بقيت لك {left} محاولات.")
        assert expected in caught.value.messages[0]
    with pytest.raises(CodeError) as caught:
        code_check(user=user, purpose=VERIFY, code=_wrong(issued.code))
    assert caught.value.code == "too_many_attempts"
    # Even the right code no longer works.
    with pytest.raises(CodeError):
        code_check(user=user, purpose=VERIFY, code=issued.code)
    record = OneTimeCode.objects.get(pk=issued.record.pk)
    assert record.attempts == CODE_MAX_ATTEMPTS and record.voided_at is not None


@pytest.fixture
def predictable_codes(monkeypatch):
    """Codes 000111, 000222, ... so that two codes never collide by chance."""
    counter = iter(range(111, 10**6, 111))
    monkeypatch.setattr("accounts.codes.secrets.randbelow", lambda _n: next(counter))


def test_a_new_code_voids_the_previous_one(predictable_codes):
    user = UserFactory()
    first = code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
    second = code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
    with pytest.raises(CodeError):
        code_check(user=user, purpose=VERIFY, code=first.code)
    code_check(user=user, purpose=VERIFY, code=second.code)


def test_codes_for_other_purposes_and_people_do_not_mix(predictable_codes):
    user, other = UserFactory(), UserFactory()
    issued = code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
    code_issue(user=other, purpose=VERIFY, mobile=other.mobile)
    with pytest.raises(CodeError):
        code_check(user=user, purpose=OneTimeCode.Purpose.RESET_PASSWORD, code=issued.code)
    with pytest.raises(CodeError):
        code_check(user=other, purpose=VERIFY, code=issued.code)
    code_check(user=user, purpose=VERIFY, code=issued.code)


def test_database_allows_one_live_code_per_person_and_purpose():
    user = UserFactory()
    code_issue(user=user, purpose=VERIFY, mobile=user.mobile)
    with pytest.raises(IntegrityError):
        OneTimeCode.objects.create(
            user=user, purpose=VERIFY, mobile=user.mobile, salt="x", code_hash="y", expires_at=timezone.now()
        )
