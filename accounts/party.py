"""Whom a signed-in person acts for: themselves or one of their organisations.

Every object a service creates belongs to a *party*: ``(user, organisation)`` with ``organisation``
None when the person acts for themselves. Service apps store ``applicant`` (who did it) and
``organisation`` (nullable), and filter with :func:`party_q` so that a person sees what they own
and every member of an organisation sees what belongs to it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.establishments import MSG_NOT_VERIFIED
from accounts.models import Membership, Organisation, User

SESSION_KEY = "acting_for_organisation_id"


@dataclass(frozen=True)
class Party:
    user: User
    organisation: Organisation | None = None

    @property
    def is_organisation(self) -> bool:
        return self.organisation is not None

    @property
    def name(self) -> str:
        return self.organisation.name_ar if self.organisation else self.user.display_name


def party_for_request(request) -> Party:
    """The party the signed-in user currently acts for (session choice, checked against memberships)."""
    user = request.user
    org_id = request.session.get(SESSION_KEY)
    if org_id:
        membership = acting_membership(user, organisation_id=org_id)
        if membership:
            return Party(user=user, organisation=membership.organisation)
        # Membership removed (or the organisation's verification withdrawn): access goes at once.
        request.session.pop(SESSION_KEY, None)
    return Party(user=user)


def acting_membership(user: User, *, organisation_id: int) -> Membership | None:
    """``user``'s membership of the organisation when they may act for it now: only a verified
    organisation acts (issue 17, finding 4: an establishment number typed by anyone proves nothing)."""
    return (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation_id=organisation_id, organisation__verified_at__isnull=False)
        .first()
    )


def party_q(party: Party, *, applicant_field: str = "applicant", organisation_field: str = "organisation") -> Q:
    """Filter for objects owned by ``party``."""
    if party.organisation is not None:
        return Q(**{f"{organisation_field}": party.organisation})
    return Q(**{f"{applicant_field}": party.user, f"{organisation_field}__isnull": True})


def user_can_access(user: User, *, applicant_id: int | None, organisation_id: int | None) -> bool:
    """Whether ``user`` may see an object owned by (applicant, organisation), whichever party they act for now."""
    if organisation_id is not None:
        return Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    return applicant_id == user.pk


def party_owns(party: Party, *, applicant_id: int | None, organisation_id: int | None) -> bool:
    """Whether ``party``, as it acts now, owns an object of (applicant, organisation).

    Stricter than :func:`user_can_access`: a person acting for themselves does not own their
    organisation's objects, and acting for an organisation needs a membership that still exists.
    """
    if party.organisation is not None:
        return organisation_id == party.organisation.pk and user_can_access(
            party.user, applicant_id=None, organisation_id=party.organisation.pk
        )
    return organisation_id is None and applicant_id == party.user.pk


def party_choose(request, *, organisation_id: int | None) -> Party:
    """Act for oneself (``None``) or for one of one's organisations from now on in this session.

    Raises ``Organisation.DoesNotExist`` when the person is not a member: to them it does not exist;
    ``ValidationError`` (with a message to show) when the organisation is not verified yet.
    """
    if organisation_id is None:
        request.session.pop(SESSION_KEY, None)
        return Party(user=request.user)
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=request.user, organisation_id=organisation_id)
        .first()
    )
    if membership is None:
        raise Organisation.DoesNotExist
    if not membership.organisation.is_verified:
        raise ValidationError(MSG_NOT_VERIFIED, code="not_verified")
    request.session[SESSION_KEY] = membership.organisation_id
    return Party(user=request.user, organisation=membership.organisation)
