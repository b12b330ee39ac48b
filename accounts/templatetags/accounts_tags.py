from django import template

from accounts.party import party_for_request
from accounts.selectors import memberships_for

register = template.Library()


@register.simple_tag(takes_context=True)
def acting_party(context):
    """The signed-in person's current party and their memberships, for the header switcher."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return {"party": party_for_request(request), "memberships": list(memberships_for(request.user))}
