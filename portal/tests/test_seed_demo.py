"""`seed_demo`: the demo data every app contributes, loaded once however often it runs."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from services.models import Service

pytestmark = pytest.mark.django_db


# The audit trail is append-only: re-seeding resets the demo passwords, and that is recorded each time.
APPEND_ONLY = {"portal.AuditEntry"}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.label not in APPEND_ONLY
    }


def test_seed_demo_twice_leaves_the_same_rows(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = _row_counts()
    call_command("seed_demo")
    assert _row_counts() == first
    assert first["services.Service"] == 4
    assert "seed_demo: done" in capsys.readouterr().out


def test_seed_demo_restores_the_catalogue_cards(settings):
    settings.DEBUG = True
    Service.objects.filter(slug="traffic-violations").update(name_ar="changed", standard_minutes=99)
    call_command("seed_demo")
    service = Service.objects.get(slug="traffic-violations")
    assert service.standard_minutes == 10
    assert service.name_ar.startswith("طلب الاستعلام")


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    before = _row_counts()
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert _row_counts() == before


def test_weak_point_seed_demo_has_no_force_way_around_debug_off(settings):
    settings.DEBUG = False
    before = _row_counts()
    with pytest.raises(CommandError):
        call_command("seed_demo", "--force")
    assert _row_counts() == before
