from django import template

from performance.models import Rating
from performance.workflow import application_is_completed

register = template.Library()


@register.simple_tag
def rating_state(application) -> str:
    """ "rate" when the applicant may rate ``application`` now, "rated" when done, "" otherwise."""
    if application is None or not application_is_completed(application):
        return ""
    return "rated" if Rating.objects.filter(application_id=application.pk).exists() else "rate"
