from pathlib import Path

import pytest

TEST_TEMPLATES = Path(__file__).resolve().parent / "templates"


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


@pytest.fixture
def test_templates(settings):
    """The templates of these tests (services_tests/sample_pdf.html …) found beside the project's."""
    base = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**base, "DIRS": [*base["DIRS"], TEST_TEMPLATES]}]
