import pytest
from django.urls import reverse

from accounts.models import Invitation, Membership, Organisation
from accounts.party import SESSION_KEY, Party, party_q, user_can_access
from accounts.tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory
from accounts.tests.helpers import last_sms
from notifications.models import Notification

pytestmark = pytest.mark.django_db
Role = Membership.Role

ORG_DATA = {
    "kind": "company",
    "establishment_number": "200123456",
    "name_ar": "شركة الرمال للتجارة",
    "name_en": "Sands Trading",
    "phone": "06 500 1234",
}


def _owner_with_org(**org):
    membership = MembershipFactory(role=Role.OWNER, **org)
    return membership.user, membership.organisation


def test_person_registers_an_organisation_and_becomes_its_owner(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:organisation-create"), ORG_DATA)
    organisation = Organisation.objects.get(establishment_number="200123456")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation-detail", args=[organisation.pk])
    assert organisation.phone == "+96265001234"
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).role == Role.OWNER


def test_establishment_number_already_registered_is_refused(client, user):
    OrganisationFactory(establishment_number="200123456")
    client.force_login(user)
    response = client.post(reverse("accounts:organisation-create"), ORG_DATA)
    assert response.status_code == 200
    assert response.context["form"].errors["establishment_number"]
    assert 'value="شركة الرمال للتجارة"' in response.content.decode()


def test_organisation_needs_an_arabic_name_and_jordanian_phone(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:organisation-create"), {**ORG_DATA, "name_ar": "Sands", "phone": "+44 20 7946 0000"}
    )
    errors = response.context["form"].errors
    assert errors["name_ar"] and errors["phone"]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("typed", ["0791234567", "9861012345"])
def test_owner_invites_by_mobile_or_national_number_and_the_person_is_told(client, typed):
    owner, organisation = _owner_with_org()
    invitee = UserFactory(mobile="+962791234567", national_id="9861012345")
    client.force_login(owner)
    response = client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]), {"identifier": typed, "role": "manager"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.user, invitation.role, invitation.invited_by) == (invitee, Role.MANAGER, owner)
    sms = last_sms("+962791234567").text
    assert "«جهاتي»" in sms  # the organisation is named on the page, behind sign-in (finding 7)
    # Not a member until they accept.
    assert not Membership.objects.filter(user=invitee).exists()


def test_finding_7_invitation_and_removal_sms_carry_no_text_typed_by_another_user(client):
    """An organisation's name and the inviter's name are free text: an SMS from the GAM sender must not
    carry them (a link, a phone number to call) to whatever number the inviter typed."""
    bait = "اربح جائزة: https://evil.example/x اتصل 0799999999"
    owner, organisation = _owner_with_org(organisation__name_ar=bait, organisation__name_en="Win http://evil.example")
    owner.full_name_ar = "موظف الأمانة https://evil.example/login"
    owner.save(update_fields=["full_name_ar"])
    invitee = UserFactory(mobile="+962791234567", national_id="9861012345")
    client.force_login(owner)

    client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]), {"identifier": "0791234567", "role": "member"}
    )
    membership = MembershipFactory(organisation=organisation, role=Role.MEMBER)
    client.post(reverse("accounts:membership-remove", args=[organisation.pk, membership.pk]))

    sent = list(Notification.objects.filter(recipient__in=[invitee, membership.user]))
    assert len(sent) == 2
    for notification in sent:
        assert "evil.example" not in notification.text and "0799999999" not in notification.text
        assert "http" not in notification.text and owner.full_name_ar not in notification.text
    # The invited person still learns everything once signed in, on the portal's own page.
    invitee_client = client.__class__()
    invitee_client.force_login(invitee)
    assert bait in invitee_client.get(reverse("accounts:organisation-list")).content.decode()


def test_invitation_to_a_number_without_account_is_explained(client):
    owner, organisation = _owner_with_org()
    client.force_login(owner)
    response = client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]),
        {"identifier": "0799999999", "role": "member"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 400
    assert "لا يوجد حساب" in response.context["invite_form"].errors["identifier"][0]
    assert 'value="0799999999"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_a_member_again_is_refused(client):
    owner, organisation = _owner_with_org()
    member = MembershipFactory(organisation=organisation, role=Role.MEMBER).user
    client.force_login(owner)
    response = client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]),
        {"identifier": member.national_id, "role": "member"},
    )
    assert response.context["invite_form"].errors["identifier"]
    InvitationFactory(organisation=organisation, user=UserFactory(national_id="9861012345"))
    response = client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]), {"identifier": "9861012345", "role": "member"}
    )
    assert response.context["invite_form"].errors["identifier"]


def test_invited_person_accepts_and_becomes_a_member_with_the_offered_role(client):
    invitation = InvitationFactory(role=Role.MANAGER)
    client.force_login(invitation.user)
    page = client.get(reverse("accounts:organisation-list"))
    assert invitation.organisation.name_ar in page.content.decode()
    response = client.post(reverse("accounts:invitation-accept", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.responded_at
    assert Membership.objects.get(user=invitation.user, organisation=invitation.organisation).role == Role.MANAGER


def test_declined_invitation_gives_no_access(client):
    invitation = InvitationFactory()
    client.force_login(invitation.user)
    client.post(reverse("accounts:invitation-decline", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert client.get(reverse("accounts:organisation-detail", args=[invitation.organisation_id])).status_code == 404


def test_nobody_else_can_answer_an_invitation(client, user):
    invitation = InvitationFactory()
    client.force_login(user)
    assert client.post(reverse("accounts:invitation-accept", args=[invitation.pk])).status_code == 404
    assert not Membership.objects.filter(user=user).exists()


def test_revoked_invitation_cannot_be_accepted(client):
    owner, organisation = _owner_with_org()
    invitation = InvitationFactory(organisation=organisation)
    client.force_login(owner)
    client.post(reverse("accounts:invitation-revoke", args=[organisation.pk, invitation.pk]))
    client.force_login(invitation.user)
    assert client.post(reverse("accounts:invitation-accept", args=[invitation.pk])).status_code == 404


def test_member_switches_to_act_for_the_organisation(client):
    membership = MembershipFactory(role=Role.MEMBER)
    client.force_login(membership.user)
    response = client.post(reverse("accounts:acting-for"), {"party": membership.organisation_id, "next": "/"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == membership.organisation_id
    home = client.get(reverse("home")).content.decode()
    assert membership.organisation.name_ar in home
    client.post(reverse("accounts:acting-for"), {"party": "me"})
    assert SESSION_KEY not in client.session


def test_what_one_member_creates_for_the_organisation_every_member_may_see():
    owner, organisation = _owner_with_org()
    colleague = MembershipFactory(organisation=organisation, role=Role.MEMBER)
    outsider = UserFactory()
    owned_by_org = {"applicant_id": owner.pk, "organisation_id": organisation.pk}
    assert user_can_access(owner, **owned_by_org)
    assert user_can_access(colleague.user, **owned_by_org)
    assert not user_can_access(outsider, **owned_by_org)
    # What the owner created for themselves stays theirs.
    assert not user_can_access(colleague.user, applicant_id=owner.pk, organisation_id=None)
    colleague.delete()
    assert not user_can_access(colleague.user, **owned_by_org)
    assert party_q(Party(user=owner, organisation=organisation)) == party_q(
        Party(user=colleague.user, organisation=organisation)
    )


def test_outsider_sees_nothing_of_an_organisation(client, user):
    _owner, organisation = _owner_with_org()
    InvitationFactory(organisation=organisation)
    client.force_login(user)
    pk = organisation.pk
    assert client.get(reverse("accounts:organisation-detail", args=[pk])).status_code == 404
    assert client.get(reverse("accounts:organisation-edit", args=[pk])).status_code == 404
    assert client.post(reverse("accounts:organisation-invite", args=[pk]), {"identifier": "x"}).status_code == 404
    assert client.post(reverse("accounts:acting-for"), {"party": pk}).status_code == 404
    assert SESSION_KEY not in client.session
    assert organisation.name_ar not in client.get(reverse("accounts:organisation-list")).content.decode()
    assert organisation.name_ar not in client.get(reverse("home")).content.decode()


def test_removed_member_loses_access_at_once(client):
    owner, organisation = _owner_with_org()
    membership = MembershipFactory(organisation=organisation, role=Role.MEMBER)
    client.force_login(membership.user)
    client.post(reverse("accounts:acting-for"), {"party": organisation.pk})
    assert client.get(reverse("accounts:organisation-detail", args=[organisation.pk])).status_code == 200

    owner_client = client.__class__()
    owner_client.force_login(owner)
    response = owner_client.post(reverse("accounts:membership-remove", args=[organisation.pk, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Notification.objects.filter(recipient=membership.user, dedupe_key__startswith="accounts:membership").exists()

    # Same session, next request: no more access, and they act for themselves again.
    assert client.get(reverse("accounts:organisation-detail", args=[organisation.pk])).status_code == 404
    assert organisation.name_ar not in client.get(reverse("home")).content.decode()
    assert SESSION_KEY not in client.session


def test_member_cannot_invite_or_remove(client):
    owner, organisation = _owner_with_org()
    member = MembershipFactory(organisation=organisation, role=Role.MEMBER)
    UserFactory(national_id="9861012345")
    client.force_login(member.user)
    detail = client.get(reverse("accounts:organisation-detail", args=[organisation.pk]))
    assert detail.context["invite_form"] is None
    client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]), {"identifier": "9861012345", "role": "member"}
    )
    assert not Invitation.objects.exists()
    owner_membership = Membership.objects.get(user=owner)
    response = client.post(reverse("accounts:membership-remove", args=[organisation.pk, owner_membership.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=owner_membership.pk).exists()


def test_manager_invites_members_only_and_removes_members_not_managers(client):
    _owner, organisation = _owner_with_org()
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER)
    other_manager = MembershipFactory(organisation=organisation, role=Role.MANAGER)
    member = MembershipFactory(organisation=organisation, role=Role.MEMBER)
    UserFactory(national_id="9861012345")
    client.force_login(manager.user)
    client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]), {"identifier": "9861012345", "role": "owner"}
    )
    assert not Invitation.objects.exists()
    client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]), {"identifier": "9861012345", "role": "member"}
    )
    assert Invitation.objects.get().role == Role.MEMBER
    remove = "accounts:membership-remove"
    assert client.post(reverse(remove, args=[organisation.pk, other_manager.pk])).status_code == 403
    assert client.post(reverse(remove, args=[organisation.pk, member.pk])).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_owner_changes_roles_but_never_leaves_the_organisation_without_owner(client):
    owner, organisation = _owner_with_org()
    member = MembershipFactory(organisation=organisation, role=Role.MEMBER)
    owner_membership = Membership.objects.get(user=owner)
    client.force_login(owner)
    client.post(reverse("accounts:membership-role", args=[organisation.pk, member.pk]), {"role": "manager"})
    member.refresh_from_db()
    assert member.role == Role.MANAGER
    # The only owner cannot leave.
    client.post(reverse("accounts:membership-remove", args=[organisation.pk, owner_membership.pk]))
    assert Membership.objects.filter(pk=owner_membership.pk).exists()
    # After making someone else owner, they can.
    client.post(reverse("accounts:membership-role", args=[organisation.pk, member.pk]), {"role": "owner"})
    response = client.post(reverse("accounts:membership-remove", args=[organisation.pk, owner_membership.pk]))
    assert response["Location"] == reverse("accounts:organisation-list")
    assert not Membership.objects.filter(pk=owner_membership.pk).exists()


def test_last_owner_cannot_be_demoted():
    from django.core.exceptions import ValidationError

    from accounts.organisations import membership_role_set

    owner, organisation = _owner_with_org()
    second = MembershipFactory(organisation=organisation, role=Role.OWNER)
    membership_role_set(membership_id=second.pk, organisation=organisation, role=Role.MEMBER, by=owner)
    with pytest.raises(ValidationError):
        membership_role_set(
            membership_id=Membership.objects.get(user=owner).pk, organisation=organisation, role=Role.MEMBER, by=owner
        )


def test_only_the_owner_edits_the_organisation(client):
    owner, organisation = _owner_with_org()
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER)
    client.force_login(manager.user)
    assert client.get(reverse("accounts:organisation-edit", args=[organisation.pk])).status_code == 404
    client.force_login(owner)
    response = client.post(
        reverse("accounts:organisation-edit", args=[organisation.pk]),
        {"name_ar": "شركة الاسم الجديد", "name_en": "New Name", "phone": "0791234567"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name_ar == "شركة الاسم الجديد" and organisation.phone == "+962791234567"


def test_organisations_for_lists_only_the_users_organisations(user):
    from accounts.selectors import organisations_for

    mine = MembershipFactory(user=user).organisation
    MembershipFactory()
    assert list(organisations_for(user)) == [mine]


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_organisation_pages_cost_the_same_queries_however_many_members(client):
    owner, organisation = _owner_with_org()
    client.force_login(owner)
    detail = reverse("accounts:organisation-detail", args=[organisation.pk])
    listing = reverse("accounts:organisation-list")
    MembershipFactory(organisation=organisation, role=Role.MEMBER)
    InvitationFactory(organisation=organisation)
    MembershipFactory(user=owner)
    InvitationFactory(user=owner)
    client.get(listing)  # the header's memberships remembered (accounts.selectors.header_memberships)
    few = (_queries(client, detail), _queries(client, listing))
    for _ in range(5):
        MembershipFactory(organisation=organisation, role=Role.MEMBER)
        InvitationFactory(organisation=organisation, invited_by=owner)
        MembershipFactory(user=owner)
        InvitationFactory(user=owner, invited_by=UserFactory())
    client.get(listing)
    assert (_queries(client, detail), _queries(client, listing)) == few


def test_the_header_lists_memberships_without_asking_each_page_and_forgets_on_a_change(client):
    """Issue 20: the switcher's list came from a query on every signed-in page; now from the cache, forgotten when
    a membership or its organisation changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    membership = MembershipFactory(organisation__name_ar="شركة الأولى")
    client.force_login(membership.user)
    assert "شركة الأولى" in client.get(reverse("home")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries.captured_queries if "accounts_membership" in q["sql"]]

    organisation = membership.organisation
    organisation.name_ar = "شركة الثانية"
    organisation.save()
    assert "شركة الثانية" in client.get(reverse("home")).content.decode()
    membership.delete()
    assert "شركة الثانية" not in client.get(reverse("home")).content.decode()
