# Kept whole: the account pages (sign-up, sign-in, recovery, profile, organisations), each a thin view over accounts.workflow.
"""Pages of the accounts app (sign-up and sign-in themselves are django-allauth's views with our forms).

Each view checks input with a form, calls one function from workflow.py / organisations.py / party.py,
and renders or redirects. Organisation pages answer 404 to anyone who is not a member.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import organisations as org_services
from accounts import selectors, workflow
from accounts.adapter import language_apply
from accounts.codes import CodeError, code_live
from accounts.establishments import MSG_NOT_VERIFIED
from accounts.forms import (
    InvitationForm,
    MobileForm,
    OrganisationForm,
    PasswordResetCodeForm,
    PasswordResetRequestForm,
    ProfileForm,
    RoleForm,
    VerifyCodeForm,
)
from accounts.models import Invitation, Membership, OneTimeCode, Organisation, User
from accounts.party import party_choose, party_for_request
from accounts.reauth import reauthentication_required
from accounts.security import code_send_throttle, lookup_throttle, password_reset_throttle
from core.forms import form_add_errors

RESET_SESSION_KEY = "accounts.password_reset_user"


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- Mobile verification ---------------------------------------------------------------------------------


@login_required
def verify_mobile(request):
    user = request.user
    if user.mobile_verified:
        return redirect(_safe_next(request, reverse("home")))
    if not user.mobile:
        # The number was released to someone who proved it (workflow.mobile_release_stale): ask for one.
        return redirect("accounts:mobile-change")
    form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            code_send_throttle(request, mobile=user.mobile)
            workflow.mobile_verification_resend(user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("We sent a new code to %(mobile)s.") % {"mobile": user.mobile_local})
        return redirect(request.get_full_path())
    if request.method == "POST" and form.is_valid():
        try:
            workflow.mobile_verify(user=user, code=form.cleaned_data["code"])
        except CodeError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("Your mobile number is verified. Welcome!"))
            return redirect(_safe_next(request, reverse("home")))
    live = code_live(user=user, purpose=OneTimeCode.Purpose.VERIFY_MOBILE)
    return render(request, "accounts/verify_mobile.html", {"form": form, "live_code": live})


# --- Profile ------------------------------------------------------------------------------------------------


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflow.profile_update(
                user=user,
                full_name_ar=data["full_name_ar"],
                full_name_en=data["full_name_en"],
                language=data["language"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            response = redirect("accounts:profile")
            # The preference also chooses the portal's language, the way the header switch does.
            language_apply(response, user.language)
            messages.success(request, _("Your profile is saved."))
            return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": selectors.memberships_for(user)},
    )


# Changing the number asks for the password again (allauth's reauthentication, at most
# ACCOUNT_REAUTHENTICATION_TIMEOUT old): a borrowed session must not move the account's SMS (finding 1).
# The confirmation step too, so a code asked for by the person cannot be spent by the next one at the screen.
@login_required
@reauthentication_required
def mobile_change(request):
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        try:
            code_send_throttle(request, mobile=mobile)
            workflow.mobile_change_request(user=request.user, mobile=mobile)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("We sent a code to %(mobile)s.") % {"mobile": f"0{mobile[4:]}"})
            return redirect("accounts:mobile-change-confirm")
    return render(request, "accounts/mobile_change.html", {"form": form})


@login_required
@reauthentication_required
def mobile_change_confirm(request):
    live = code_live(user=request.user, purpose=OneTimeCode.Purpose.CHANGE_MOBILE)
    form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.mobile_change_confirm(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("Your mobile number is changed and verified."))
            return redirect("accounts:profile")
    elif request.method == "GET" and live is None:
        return redirect("accounts:mobile-change")
    return render(request, "accounts/mobile_change_confirm.html", {"form": form, "live_code": live})


# --- Password reset by SMS code -------------------------------------------------------------------------------


def password_reset_sms(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_throttle(request, identifier=form.cleaned_data["identifier"])
            user = workflow.password_reset_request(identifier=form.cleaned_data["identifier"])
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            request.session[RESET_SESSION_KEY] = user.pk if user else None
            messages.info(
                request,
                _("If an account uses this number, we sent a code to its mobile. The code works for 10 minutes."),
            )
            return redirect("accounts:password-reset-sms-confirm")
    return render(request, "accounts/password_reset_sms.html", {"form": form})


def password_reset_sms_confirm(request):
    if RESET_SESSION_KEY not in request.session:
        return redirect("accounts:password-reset-sms")
    user_pk = request.session[RESET_SESSION_KEY]
    user = User.objects.filter(pk=user_pk, is_active=True).first() if user_pk else None
    form = PasswordResetCodeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        if user is None:
            # Nobody to reset: answer as for a wrong code, so the page does not reveal it.
            form.add_error("code", _("There is no valid code for this step. Ask for a new code."))
        else:
            try:
                workflow.password_reset_complete(
                    user=user, code=form.cleaned_data["code"], password=form.cleaned_data["password1"]
                )
            except ValidationError as error:
                form.add_error("code" if isinstance(error, CodeError) else "password1", error)
            else:
                del request.session[RESET_SESSION_KEY]
                messages.success(request, _("Your password is changed. Sign in with your new password."))
                return redirect("account_login")
    return render(request, "accounts/password_reset_sms_confirm.html", {"form": form})


# --- Acting for ------------------------------------------------------------------------------------------


@login_required
@require_POST
def acting_for(request):
    """Choose whom to act for: ``party=me`` or ``party=<organisation id>``."""
    choice = request.POST.get("party", "me")
    if choice == "me":
        party = party_choose(request, organisation_id=None)
    else:
        try:
            party = party_choose(request, organisation_id=int(choice))
        except (ValueError, Organisation.DoesNotExist):
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_safe_next(request, reverse("home")))
    messages.success(request, _("You now act for: %(party)s") % {"party": party.name})
    return redirect(_safe_next(request, reverse("home")))


# --- Organisations ---------------------------------------------------------------------------------------


def _membership_or_404(request, pk: int) -> Membership:
    membership = selectors.membership_for(request.user, organisation_id=pk)
    if membership is None:
        raise Http404
    return membership


@login_required
def organisation_list(request):
    party = party_for_request(request)
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "memberships": selectors.memberships_for(request.user),
            "invitations": selectors.invitations_pending_for(request.user),
            "party": party,
        },
    )


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = org_services.organisation_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            text = (
                _("%(name)s is registered and you are its owner. Choose it in the header to act for it.")
                if organisation.is_verified
                else _(
                    "%(name)s is registered and you are its owner. It can act, pay and invite people once "
                    "the municipality verifies its establishment number."
                )
            )
            messages.success(request, text % {"name": organisation.name_ar})
            return redirect("accounts:organisation-detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "creating": True})


@login_required
def organisation_detail(request, pk: int):
    membership = _membership_or_404(request, pk)
    organisation = membership.organisation
    invite_form = InvitationForm(roles=org_services.roles_grantable(membership))
    return _render_detail(request, membership, organisation, invite_form)


def _render_detail(request, membership, organisation, invite_form, status=200):
    members = list(selectors.organisation_members(organisation))
    owners = sum(1 for other in members if other.role == Membership.Role.OWNER)
    for other in members:
        # The last owner cannot leave or be removed (organisations.membership_remove says why): no button.
        last_owner = other.role == Membership.Role.OWNER and owners <= 1
        other.can_remove = org_services.can_remove(membership, other) and not last_owner
        other.can_change_role = org_services.can_change_role(membership, other) and other.pk != membership.pk
    invitations = list(selectors.organisation_pending_invitations(organisation))
    grantable = org_services.roles_grantable(membership)
    for invitation in invitations:
        invitation.can_revoke = invitation.role in grantable
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "members": members,
            "invitations": invitations,
            "invite_form": invite_form if org_services.can_manage(membership) and organisation.is_verified else None,
            "not_verified_message": MSG_NOT_VERIFIED,
            "role_choices": Membership.Role.choices,
            "acting": party_for_request(request).organisation == organisation,
        },
        status=status,
    )


@login_required
def organisation_edit(request, pk: int):
    membership = _membership_or_404(request, pk)
    if membership.role != Membership.Role.OWNER:
        raise Http404
    organisation = membership.organisation
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        org_services.organisation_update(organisation=organisation, by=request.user, **form.cleaned_data)
        messages.success(request, _("The organisation's details are saved."))
        return redirect("accounts:organisation-detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def organisation_invite(request, pk: int):
    membership = _membership_or_404(request, pk)
    organisation = membership.organisation
    form = InvitationForm(request.POST, roles=org_services.roles_grantable(membership))
    if form.is_valid():
        try:
            lookup_throttle(request)
            invitation = org_services.invitation_create(
                organisation=organisation,
                by=request.user,
                identifier=form.cleaned_data["identifier"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is invited. They become a member when they accept.")
                % {"name": invitation.user.display_name},
            )
            return redirect("accounts:organisation-detail", pk=organisation.pk)
    return _render_detail(request, membership, organisation, form, status=400)


@login_required
@require_POST
def organisation_revoke(request, pk: int, invitation_pk: int):
    membership = _membership_or_404(request, pk)
    try:
        org_services.invitation_revoke(
            invitation_id=invitation_pk, organisation=membership.organisation, by=request.user
        )
    except Invitation.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The invitation is withdrawn."))
    return redirect("accounts:organisation-detail", pk=pk)


@login_required
@require_POST
def membership_role(request, pk: int, membership_pk: int):
    membership = _membership_or_404(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        changed = org_services.membership_role_set(
            membership_id=membership_pk,
            organisation=membership.organisation,
            role=form.cleaned_data["role"],
            by=request.user,
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(role)s") % {"name": changed.user.display_name, "role": changed.get_role_display()},
        )
    return redirect("accounts:organisation-detail", pk=pk)


@login_required
@require_POST
def membership_remove(request, pk: int, membership_pk: int):
    membership = _membership_or_404(request, pk)
    leaving = membership.pk == membership_pk
    try:
        org_services.membership_remove(
            membership_id=membership_pk, organisation=membership.organisation, by=request.user
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:organisation-detail", pk=pk)
    if leaving:
        messages.success(request, _("You left %(name)s.") % {"name": membership.organisation.name_ar})
        return redirect("accounts:organisation-list")
    messages.success(request, _("The member is removed. They no longer have access."))
    return redirect("accounts:organisation-detail", pk=pk)


@login_required
@require_POST
def invitation_answer(request, invitation_pk: int, answer: str):
    try:
        if answer == "accept":
            joined = org_services.invitation_accept(invitation_id=invitation_pk, user=request.user)
            messages.success(
                request,
                _("You are now a member of %(name)s. Choose it in the header to act for it.")
                % {"name": joined.organisation.name_ar},
            )
        else:
            org_services.invitation_decline(invitation_id=invitation_pk, user=request.user)
            messages.info(request, _("The invitation is declined."))
    except Invitation.DoesNotExist:
        raise Http404 from None
    return redirect("accounts:organisation-list")
