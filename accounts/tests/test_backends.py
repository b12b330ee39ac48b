"""The session's person, read on every signed-in page by the portal's backends (accounts.backends)."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import AllauthBackend, IdentifierBackend, UsernameBackend
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BACKENDS = [IdentifierBackend, UsernameBackend, AllauthBackend]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_person_read_is_the_one_the_orm_reads(backend):
    user = UserFactory(full_name_ar="سلمى خالد", mobile="+962791234567", mobile_verified=True)
    read = backend().get_user(user.pk)
    expected = get_user_model().objects.get(pk=user.pk)
    assert read == expected
    fields = [f.attname for f in get_user_model()._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert not read._state.adding and read._state.db == "default"
    read.full_name_en = "Salma Khaled"
    read.save()  # an instance like the ORM's: it saves as an update of its row
    assert get_user_model().objects.get(pk=user.pk).full_name_en == "Salma Khaled"


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_inactive_missing_or_garbled_person_is_nobody(backend):
    inactive = UserFactory(is_active=False)
    assert backend().get_user(inactive.pk) is None
    assert backend().get_user(inactive.pk + 1000) is None
    assert backend().get_user("not an id") is None
    assert backend().get_user(2**70) is None  # past the id column's range: no one, not a database error
    assert backend().get_user(None) is None


@pytest.mark.parametrize("backend", ["accounts.backends.UsernameBackend", "accounts.backends.AllauthBackend"])
def test_a_session_of_each_backend_is_signed_in_and_a_deactivated_account_is_signed_out(backend):
    user = UserFactory(mobile_verified=True)
    client = Client()
    client.force_login(user, backend=backend)
    assert client.session[BACKEND_SESSION_KEY] == backend
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    users = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(users) == 1 and "LIMIT 1" in users[0]  # the session's person, read once
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("accounts:profile")).status_code == 302  # to sign-in: nobody any more


def test_signing_in_records_the_portal_backend(client):
    UserFactory(national_id="9861012345", password="pass-Word-123")
    client.post(reverse("account_login"), {"login": "9861012345", "password": "pass-Word-123"})
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.IdentifierBackend"
