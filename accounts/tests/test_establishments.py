"""Establishment numbers are claims until verified (issue 17, finding 4): only a verified organisation
acts, and an unverified claim never blocks a second claimant."""

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.establishments import MSG_NOT_VERIFIED, organisation_verify
from accounts.groups import FINANCE_STAFF
from accounts.models import Establishment, Membership, Organisation
from accounts.party import SESSION_KEY
from accounts.proof import identity_prove
from accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from api.tests.test_api import sign_in

pytestmark = pytest.mark.django_db
ORG_DATA = {
    "kind": "company",
    "establishment_number": "200777888",
    "name_ar": "شركة الرمال للتجارة",
    "name_en": "",
    "phone": "06 500 1234",
}


def _register(client, user):
    client.force_login(user)
    return client.post(reverse("accounts:organisation-create"), ORG_DATA)


def test_finding_4_an_unverified_establishment_claim_does_not_block_a_second_claimant(client):
    squatter, owner = UserFactory(), UserFactory()
    assert _register(client, squatter).status_code == 302
    assert _register(client, owner).status_code == 302
    claims = Organisation.objects.filter(establishment_number="200777888")
    assert claims.count() == 2 and not any(claim.is_verified for claim in claims)


def test_finding_4_an_unverified_organisation_cannot_act_pay_or_invite(client):
    owner = UserFactory()
    _register(client, owner)
    organisation = Organisation.objects.get()
    response = client.post(reverse("accounts:acting-for"), {"party": organisation.pk}, follow=True)
    assert SESSION_KEY not in client.session
    assert "غير موثقة" in response.content.decode()
    # Payments, fleet bills and inquiries all ask accounts.party whom one acts for: still oneself.
    invite = client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]),
        {"identifier": UserFactory().national_id, "role": "member"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert invite.status_code == 400 and "غير موثقة" in invite.content.decode()
    api = sign_in(owner)
    answer = api.put("/api/v1/me/party", {"organisation_id": organisation.pk}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "organisation_not_verified"


def test_a_session_that_chose_an_organisation_loses_it_when_verification_is_withdrawn(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    client.post(reverse("accounts:acting-for"), {"party": membership.organisation_id})
    assert client.session[SESSION_KEY] == membership.organisation_id
    Organisation.objects.filter(pk=membership.organisation_id).update(verified_at=None, verification="")
    client.get(reverse("accounts:organisation-list"))
    assert SESSION_KEY not in client.session


def test_finance_staff_verify_an_organisation_in_the_admin(client):
    staff = UserFactory(staff=True)
    staff.groups.add(Group.objects.get(name=FINANCE_STAFF))
    organisation = OrganisationFactory(unverified=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_organisation_changelist"),
        {"action": "verify", "_selected_action": [organisation.pk]},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_verified and organisation.verified_by == staff and organisation.verification == "staff"


def test_staff_without_the_permission_have_no_verify_action(rf):
    staff = UserFactory(staff=True)
    request = rf.get("/")
    request.user = staff
    assert "verify" not in site._registry[Organisation].get_actions(request)


def test_verifying_a_second_claim_of_a_verified_number_is_refused():
    first = OrganisationFactory(establishment_number="200777888")
    second = OrganisationFactory(establishment_number="200777888", unverified=True)
    with pytest.raises(ValidationError) as error:
        organisation_verify(organisation=second, by=None, source=Organisation.Verification.STAFF)
    assert error.value.code == "already_verified"
    second.refresh_from_db()
    assert first.is_verified and not second.is_verified


def test_the_database_holds_one_verified_organisation_per_number():
    OrganisationFactory(establishment_number="200777888")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(establishment_number="200777888")


def test_register_import_then_a_proven_owner_is_verified_at_once(client, tmp_path):
    owner = UserFactory(national_id="9881000001")
    identity_prove(number="9881000001", signed_in_user=owner)
    owner.refresh_from_db()
    path = tmp_path / "register.csv"
    path.write_text(
        "establishment_number,name_ar,authorised_numbers\n"
        "200777888,شركة الرمال للتجارة,9881000001; 9881000009\n"
        "12,اسم,\n",
        encoding="utf-8",
    )
    call_command("import_establishments", str(path))
    assert Establishment.objects.get().authorised == {"9881000001", "9881000009"}
    _register(client, owner)
    organisation = Organisation.objects.get()
    assert organisation.is_verified and organisation.verification == "register"


def test_register_verifies_an_owners_organisations_when_they_prove_their_number(client):
    owner = UserFactory(national_id="9881000001")
    _register(client, owner)
    Establishment.objects.create(establishment_number="200777888", name_ar="x", authorised_numbers="9881000001")
    assert not Organisation.objects.get().is_verified
    identity_prove(number="9881000001", signed_in_user=owner)
    assert Organisation.objects.get().is_verified


def test_register_does_not_verify_a_self_asserted_number(client):
    owner = UserFactory(national_id="9881000001")  # typed at sign-up, never proven
    Establishment.objects.create(establishment_number="200777888", name_ar="x", authorised_numbers="9881000001")
    _register(client, owner)
    assert not Organisation.objects.get().is_verified
    assert Membership.objects.get().user == owner


def test_message_for_unverified_organisations_is_arabic():
    from django.utils import translation

    with translation.override("ar"):
        assert "غير موثقة" in str(MSG_NOT_VERIFIED)
