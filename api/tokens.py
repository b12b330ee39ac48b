"""Signing in and out of the app (tokens), who is signed in, and whom they act for."""

from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Router, Status

from accounts.establishments import MSG_NOT_VERIFIED
from accounts.models import Membership
from accounts.party import acting_membership
from api import schemas
from api.auth import api_party
from api.common import ERRORS
from api.errors import ApiError
from api.models import ApiToken

auth_router = Router(tags=["sign-in"])
me_router = Router(tags=["me"])


def _me(user, token: ApiToken) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name_ar")
    return {
        "id": user.pk,
        "name": user.display_name,
        "full_name_ar": user.full_name_ar,
        "full_name_en": user.full_name_en,
        "mobile": user.mobile,
        "language": user.language,
        "acting_for": token.organisation_id,
        "organisations": [
            {"id": m.organisation_id, "name_ar": m.organisation.name_ar, "role": m.role} for m in memberships
        ],
    }


@auth_router.post(
    "/token",
    auth=None,
    response={200: schemas.TokenOut, 403: schemas.Error, **ERRORS},
    summary="Sign in: get an app token",
    operation_id="api_endpoints_token_create",
)
def token_create(request, payload: schemas.LoginIn):
    """The same national, personal or mobile number and password as the website, counted by the
    same failed-sign-in lockout (django-axes)."""
    try:
        user = authenticate(request, username=payload.identifier.strip(), password=payload.password)
    except AxesBackendPermissionDenied:
        user = None
    if getattr(request, "axes_locked_out", False):
        # Answered here in JSON: stop axes' middleware from swapping in the website's HTML lockout page.
        request.axes_locked_out = False
        minutes = int(get_cool_off(request).total_seconds() // 60)
        message = ngettext(
            "Too many failed sign-in attempts. Wait %(n)s minute and try again.",
            "Too many failed sign-in attempts. Wait %(n)s minutes and try again.",
            minutes,
        )
        raise ApiError(429, "locked_out", message % {"n": minutes})
    if user is None:
        raise ApiError(401, "bad_credentials", _("The number or the password is not correct."))
    if not user.mobile_verified:
        raise ApiError(
            403,
            "mobile_not_verified",
            _("Verify your mobile number on the portal website first, then sign in to the app."),
        )
    token, raw = ApiToken.issue(user=user, device=payload.device)
    return {"token": raw, "me": _me(user, token)}


@auth_router.delete(
    "/token",
    response={204: None, 401: schemas.Error},
    summary="Sign out: revoke this token",
    operation_id="api_endpoints_token_revoke",
)
def token_revoke(request):
    request.api_token.revoke()
    return Status(204, None)


@me_router.get(
    "",
    response={200: schemas.Me, 401: schemas.Error},
    summary="Who is signed in, and whom they act for",
    operation_id="api_endpoints_me",
)
def me(request):
    api_party(request)  # drops a membership that was taken away
    return _me(request.user, request.api_token)


@me_router.put(
    "/party",
    response={200: schemas.Me, **ERRORS},
    summary="Act for oneself or an organisation",
    operation_id="api_endpoints_party_choose",
)
def party_choose(request, payload: schemas.PartyIn):
    token = request.api_token
    if payload.organisation_id is not None:
        membership = Membership.objects.filter(user=request.user, organisation_id=payload.organisation_id).first()
        if membership is None:
            raise Http404
        if acting_membership(request.user, organisation_id=payload.organisation_id) is None:
            raise ApiError(400, "organisation_not_verified", MSG_NOT_VERIFIED)
    token.organisation_id = payload.organisation_id
    token.save(update_fields=["organisation"])
    return _me(request.user, token)
