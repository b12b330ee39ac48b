"""The portal's authentication backends.

Every signed-in request loads its person by the id in the session (``get_user``): on every page, so that one
read is a statement written once (:func:`core.sql.select`, prepared on PostgreSQL) rather than an ORM query built
for each request (issue 20: a third of the base layout's cost). The backends are Django's and allauth's, with that
read; an account that may not sign in (inactive) is refused exactly as theirs refuse it.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.selectors import user_by_identifier
from core import sql

BIGINT = range(-(2**63), 2**63)  # the id column's values: anything else is no one, as the ORM answers it


class _SessionUserLookup:
    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):  # a session holding something that is not an id
            return None
        found = sql.select(User, "{id} = %s", [user_id], limit=1) if user_id in BIGINT else None
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None


class IdentifierBackend(_SessionUserLookup, ModelBackend):
    """Sign-in by national number, personal number or mobile number (any way of writing it)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = user_by_identifier(username)
        if user is None:
            # Hash anyway so that "no such account" takes as long as "wrong password" (no enumeration by timing).
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class UsernameBackend(_SessionUserLookup, ModelBackend):
    """Django's username and password (staff accounts in the administration)."""


class AllauthBackend(_SessionUserLookup, AuthenticationBackend):
    """allauth's (sign-in with Sanad, codes): allauth records it on the sessions it opens."""
