"""Factories for applications of the demo workflow, created through the real workflow functions."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from services.models import Application
from services.tests.demo_workflow import KIND, DemoStatus
from services.workflow import Deadline, application_create


class DemoApplicationFactory(factory.Factory):
    """``DemoApplicationFactory(awaiting_payment=True)`` etc.; needs the ``demo_workflow`` fixture."""

    class Meta:
        model = Application

    applicant = factory.SubFactory(UserFactory)
    organisation = None
    status = DemoStatus.SUBMITTED
    deadline = None

    class Params:
        draft = factory.Trait(status=DemoStatus.DRAFT)
        awaiting_payment = factory.Trait(
            status=DemoStatus.AWAITING_PAYMENT,
            deadline=factory.LazyFunction(
                lambda: Deadline(
                    at=timezone.now() + timedelta(days=3),
                    action=DemoStatus.CANCELLED,
                    reason="Not paid within 3 days",
                )
            ),
        )

    @classmethod
    def _create(cls, model_class, *, applicant, organisation, status, deadline):
        return application_create(
            model=model_class,
            kind=KIND,
            applicant=applicant,
            organisation=organisation,
            service_slug=None,
            status=status,
            deadline=deadline,
        )

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("Applications exist only through application_create().")
