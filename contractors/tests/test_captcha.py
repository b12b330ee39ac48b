import datetime as dt
import sys

import pytest
import time_machine
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.utils import translation

from contractors import captcha
from contractors.captcha import SESSION_KEY, captcha_check, captcha_new


@pytest.fixture
def session():
    return SessionStore()


def _answer(session, settings, answer="31415"):
    settings.CONTRACTORS_CAPTCHA_TEST_ANSWER = answer
    captcha_new(session=session)
    return answer


def test_the_session_keeps_only_a_keyed_hash_of_the_answer(session, settings):
    answer = _answer(session, settings)

    stored = session[SESSION_KEY]
    assert answer not in repr(stored)
    assert set(stored) == {"nonce", "digest", "expires"}


def test_a_right_answer_passes_once(session, settings):
    answer = _answer(session, settings)

    assert captcha_check(session=session, answer=answer)
    assert not captcha_check(session=session, answer=answer)


def test_a_wrong_answer_uses_the_challenge_up(session, settings):
    answer = _answer(session, settings)

    assert not captcha_check(session=session, answer="00000")
    assert not captcha_check(session=session, answer=answer)


def test_arabic_indic_digits_and_spaces_are_accepted(session, settings):
    _answer(session, settings, answer="31415")
    assert captcha_check(session=session, answer="٣١ ٤١٥")


def test_a_challenge_expires(session, settings):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        answer = _answer(session, settings)
        traveller.shift(dt.timedelta(seconds=captcha.DEFAULT_TTL_SECONDS + 1))
        assert not captcha_check(session=session, answer=answer)


def test_the_test_answer_is_honoured_only_in_tests_or_debug(settings, monkeypatch):
    settings.CONTRACTORS_CAPTCHA_TEST_ANSWER = "11111"
    settings.DEBUG = False
    assert captcha._test_answer() == "11111"  # under pytest

    monkeypatch.delitem(sys.modules, "pytest")  # as on a production portal
    assert captcha._test_answer() is None
    settings.DEBUG = True
    assert captcha._test_answer() == "11111"


def test_the_picture_is_a_png_and_the_text_version_spells_the_digits(session, settings):
    settings.CONTRACTORS_CAPTCHA_TEST_ANSWER = "90210"
    with translation.override("en"):
        challenge = captcha_new(session=session)
    assert challenge.image_data_uri.startswith("data:image/png;base64,iVBOR")
    assert challenge.text_alternative == "Type the digits: nine, zero, two, one, zero"
    with translation.override("ar"):
        arabic = captcha_new(session=session).text_alternative
    assert "تسعة" in arabic and "صفر" in arabic


def test_random_challenges_differ(session, settings):
    settings.CONTRACTORS_CAPTCHA_TEST_ANSWER = None
    first = captcha_new(session=session).text_alternative
    second = captcha_new(session=session).text_alternative
    third = captcha_new(session=session).text_alternative
    assert len({first, second, third}) > 1
