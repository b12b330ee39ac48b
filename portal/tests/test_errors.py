import pytest
from django.http import HttpResponse
from django.urls import path
from django_ratelimit.decorators import ratelimit

from portal.urls import urlpatterns as portal_urlpatterns


def _boom(request):
    raise ZeroDivisionError("secret detail from deep inside")


def _database_down(request):
    from django.db import OperationalError

    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@ratelimit(key="ip", rate="1/m", block=True)
def _limited(request):
    return HttpResponse("ok")


# A URLconf with views that fail, on top of the portal's own (the handlers are looked up here).
urlpatterns = [path("boom/", _boom), path("db-down/", _database_down), path("limited/", _limited), *portal_urlpatterns]
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def failing_client(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def test_server_error_page_is_generic_and_translated_without_traceback(failing_client):
    response = failing_client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "حدث خطأ غير متوقع" in html
    for leak in ("Traceback", "ZeroDivisionError", "secret detail", "_boom"):
        assert leak not in html


def test_database_unreachable_is_503_with_retry_after_and_the_same_generic_page(failing_client):
    response = failing_client.get("/db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "حدث خطأ غير متوقع" in html
    assert "Connection refused" not in html and "127.0.0.1" not in html


def test_server_error_page_in_english_when_english_is_chosen(failing_client):
    failing_client.cookies["django_language"] = "en"
    response = failing_client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'lang="en"' in html and 'dir="ltr"' in html
    assert "Something went wrong" in html


def test_unknown_url_gets_translated_404_in_the_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "الصفحة غير موجودة" in html
    assert 'href="#main"' in html  # the layout's skip link
    assert "رؤيتنا" in html  # the layout's footer


def test_404_in_english(client, settings):
    settings.DEBUG = False
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_rate_limited_request_gets_translated_429_in_the_layout(client):
    assert client.get("/limited/").status_code == 200
    response = client.get("/limited/")
    assert response.status_code == 429
    html = response.content.decode()
    assert "طلبات كثيرة" in html
    assert 'href="#main"' in html and "رؤيتنا" in html


def test_429_in_english(client):
    client.cookies["django_language"] = "en"
    client.get("/limited/")
    response = client.get("/limited/")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
