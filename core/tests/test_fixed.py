"""{% per_language %}: the base layout's fixed parts rendered once per language, never across languages."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.test import Client
from django.utils import translation

ENGINE = Engine(libraries={"fixed": "core.templatetags.fixed", "i18n": "django.templatetags.i18n"})


def test_a_fixed_part_is_rendered_once_per_language_and_reused():
    template = ENGINE.from_string(
        "{% load fixed i18n %}{% per_language %}{% translate 'Services' %}:{{ n }}{% endper_language %}"
    )
    with translation.override("ar"):
        first = template.render(Context({"n": 1}))
        again = template.render(Context({"n": 2}))  # reused: nothing in it may change within a language
    with translation.override("en"):
        english = template.render(Context({"n": 3}))
    assert first == again == "الخدمات:1"
    assert english == "Services:3"


@pytest.mark.parametrize("inside", ["{% block x %}{% endblock %}", "{% csrf_token %}"])
def test_a_block_or_a_csrf_token_cannot_be_frozen_in_a_fixed_part(inside):
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string("{% load fixed %}{% per_language %}" + inside + "{% endper_language %}")


@pytest.mark.django_db
def test_the_layout_follows_the_language_of_each_request():
    client = Client()
    arabic = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    client.cookies["django_language"] = "ar"
    arabic_again = client.get("/").content.decode()
    assert "رؤيتنا" in arabic and "Our vision" not in arabic
    assert "Our vision" in english and "رؤيتنا" not in english
    assert "رؤيتنا" in arabic_again
