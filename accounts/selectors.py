"""Named reads about people and organisations (other apps may use these)."""

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts.identity import identifier_normalise
from accounts.models import Invitation, Membership, Organisation, User


def organisations_for(user: User) -> QuerySet[Organisation]:
    """Organisations ``user`` is a member of (any role), by Arabic name."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name_ar", "pk")


def memberships_for(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name_ar", "pk")


HEADER_MEMBERSHIPS_KEY = "accounts.header_memberships:{}"
HEADER_MEMBERSHIPS_SECONDS = 300


def header_memberships(user: User) -> list[Membership]:
    """The memberships the header's "acting for" switcher lists, remembered in the shared cache (issue 20: every
    signed-in page asked for them). Forgotten when a membership or an organisation changes
    (accounts.signals); at most five minutes old otherwise. Only for showing the switcher: who may act for an
    organisation is checked live (accounts.party)."""
    key = HEADER_MEMBERSHIPS_KEY.format(user.pk)
    memberships = cache.get(key)
    if memberships is None:
        memberships = list(memberships_for(user))
        cache.set(key, memberships, HEADER_MEMBERSHIPS_SECONDS)
    return memberships


def header_memberships_forget(*user_ids: int) -> None:
    cache.delete_many([HEADER_MEMBERSHIPS_KEY.format(pk) for pk in user_ids])


def membership_for(user: User, *, organisation_id: int) -> Membership | None:
    """``user``'s membership of the organisation, or None: the one check behind every organisation page."""
    return Membership.objects.select_related("organisation").filter(user=user, organisation_id=organisation_id).first()


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    # Owners first, then managers, then members: the order people expect on the page.
    rank = Case(
        When(role=Membership.Role.OWNER, then=Value(0)),
        When(role=Membership.Role.MANAGER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .annotate(rank=rank)
        .order_by("rank", "user__full_name_ar", "pk")
    )


def organisation_pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation, status=Invitation.Status.PENDING).select_related(
        "user", "invited_by"
    )


def invitations_pending_for(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(user=user, status=Invitation.Status.PENDING).select_related(
        "organisation", "invited_by"
    )


def user_by_identifier(identifier: str) -> User | None:
    """The active account named by a national number, personal number or mobile number, or None.

    A number that names two accounts (a national number equal to someone's personal number) names
    nobody: guessing between them would let one person into the other's account.
    """
    kind, value = identifier_normalise(identifier)
    if not value:
        return None
    query = Q(mobile=value) if kind == "mobile" else Q(national_id=value) | Q(personal_number=value)
    users = list(User.objects.filter(query, is_active=True)[:2])
    return users[0] if len(users) == 1 else None
