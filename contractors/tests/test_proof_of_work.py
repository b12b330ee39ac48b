"""Issue 17, finding 6: the contractor renewal's anti-bot check prints no answer. The image captcha
(whose text version spelled its digits in the page and in the look-up's JSON) is replaced by ALTCHA
proof-of-work: the server signs a challenge, the browser finds its answer by work, and a solution is
accepted once, for this form, before it expires."""

import base64
import datetime as dt
import json

import altcha
import pytest
from django.urls import reverse

from contractors.forms import RENEWAL_POW_PURPOSE
from contractors.models import RenewalRequest
from contractors.tests.conftest import pow_solve
from core.proofofwork import DEFAULT_TTL_SECONDS, challenge_new, solution_accept

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
LOOKUP = reverse("contractors:lookup")
SUBMIT = reverse("contractors:submit")
TYPED = {"period_year": "2027", "reason": "سبب كتبه المقاول بنفسه", "phone": "0791234567"}
REFUSED = "لم نتمكن من التأكد"  # "We could not confirm that a person is sending this request"


def _lookup(client, **extra):
    return client.post(LOOKUP, {"contractor_number": "55501", "permit_number": "8841", "permit_year": "2026"}, **extra)


def _submit(client, solution=None):
    data = dict(TYPED)
    if solution is not None:
        data["altcha"] = solution
    return client.post(SUBMIT, data)


def _refused_keeping_what_was_typed(response):
    page = response.content.decode()
    assert response.status_code == 200 and not RenewalRequest.objects.exists()
    assert REFUSED in page and 'role="alert"' in page
    assert TYPED["reason"] in page and 'value="0791234567"' in page


def test_finding_6_the_page_and_the_lookup_json_hold_no_answer(client, frozen, permit):
    data = _lookup(client, **JSON).json()
    page = client.get(reverse("contractors:renew")).content.decode()
    challenge = client.get(reverse("contractors:challenge")).json()

    # Nothing to read or hear: no picture, no spelled-out digits, in the page or the JSON.
    assert data["renewable"] and "captcha" not in data and "challenge" not in data
    for text in (json.dumps(data, ensure_ascii=False), page):
        assert "data:image/png" not in text and "Type the digits" not in text and "اكتب الأرقام" not in text
    assert "<altcha-widget" in page and 'name="altcha"' in page
    # The challenge is signed parameters only: the counter that answers it is found by work, never sent.
    assert set(challenge) == {"parameters", "signature"}
    assert "counter" not in json.dumps(challenge) and challenge["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert challenge["parameters"]["data"] == {"purpose": RENEWAL_POW_PURPOSE}


def test_finding_6_a_request_without_a_solved_challenge_is_refused_and_keeps_what_was_typed(client, frozen, permit):
    _lookup(client)

    _refused_keeping_what_was_typed(_submit(client))
    _refused_keeping_what_was_typed(_submit(client, ""))
    _refused_keeping_what_was_typed(_submit(client, "bm90IGEgcGF5bG9hZA=="))


def test_finding_6_a_wrong_solution_is_refused(client, frozen, permit):
    _lookup(client)
    challenge = client.get(reverse("contractors:challenge")).json()
    payload = json.loads(base64.b64decode(pow_solve(challenge)))
    wrong_counter = {**payload, "solution": {**payload["solution"], "counter": payload["solution"]["counter"] + 1}}
    # A challenge the script signed itself, or one whose prefix it made easy, fails the signature.
    easy = {
        **payload,
        "challenge": {**payload["challenge"], "parameters": {**challenge["parameters"], "keyPrefix": "0"}},
    }

    for forged in (wrong_counter, easy):
        _refused_keeping_what_was_typed(_submit(client, base64.b64encode(json.dumps(forged).encode()).decode()))


def test_finding_6_a_replayed_solution_is_refused(client, frozen, permit, pow_solution):
    _lookup(client)
    solution = pow_solution(client)
    # First use: accepted as proof of work, but the phone is wrong, so nothing is filed yet.
    first = client.post(SUBMIT, {**TYPED, "phone": "0612345", "altcha": solution})
    assert first.status_code == 200 and REFUSED not in first.content.decode()

    _refused_keeping_what_was_typed(_submit(client, solution))


def test_finding_6_a_solved_challenge_passes(client, frozen, permit, pow_solution):
    _lookup(client)

    response = _submit(client, pow_solution(client))

    assert response.status_code == 302 and RenewalRequest.objects.get().renewal_reason == TYPED["reason"]


def test_an_expired_challenge_is_refused(client, frozen, permit, pow_solution):
    _lookup(client)
    solution = pow_solution(client)
    frozen.shift(dt.timedelta(seconds=DEFAULT_TTL_SECONDS + 1))
    _lookup(client)  # the permit found again: only the proof-of-work is stale

    _refused_keeping_what_was_typed(_submit(client, solution))


def test_a_solution_is_accepted_once_and_for_its_own_form_only(frozen):
    other = pow_solve(challenge_new(purpose="another.form"))
    mine = pow_solve(challenge_new(purpose=RENEWAL_POW_PURPOSE))

    assert not solution_accept(payload=other, purpose=RENEWAL_POW_PURPOSE)
    assert solution_accept(payload=mine, purpose=RENEWAL_POW_PURPOSE)
    assert not solution_accept(payload=mine, purpose=RENEWAL_POW_PURPOSE)


def test_challenges_are_signed_with_a_key_derived_from_the_secret_key_or_the_configured_one(frozen, settings):
    challenge = altcha.Challenge.from_dict(challenge_new(purpose=RENEWAL_POW_PURPOSE))
    payload = altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()
    assert not altcha.verify_solution(payload, settings.SECRET_KEY).verified  # derived, not the key itself

    settings.ALTCHA_HMAC_KEY = "a-key-from-the-environment"
    assert not solution_accept(payload=payload, purpose=RENEWAL_POW_PURPOSE)
    assert solution_accept(payload=pow_solve(challenge_new(purpose=RENEWAL_POW_PURPOSE)), purpose=RENEWAL_POW_PURPOSE)
