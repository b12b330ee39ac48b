from django import template

from accidents.selectors import claim_for_application

register = template.Library()


@register.simple_tag
def accident_claim(application):
    """``{% accident_claim application as claim %}``: the AccidentClaim behind a services Application."""
    return claim_for_application(application)
