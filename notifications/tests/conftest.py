import pytest

from notifications.tests.fake_sms_gateway import FakeGateway


@pytest.fixture
def fake_gateway(settings):
    """SMS_BACKEND=http pointed at a local fake gateway."""
    with FakeGateway() as gateway:
        settings.SMS_BACKEND = "http"
        settings.SMS_HTTP_URL = gateway.url
        settings.SMS_HTTP_USERNAME = "portal"
        settings.SMS_HTTP_PASSWORD = "s3cret"
        settings.SMS_SENDER_ID = "GAM"
        yield gateway
