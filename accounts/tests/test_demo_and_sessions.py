import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import demo
from accounts.models import Membership, User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_accounts_load_twice_without_duplicates_and_sign_in():
    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    assert User.objects.filter(username__startswith="demo-").count() == len(demo.CITIZENS)
    business = User.objects.get(username="demo-business")
    assert Membership.objects.get(user=business).role == Membership.Role.OWNER
    for username, group in demo.STAFF:
        staff = User.objects.get(username=username)
        assert staff.is_staff and not staff.is_superuser
        assert list(staff.groups.values_list("name", flat=True)) == [group]
    assert User.objects.get(username="admin").is_superuser
    assert {g for _, g in demo.STAFF} == set(Group.objects.filter(user__is_staff=True).values_list("name", flat=True))


def test_demo_citizen_signs_in_with_the_documented_password(client):
    demo.load(stdout=io.StringIO())
    response = client.post(reverse("account_login"), {"login": "9991000001", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.post(reverse("account_login"), {"login": "EG1234567", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_staff_sign_in_to_the_admin(client):
    demo.load(stdout=io.StringIO())
    response = client.post(
        reverse("admin:login"), {"username": "violations", "password": demo.DEMO_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_seed_demo_refuses_with_debug_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())


def test_staff_session_ends_after_thirty_idle_minutes(client):
    staff = UserFactory(staff=True, is_superuser=True)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(staff)
        assert client.get("/admin/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200  # activity restarts the clock
        traveller.shift(timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_citizen_sessions_do_not_expire_after_thirty_minutes(client, user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(user)
        client.get(reverse("accounts:profile"))
        traveller.shift(timedelta(minutes=45))
        assert client.get(reverse("accounts:profile")).status_code == 200
