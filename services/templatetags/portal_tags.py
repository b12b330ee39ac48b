from django import template

register = template.Library()


@register.filter
def tr(obj, field):
    """``{{ service|tr:"name" }}``: the field in the active language (Arabic as fallback)."""
    return obj.tr(field)


@register.filter
def tr_lines(obj, field):
    """``{% for step in service|tr_lines:"steps" %}``: a one-item-per-line field as a list."""
    return obj.tr_lines(field)
