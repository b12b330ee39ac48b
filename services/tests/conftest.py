import pytest


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
