"""App tokens: what the municipality's smartphone app sends instead of a session cookie.

The token itself is shown once, when it is made; only its SHA-256 is stored, so a copy of the
database gives nobody a way in. A token is revoked by the app (log out) or by staff (admin).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_BYTES = 32
PREFIX_LENGTH = 8


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True, editable=False)
    # The first characters, shown to staff and to the person so they can tell their devices apart.
    prefix = models.CharField(_("token prefix"), max_length=PREFIX_LENGTH, editable=False)
    device = models.CharField(_("device"), max_length=100, blank=True)
    # Whom the app acts for (None: the person themselves); checked against memberships on every request.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("acting for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("app token")
        verbose_name_plural = _("app tokens")
        constraints = [
            models.CheckConstraint(condition=models.Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="apitoken_hash_hex"),
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user, device: str = "") -> tuple["ApiToken", str]:
        """A new token for ``user``: returns the row and the raw token (shown once, never stored)."""
        raw = secrets.token_urlsafe(TOKEN_BYTES)
        token = cls.objects.create(user=user, key_hash=token_hash(raw), prefix=raw[:PREFIX_LENGTH], device=device[:100])
        return token, raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
