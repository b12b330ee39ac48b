"""Bearer-token authentication for the app, and the party the app acts for."""

from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from ninja.security import HttpBearer

from accounts.party import Party, acting_membership, party_q
from api.models import ApiToken, token_hash
from services.reference import reference_is_valid, reference_normalise

# Writing last_used_at on every request costs a write; a minute's precision is plenty.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        api_token = ApiToken.objects.active().select_related("user").filter(key_hash=token_hash(token)).first()
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token
        return api_token


def api_party(request) -> Party:
    """Whom the app acts for: the token's choice, while the person is still a member."""
    token: ApiToken = request.api_token
    if token.organisation_id:
        membership = acting_membership(token.user, organisation_id=token.organisation_id)
        if membership is not None:
            return Party(user=token.user, organisation=membership.organisation)
        # Membership removed (or verification withdrawn): access goes at once; the token falls back to the person.
        ApiToken.objects.filter(pk=token.pk).update(organisation=None)
        token.organisation = None
    return Party(user=token.user)


def party_application(request, model, reference: str, *related: str):
    """The party's own application of `model` by its reference, with `related` joined; anybody
    else's, or a reference that cannot exist, is a 404 (its existence is not revealed)."""
    if not reference_is_valid(reference):
        raise Http404
    application = (
        model.objects.filter(party_q(api_party(request)))
        .select_related(*related)
        .filter(reference=reference_normalise(reference))
        .first()
    )
    if application is None:
        raise Http404
    return application
