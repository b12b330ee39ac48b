"""Sign-in by national number, personal number or mobile number (any way of writing it)."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.selectors import user_by_identifier


class IdentifierBackend(ModelBackend):
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
