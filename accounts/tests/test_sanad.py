"""Sign in with Sanad through django-allauth, against a real OpenID Provider (accounts/tests/sanad),
and "a number belongs to whoever proves it" (issue 17, finding 4)."""

import os
import subprocess
import sys

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from accounts import proof
from accounts.models import IdentityProof, User
from accounts.sanad.provider import NONCE_SESSION_KEY, SanadOAuth2Adapter, sanad_app
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import last_sms, reauthenticate
from accounts.tests.sanad import CLIENT_ID, HOLDER, NO_NUMBER, RESIDENT, USERS, sign_in_with_sanad
from accounts.workflow import password_reset_request
from notifications.models import Notification
from portal.models import AuditEntry

pytestmark = [pytest.mark.django_db]
HOLDER_NUMBER = USERS[HOLDER]["national_id"]
PASSWORD = "Zarqa-river-2024"


def _signup(client, **overrides):
    data = {
        "full_name_ar": "منتحل الرقم الغريب",
        "citizenship": "jo",
        "national_id": HOLDER_NUMBER,
        "personal_number": "",
        "nationality": "",
        "mobile": "0791112233",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


# --- Sign in with Sanad ------------------------------------------------------------------------------


def test_sanad_sign_in_for_a_new_number_creates_a_verified_account(client, sanad):
    response = sign_in_with_sanad(client, login=HOLDER)
    assert response.status_code == 302, response.content[:800]
    user = User.objects.get(national_id=HOLDER_NUMBER)
    assert user.identity_verified and user.identity_source == "sanad"
    assert user.full_name_ar == "ليلى حسن الخطيب"
    assert not user.has_usable_password() and user.mobile == "" and not user.mobile_verified
    assert client.session["_auth_user_id"] == str(user.pk)
    # Signed in; the mobile is still to verify, as for every new account.
    assert client.get(reverse("home")).url.startswith(reverse("accounts:verify-mobile"))
    assert IdentityProof.objects.get().user == user
    assert SocialAccount.objects.get().user == user


def test_a_second_sanad_sign_in_uses_the_same_account(client, sanad):
    sign_in_with_sanad(client, login=HOLDER)
    client.logout()
    response = sign_in_with_sanad(client, login=HOLDER)
    assert response.status_code == 302
    assert User.objects.filter(national_id=HOLDER_NUMBER).count() == 1
    assert client.session["_auth_user_id"] == str(User.objects.get(national_id=HOLDER_NUMBER).pk)


def test_sanad_links_to_the_account_whose_number_is_already_verified(client, sanad):
    holder = UserFactory(national_id=HOLDER_NUMBER, identity_verified=True)
    response = sign_in_with_sanad(client, login=HOLDER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(holder.pk)
    assert User.objects.filter(national_id=HOLDER_NUMBER).count() == 1
    assert SocialAccount.objects.get().user == holder


def test_sanad_never_links_by_email(client, sanad):
    same_email = UserFactory(email=USERS["holder2"]["email"])
    sign_in_with_sanad(client, login="holder2")
    proven = User.objects.get(national_id=USERS["holder2"]["national_id"])
    assert proven.pk != same_email.pk
    assert client.session["_auth_user_id"] == str(proven.pk)
    assert not SocialAccount.objects.filter(user=same_email).exists()


def test_sanad_for_a_resident_keeps_the_personal_number_and_nationality(client, sanad):
    sign_in_with_sanad(client, login=RESIDENT)
    user = User.objects.get(personal_number="EG7654321")
    assert user.identity_verified and user.nationality == "مصري" and user.national_id == ""
    assert user.full_name_en == "Omar Farouk Hassan" and user.full_name_ar == ""


def test_sanad_without_the_number_claim_signs_nobody_in(client, sanad):
    response = sign_in_with_sanad(client, login=NO_NUMBER)
    assert response.status_code == 302 and response.url == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


def test_an_id_token_without_this_sign_ins_nonce_is_refused(client, sanad):
    response = sign_in_with_sanad(
        client, login=HOLDER, tamper=lambda session: session.__setitem__(NONCE_SESSION_KEY, "x")
    )
    assert response.status_code == 401
    assert "تعذّر الدخول عبر سند" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


def test_the_authorization_request_carries_pkce_and_a_nonce(client, sanad):
    started = client.post("/accounts/oidc/sanad/login/", {"process": "login"})
    location = started["Location"]
    assert "code_challenge_method=S256" in location and "code_challenge=" in location
    assert f"nonce={client.session[NONCE_SESSION_KEY]}" in location


def test_an_id_token_signed_by_another_key_is_refused(sanad):
    """allauth skips the signature of an ID token from the token endpoint; our adapter does not."""
    request = RequestFactory().get("/")
    request.session = {NONCE_SESSION_KEY: "n-1"}
    adapter = SanadOAuth2Adapter(request, "sanad")
    kid = requests.get(f"{sanad.issuer}/jwks", timeout=5).json()["keys"][0]["kid"]
    forged = jwt.encode(
        {"iss": sanad.issuer, "aud": CLIENT_ID, "sub": "holder", "nonce": "n-1", "exp": 9999999999, "iat": 1},
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": kid},
    )
    with pytest.raises(OAuth2Error):
        adapter._decode_id_token(sanad_app(), forged)


def test_sanad_off_shows_no_button_and_has_no_provider(client, settings):
    settings.SANAD_ISSUER_URL = ""
    page = client.get(reverse("account_login")).content.decode()
    assert "oidc/sanad" not in page
    assert client.post("/accounts/oidc/sanad/login/").status_code == 404


def test_sign_in_page_offers_sanad_beside_the_password_form(client, sanad):
    page = client.get(reverse("account_login")).content.decode()
    assert 'action="/accounts/oidc/sanad/login/"' in page and "الدخول عبر سند" in page
    assert 'name="password"' in page


def test_profile_says_whether_the_identity_is_verified(client, sanad):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "غير موثقة" in page and 'value="connect"' in page
    User.objects.filter(pk=user.pk).update(identity_verified_at="2026-01-01T00:00Z", identity_source="sanad")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "هوية موثقة عبر سند" in page and 'value="connect"' not in page


def test_a_signed_in_person_proves_their_own_number_from_the_profile(client, sanad):
    own = UserFactory(national_id=HOLDER_NUMBER)
    client.force_login(own)
    reauthenticate(client)  # linking an identity to the account needs the person, not the session
    response = sign_in_with_sanad(client, login=HOLDER, process="connect")
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    own.refresh_from_db()
    assert own.identity_verified and own.national_id == HOLDER_NUMBER
    assert SocialAccount.objects.get().user == own
    assert not Notification.objects.filter(recipient=own).exists()


def test_proving_from_the_profile_with_someone_elses_identity_is_refused(client, sanad):
    other = UserFactory()
    client.force_login(other)
    response = sign_in_with_sanad(client, login=HOLDER, process="connect")
    assert response.url == reverse("accounts:profile")
    other.refresh_from_db()
    assert not other.identity_verified and other.national_id != HOLDER_NUMBER
    assert not SocialAccount.objects.exists()


# --- Finding 4: a number belongs to whoever proves it -----------------------------------------------


def test_finding_4_squatted_national_number_moves_to_its_prover_with_an_sms(client, sanad):
    squatter = UserFactory(national_id=HOLDER_NUMBER, mobile="+962791112233")
    sign_in_with_sanad(client, login=HOLDER)

    squatter.refresh_from_db()
    prover = User.objects.get(national_id=HOLDER_NUMBER)
    assert prover.pk != squatter.pk and prover.identity_verified
    assert squatter.national_id == "" and squatter.is_active and squatter.mobile == "+962791112233"
    sms = last_sms("+962791112233")
    assert sms.recipient == squatter and "سند" in sms.text
    assert HOLDER_NUMBER not in sms.text
    proof_row = IdentityProof.objects.get(user=prover)
    assert proof_row.taken_from == squatter
    # Staff see the move in the audit trail: the proof, and the claimant's number going.
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(IdentityProof), object_id=str(proof_row.pk)
    ).exists()
    changes = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(squatter.pk), action="update"
    ).values_list("changes", flat=True)
    assert {"national_id": [HOLDER_NUMBER, ""]} in list(changes)


def test_finding_4_the_claimant_keeps_their_account_and_signs_in_by_mobile(client, sanad):
    squatter = UserFactory(national_id=HOLDER_NUMBER, mobile="+962791112233")
    proof.identity_prove(number=HOLDER_NUMBER, full_name_ar="ليلى حسن الخطيب")
    login = reverse("account_login")
    client.post(login, {"login": HOLDER_NUMBER, "password": "pass-Word-123"})
    assert "_auth_user_id" not in client.session
    client.post(login, {"login": "0791112233", "password": "pass-Word-123"})
    assert client.session["_auth_user_id"] == str(squatter.pk)


def test_finding_4_sms_reset_never_reaches_the_claimant_of_a_proven_number(client, sanad):
    squatter = UserFactory(national_id=HOLDER_NUMBER, mobile="+962791112233")
    # Before the proof the claimant's account answers to the number (that is the finding)…
    assert password_reset_request(identifier=HOLDER_NUMBER) == squatter
    sign_in_with_sanad(client, login=HOLDER)
    before = Notification.objects.filter(mobile="+962791112233").count()
    client.logout()
    response = client.post(reverse("accounts:password-reset-sms"), {"identifier": HOLDER_NUMBER})
    assert response.status_code == 302
    assert Notification.objects.filter(mobile="+962791112233").count() == before
    # The number now names the prover, who has no mobile yet: no code goes anywhere.
    assert password_reset_request(identifier=HOLDER_NUMBER) is None


def test_finding_4_sign_up_with_a_claimed_number_points_the_holder_to_sanad(client, sanad):
    UserFactory(national_id=HOLDER_NUMBER)
    response = _signup(client)
    assert response.status_code == 200
    error = response.context["form"].errors["national_id"][0]
    assert "سند" in error
    assert User.objects.filter(national_id=HOLDER_NUMBER).count() == 1


def test_sign_up_with_a_proven_number_is_refused_and_says_sign_in(client, sanad):
    UserFactory(national_id=HOLDER_NUMBER, identity_verified=True)
    error = _signup(client).context["form"].errors["national_id"][0]
    assert "سند" not in error and "كلمة المرور" in error


def test_a_proven_number_never_moves_to_a_second_prover():
    first = UserFactory(national_id=HOLDER_NUMBER, identity_verified=True)
    other = UserFactory()
    with pytest.raises(proof.ValidationError):
        proof.identity_prove(number=HOLDER_NUMBER, signed_in_user=other)
    first.refresh_from_db()
    assert first.national_id == HOLDER_NUMBER


def _check(**env_vars):
    """``manage.py check`` in a fresh interpreter (settings are read once per process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANAD_", "DATABASE_", "DJANGO_ALLOW"))}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", **env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_sanad_issuer_without_client_or_over_http_in_production_stops_start_up():
    result = _check(SANAD_ISSUER_URL="https://sanad.example/oidc")
    assert result.returncode != 0 and "SANAD_CLIENT_ID" in result.stderr and "Traceback" not in result.stderr
    production = {"DEBUG": "False", "SECRET_KEY": "k" * 30 + "abcdefghij" * 3, "ALLOWED_HOSTS": "portal.example"}
    result = _check(
        SANAD_ISSUER_URL="http://sanad.example", SANAD_CLIENT_ID="portal", SANAD_CLIENT_SECRET="x", **production
    )
    assert result.returncode != 0 and "https://" in result.stderr
    assert (
        _check(SANAD_ISSUER_URL="https://sanad.example", SANAD_CLIENT_ID="portal", SANAD_CLIENT_SECRET="x").returncode
        == 0
    )


def test_reauthenticating_with_sanad_makes_sanad_ask_again(client, sanad):
    started = client.post("/accounts/oidc/sanad/login/?action=reauthenticate", {"process": "login"})
    assert "prompt=login" in started["Location"] and "max_age=0" in started["Location"]
