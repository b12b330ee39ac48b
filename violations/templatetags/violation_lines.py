from django import template

from violations.rows import pdf_lines

register = template.Library()


@register.simple_tag
def violation_lines(violations, numbers=None, plate=True, last=""):
    """``{% violation_lines statement.unpaid numbers=statement.bills.per_violation plate=False last="payment" %}``:
    the rows of a violations PDF's table (violations.rows.pdf_lines)."""
    return pdf_lines(violations, numbers=numbers, plate=plate, last=last)
