"""Issue 18, item 7: the standard time is counted ("يوما عمل", "3 أيام عمل"), not "%(days)s يوم عمل" for every count."""

import pytest
from django.urls import reverse

from licensing import views
from licensing.models import SplitApplication
from licensing.tests import factories as f
from licensing.workflow import split_apply

pytestmark = pytest.mark.django_db

FORMS = [
    (0, "0 يوم عمل"),
    (1, "يوم عمل واحد"),
    (2, "يوما عمل"),
    (3, "3 أيام عمل"),
    (11, "11 يوم عمل"),
    (100, "100 يوم عمل"),
]


@pytest.mark.parametrize(("days", "arabic"), FORMS)
def test_the_form_counts_the_standard_working_days(client, world, monkeypatch, days, arabic):
    monkeypatch.setattr(views, "STANDARD_WORKING_DAYS", days)
    client.force_login(world.user)
    page = client.get(reverse("licensing:start"), HTTP_ACCEPT_LANGUAGE="ar").text
    assert f"الوقت المعياري: {arabic}، لا تحتسب" in page


@pytest.mark.parametrize(("days", "arabic"), FORMS)
def test_the_request_panel_counts_the_standard_working_days(client, world, monkeypatch, days, arabic):
    monkeypatch.setattr(SplitApplication, "standard_working_days", days)
    application = split_apply(party=world.party, data=f.data(world))
    client.force_login(world.user)
    page = client.get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").text
    assert f"{arabic} (لا تحتسب أيام الجمعة" in page


def test_the_request_panel_counts_in_english_too(client, world, settings):
    application = split_apply(party=world.party, data=f.data(world))
    client.force_login(world.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "3 working days (Fridays" in client.get(application.get_absolute_url()).text
