"""The audit trail (issue 11): who changed or looked at what, and when.

Status changes of applications are already recorded by ``services.ApplicationEvent`` and admin
edits by Django's ``LogEntry``. ``AuditEntry`` adds what those miss: every write to the records the
money and the permits hang on (``settings.AUDITED_MODELS``, from any door: admin, workflow, task,
shell), and every staff view of a person's data in the admin or of their files. Written by
``portal.audit``; read-only in the admin; never updated.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import datetime_text


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        VIEW = "view", _("Viewed")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept when the account is gone; "system" for tasks, commands and machine calls.
    actor_repr = models.CharField(_("who (as recorded)"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    # {"field": [old, new]}; secrets are masked (portal.audit.MASKED_FIELDS).
    changes = models.JSONField(_("what changed"), default=dict, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    # The client's address as core.ratelimit.client_ip reads it (behind the TLS proxy: not the proxy's).
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="audit_object_at")]

    def __str__(self):
        return f"{datetime_text(self.at)} {self.actor_repr} {self.action} {self.object_repr}"
