import json
import os

import pytest
from django.urls import reverse

from services.models import Service

pytestmark = pytest.mark.django_db


def test_home_page_is_arabic_rtl_and_lists_services(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    for service in Service.objects.filter(is_active=True):
        assert service.name_ar in html
        assert service.get_absolute_url() in html
    assert Service.objects.filter(is_active=True).count() == 4


@pytest.mark.parametrize("path", ["/healthz", "/healthz/ready"])
def test_readiness_reports_database_cache_broker_and_file_store(client, path):
    response = client.get(path)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["storage"]["detail"] == "disk"


def test_liveness_asks_nothing_of_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_cache_is_unusable(client, monkeypatch):
    class BrokenCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("redis down")

    monkeypatch.setattr("portal.views.cache", BrokenCache())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_connects_to_the_broker_when_tasks_are_not_eager(client, settings):
    # Port 1 on the loopback: nothing listens, so only a real connection attempt can notice.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_reports_a_reachable_redis_broker(client, settings):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs a Redis server (REDIS_URL)")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["broker"] == {"ok": True, "detail": "redis"}


def test_healthz_is_never_cached_and_only_answers_get(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_language_switch_sets_english_and_comes_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html and 'dir="ltr"' in html
    assert "bootstrap.min.css" in html and "bootstrap.rtl.min.css" not in html
    assert "Service directory" in html


def test_home_page_has_skip_link_header_and_footer_from_the_cards(client):
    html = client.get("/").content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    assert "أمانة عمان الكبرى" in html
    assert "رؤيتنا" in html and "رسالتنا" in html
    assert "cdn" not in html.lower()


def test_every_beat_schedule_entry_names_a_registered_task(settings):
    from portal.celery import app

    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name!r}: no task {entry['task']!r}"


def test_weak_point_language_cookie_is_httponly_and_samesite_lax(client, settings):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # DEBUG on (development, tests): plain http://127.0.0.1 must keep working


def test_every_page_has_a_description_and_the_favicon_is_no_404(client):
    """Issue 18, item 13: /favicon.ico was 404 on every page and pages had no meta description."""
    page = client.get("/").content.decode()
    assert '<meta name="description" content="' in page and 'rel="icon"' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith(".svg")
