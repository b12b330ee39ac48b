"""The message store: every SMS the portal sends is a row first (the person's inbox), sent after.

``application`` names the case a message is about by a string reference to ``services.Application``
(no import: this app sits below accounts and services, which send through it).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person: shown in their portal inbox and sent by SMS.

    ``dedupe_key`` names the event (e.g. ``accidents:42:valued``) so that the same event never produces
    two messages, however many times the code that reports it runs.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        # Claimed by exactly one task run (conditional UPDATE) while the gateway is being called.
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Shown in the inbox only: no verified mobile number to send it to.
        SKIPPED = "skipped", _("Not sent by SMS")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    mobile = models.CharField(_("mobile number"), max_length=16, blank=True)
    language = models.CharField(_("language"), max_length=2, default="ar")
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    dedupe_key = models.CharField(_("event key"), max_length=200, unique=True)
    application = models.ForeignKey(
        "services.Application",
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When the latest attempt claimed the message, and when the next one is due after a failure: the
    # recovery sweep (notifications.recovery.notifications_recover) finds messages whose task was lost.
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        # The table keeps the name it had when this model lived in the services app.
        db_table = "services_notification"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
            # The recovery sweep reads only the few unfinished messages.
            models.Index(
                fields=["status", "created_at"],
                name="notif_unfinished",
                condition=models.Q(status__in=["queued", "sending"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            ),
        ]

    def __str__(self):
        return f"{self.mobile or '-'}: {self.text[:40]}"
