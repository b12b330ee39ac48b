"""Writes about business accounts: organisations, invitations and memberships.

Who may do what (issue 3):

- owner: edit the organisation, invite with any role, change anyone's role, remove anyone;
- manager: invite people as members, remove members, revoke invitations for members;
- member: act for the organisation (and leave it).

An organisation always keeps at least one owner. Removing a membership takes access away at once:
:func:`accounts.party.party_for_request` checks the membership on every request.
"""

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import establishments
from accounts.models import Invitation, Membership, Organisation, User
from accounts.selectors import user_by_identifier
from notifications.outbox import notify

Role = Membership.Role

MSG_ESTABLISHMENT_TAKEN = _(
    "An organisation with this national establishment number is already registered and verified. "
    "Ask its owner to invite you."
)
MSG_ESTABLISHMENT_YOURS = _("You have already registered an organisation with this national establishment number.")
MSG_LAST_OWNER = _("An organisation must keep at least one owner. Make someone else an owner first.")

# Fixed texts only (issue 17, finding 7): an organisation's name and a person's name are typed by other
# users, and an SMS from the GAM sender must not carry their words (a link, a "call this number") to a
# phone. The portal page, behind the person's sign-in, shows who invited them and for what.
_INVITE_SMS = _(
    "Amman e-Services: you are invited to act for an organisation on the portal. "
    "Sign in and open My organisations to see the invitation, then accept or decline."
)
_REMOVED_SMS = _("Amman e-Services: you no longer act for one of your organisations. Sign in to see My organisations.")


def can_manage(membership: Membership | None) -> bool:
    """Whether this member may invite and remove people at all."""
    return membership is not None and membership.role in (Role.OWNER, Role.MANAGER)


def roles_grantable(membership: Membership | None) -> list[str]:
    """The roles this member may give in an invitation or a role change."""
    if membership is None:
        return []
    if membership.role == Role.OWNER:
        return [Role.OWNER, Role.MANAGER, Role.MEMBER]
    if membership.role == Role.MANAGER:
        return [Role.MEMBER]
    return []


def can_remove(actor: Membership | None, target: Membership) -> bool:
    if actor is None:
        return False
    if actor.pk == target.pk:
        return True  # leaving
    if actor.role == Role.OWNER:
        return True
    return actor.role == Role.MANAGER and target.role == Role.MEMBER


def can_change_role(actor: Membership | None, target: Membership) -> bool:
    return actor is not None and actor.role == Role.OWNER


def _actor(organisation: Organisation, user: User) -> Membership:
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        raise PermissionDenied
    return membership


def organisation_create(
    *, user: User, kind: str, establishment_number: str, name_ar: str, name_en: str = "", phone: str = ""
) -> Organisation:
    """Register an organisation; its creator becomes its first owner.

    The organisation is a claim until verified (accounts.establishments): an unverified claim of the
    same number by someone else does not stop this one. It is verified at once when the register of
    establishments lists the creator's proven number.
    """
    claims = Organisation.objects.filter(establishment_number=establishment_number)
    if claims.filter(verified_at__isnull=False).exists():
        raise ValidationError({"establishment_number": [MSG_ESTABLISHMENT_TAKEN]})
    if claims.filter(memberships__user=user).exists():
        raise ValidationError({"establishment_number": [MSG_ESTABLISHMENT_YOURS]})
    with transaction.atomic():
        organisation = Organisation.objects.create(
            kind=kind, establishment_number=establishment_number, name_ar=name_ar, name_en=name_en, phone=phone
        )
        Membership.objects.create(organisation=organisation, user=user, role=Role.OWNER)
    if establishments.register_authorises(establishment_number=establishment_number, user=user):
        # Verified for someone else in the meantime: it stays a claim for staff to look at.
        with contextlib.suppress(ValidationError):
            organisation = establishments.organisation_verify(
                organisation=organisation, by=None, source=Organisation.Verification.REGISTER
            )
    return organisation


def organisation_update(
    *, organisation: Organisation, by: User, name_ar: str, name_en: str, phone: str
) -> Organisation:
    if _actor(organisation, by).role != Role.OWNER:
        raise PermissionDenied
    organisation.name_ar, organisation.name_en, organisation.phone = name_ar, name_en, phone
    organisation.save(update_fields=["name_ar", "name_en", "phone"])
    return organisation


def invitation_create(*, organisation: Organisation, by: User, identifier: str, role: str) -> Invitation:
    """Invite the account holder named by a national number, personal number or mobile number."""
    actor = _actor(organisation, by)
    if role not in roles_grantable(actor):
        raise PermissionDenied
    if not organisation.is_verified:
        raise ValidationError({"identifier": [establishments.MSG_NOT_VERIFIED]})
    invitee = user_by_identifier(identifier)
    if invitee is None:
        raise ValidationError(
            {
                "identifier": [
                    _(
                        "No account uses this number. Ask the person to sign up on the portal first, "
                        "then invite them again."
                    )
                ]
            }
        )
    if Membership.objects.filter(organisation=organisation, user=invitee).exists():
        raise ValidationError({"identifier": [_("This person is already a member of the organisation.")]})
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(organisation=organisation, user=invitee, role=role, invited_by=by)
            notify(
                text=_INVITE_SMS,
                recipient=invitee,
                dedupe_key=f"accounts:invitation:{invitation.pk}",
            )
    except IntegrityError:
        raise ValidationError({"identifier": [_("This person already has an invitation waiting.")]}) from None
    return invitation


def _pending_for_update(invitation_id: int, **filters) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING, **filters)
        .first()
    )
    if invitation is None:
        raise Invitation.DoesNotExist
    return invitation


def invitation_accept(*, invitation_id: int, user: User) -> Membership:
    """The invited person accepts: they become a member with the role they were offered."""
    with transaction.atomic():
        invitation = _pending_for_update(invitation_id, user=user)
        invitation.status, invitation.responded_at = Invitation.Status.ACCEPTED, timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
        membership, _created = Membership.objects.get_or_create(
            organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
        )
    return membership


def invitation_decline(*, invitation_id: int, user: User) -> Invitation:
    with transaction.atomic():
        invitation = _pending_for_update(invitation_id, user=user)
        invitation.status, invitation.responded_at = Invitation.Status.DECLINED, timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
    return invitation


def invitation_revoke(*, invitation_id: int, organisation: Organisation, by: User) -> Invitation:
    actor = _actor(organisation, by)
    with transaction.atomic():
        invitation = _pending_for_update(invitation_id, organisation=organisation)
        if invitation.role not in roles_grantable(actor):
            raise PermissionDenied
        invitation.status, invitation.responded_at = Invitation.Status.REVOKED, timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
    return invitation


def _owners_locked(organisation: Organisation) -> list[Membership]:
    # Locking every owner row serialises "last owner" decisions: two owners demoting each other at
    # the same moment cannot leave the organisation with none.
    return list(
        Membership.objects.select_for_update().filter(organisation=organisation, role=Role.OWNER).order_by("pk")
    )


def membership_role_set(*, membership_id: int, organisation: Organisation, role: str, by: User) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": [_("Choose a role from the list.")]})
    with transaction.atomic():
        actor = _actor(organisation, by)
        target = Membership.objects.select_for_update().get(pk=membership_id, organisation=organisation)
        if not can_change_role(actor, target):
            raise PermissionDenied
        if target.role == Role.OWNER and role != Role.OWNER:
            owners = _owners_locked(organisation)
            if len(owners) <= 1:
                raise ValidationError({"role": [MSG_LAST_OWNER]})
        target.role = role
        target.save(update_fields=["role"])
    return target


def membership_remove(*, membership_id: int, organisation: Organisation, by: User) -> None:
    """Remove a member (or leave, when ``by`` is the member). Their access ends with this commit."""
    with transaction.atomic():
        actor = _actor(organisation, by)
        target = (
            Membership.objects.select_for_update()
            .select_related("user")
            .get(pk=membership_id, organisation=organisation)
        )
        if not can_remove(actor, target):
            raise PermissionDenied
        if target.role == Role.OWNER and len(_owners_locked(organisation)) <= 1:
            raise ValidationError(MSG_LAST_OWNER)
        removed_user, removed_pk = target.user, target.pk
        target.delete()
        if removed_user.pk != by.pk:
            notify(
                text=_REMOVED_SMS,
                recipient=removed_user,
                dedupe_key=f"accounts:membership-removed:{removed_pk}",
            )
