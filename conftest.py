"""Project-wide pytest fixtures."""

import os

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached pages live in the shared cache: every test starts from a clean one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the portal's default language (Arabic).

    LocaleMiddleware activates the request's language on the test's own thread and never resets it,
    so a request in English would leave lazy strings evaluated by the next test (random order) in
    English: seen in CI as an English form error under translation.override("ar").
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploads and issued documents go to a per-test private folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on 127.0.0.1 for the session (portal.testing.start_s3_server); yields its URL."""
    from portal.testing import start_s3_server

    process, endpoint = start_s3_server()
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_storage(settings, s3_server):
    """Private files in a fresh bucket of the test S3 server (instead of the per-test folder)."""
    import uuid

    import boto3

    from portal.testing import s3_storage_settings

    bucket = f"portal-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="portal-test",
        aws_secret_access_key="x",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_settings(s3_server, bucket)}
    return client, bucket


@pytest.fixture(params=["disk", "s3"])
def private_storage_kind(request):
    """Run a test against both stores a deployment may use: the disk and S3 (issue 19)."""
    if request.param == "s3":
        request.getfixturevalue("s3_storage")
    return request.param


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (tests marked `browser` use `page`)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from portal.testing import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies), Arabic, on a 390 px phone; every page it loads at phone width must
    fit the screen (no horizontal overflow: portal.testing.OverflowWatch), checked when the test ends."""
    from portal.testing import phone_context

    context = phone_context(browser)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.live_server_url = live_server.url
    yield page
    context.close()
    context.overflow.assert_none()


@pytest.fixture
def catalogue(db):
    """The four services of the seed cards, by slug.

    The data migration loads them, but a transactional test (browser tests) empties every table
    when it ends, so tests that need the catalogue ask for it instead of assuming it.
    """
    from services.catalogue_data import load_catalogue
    from services.models import Service, ServiceDocument

    load_catalogue(Service, ServiceDocument)
    return {service.slug: service for service in Service.objects.all()}


@pytest.fixture
def user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()
