import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from accounts import groups
from accounts.models import Organisation
from accounts.party import SESSION_KEY, party_choose, party_for_request
from accounts.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    return request


def test_party_choice_is_stored_in_the_session_and_checked_each_time():
    membership = MembershipFactory()
    request = _request(membership.user)
    party = party_choose(request, organisation_id=membership.organisation_id)
    assert party.organisation == membership.organisation and party.is_organisation
    assert request.session[SESSION_KEY] == membership.organisation_id
    assert party_for_request(request).organisation == membership.organisation
    membership.delete()
    assert party_for_request(request).organisation is None
    assert SESSION_KEY not in request.session


def test_party_choice_refuses_organisations_one_is_not_member_of(user):
    request = _request(user)
    with pytest.raises(Organisation.DoesNotExist):
        party_choose(request, organisation_id=OrganisationFactory().pk)
    assert SESSION_KEY not in request.session


def test_a_tampered_session_falls_back_to_myself(user):
    request = _request(user)
    request.session[SESSION_KEY] = OrganisationFactory().pk
    assert party_for_request(request).organisation is None


def test_department_groups_exist_with_read_access_to_accounts():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(groups.STAFF_GROUPS) <= names
    violations = Group.objects.get(name="violations_staff")
    codenames = set(
        violations.permissions.filter(content_type__app_label="accounts").values_list("codename", flat=True)
    )
    assert codenames == {"view_user", "view_organisation"}
    supervisors = Group.objects.get(name="supervisors")
    assert supervisors.permissions.filter(codename="view_membership").exists()
    # Nobody in a department edits people's accounts.
    assert not Permission.objects.filter(group__name__in=groups.STAFF_GROUPS, codename="change_user").exists()


def test_grant_gives_named_permissions_and_is_idempotent():
    assert groups.grant("finance_staff", "accounts", ["view_membership"]) == 1
    assert groups.grant("finance_staff", "accounts", ["view_membership"]) == 1
    finance = Group.objects.get(name="finance_staff")
    assert finance.permissions.filter(codename="view_membership").count() == 1


def test_grant_without_codenames_gives_all_of_the_apps_permissions_to_a_new_group():
    count = groups.grant("auditors", "accounts")
    auditors = Group.objects.get(name="auditors")
    assert (
        count == auditors.permissions.count() == Permission.objects.filter(content_type__app_label="accounts").count()
    )


def test_grant_fails_loudly_on_a_typo():
    with pytest.raises(LookupError, match="view_userr"):
        groups.grant("finance_staff", "accounts", ["view_userr"])
