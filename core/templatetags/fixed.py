"""``{% per_language %}…{% endper_language %}``: a part of a template that is the same for every request
in a given language (translated text, links, static file addresses), rendered once per language and
process and then reused.

Every page renders the base layout's header, menu and footer: about twenty ``{% translate %}``, ten
``{% url %}`` and four ``{% static %}`` whose results never change between two requests in the same
language, and which cost most of a page with little else on it (issue 20: the base-layout page ≤ 8× a
bare view). Only wrap text that depends on nothing but the language: no user, request, CSRF token,
form, message or block (a child template's block would be frozen at the first page's content).
"""

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


class PerLanguageNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}  # (language, …) -> HTML; lives as long as the compiled template

    def render(self, context):
        # What else a link or a file's address depends on, should it change within a process (tests do).
        key = (get_language() or "", get_script_prefix(), get_urlconf(), settings.STATIC_URL)
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 (our template's output)
        return html


@register.tag
def per_language(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% per_language %} takes no arguments")
    nodelist = parser.parse(("endper_language",))
    parser.delete_first_token()
    for kind, why in ((BlockNode, "a page's own block would be frozen"), (CsrfTokenNode, "each request has its own")):
        if nodelist.get_nodes_by_type(kind):
            raise template.TemplateSyntaxError(f"{{% per_language %}} cannot hold a {kind.__name__}: {why}")
    return PerLanguageNode(nodelist)
