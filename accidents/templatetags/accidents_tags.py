from django import template

register = template.Library()


@register.simple_tag
def accident_claim(application):
    """``{% accident_claim application as claim %}``: the AccidentClaim behind a services Application."""
    from accidents.models import AccidentClaim

    if application is None or isinstance(application, AccidentClaim):
        return application
    return (
        AccidentClaim.objects.select_related("bill", "letter", "sketch", "certificate", "declared_insurer")
        .filter(pk=application.pk)
        .first()
    )
