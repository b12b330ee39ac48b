from django import template
from django.conf import settings
from django.urls import reverse

from accounts.party import party_for_request
from accounts.sanad import PROVIDER_ID, sanad_enabled
from accounts.selectors import header_memberships

register = template.Library()


@register.simple_tag(takes_context=True)
def acting_party(context):
    """The signed-in person's current party and their memberships, for the header switcher."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return {"party": party_for_request(request), "memberships": header_memberships(request.user)}


@register.simple_tag
def sanad_button():
    """Where the "Sign in with Sanad" form posts, and its label; None while Sanad is off."""
    if not sanad_enabled():
        return None
    return {
        "url": reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}),
        "label": settings.SANAD_BUTTON_LABEL,
    }
