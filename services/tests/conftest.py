import pytest

from services.tests.fake_sms_gateway import FakeGateway


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


@pytest.fixture
def demo_workflow():
    """Registers the demo application workflow (services.tests.demo_workflow) for one test."""
    from services import workflow as wf
    from services.tests.demo_workflow import DemoWorkflow

    previous = wf._registry.get(DemoWorkflow.kind)
    wf.register_workflow(DemoWorkflow)
    DemoWorkflow.hook_calls = []
    yield DemoWorkflow
    if previous is None:
        wf._registry.pop(DemoWorkflow.kind, None)
    else:
        wf._registry[DemoWorkflow.kind] = previous
