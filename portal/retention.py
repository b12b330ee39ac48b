"""What the portal stops keeping once the law and the service no longer need it (issue 11).

- One-time SMS codes (``accounts.OneTimeCode``): deleted ``RETENTION_CODES_DAYS`` after they expired.
  Only a keyed hash was ever stored; an expired code proves nothing and helps no one.
- Files people uploaded to a case (``services.Upload``): the file itself is deleted
  ``RETENTION_UPLOADS_DAYS`` after every case that uses it closed; the row (name, type, size, SHA-256)
  stays so the case still says what was given. A file used by a case still open is kept.
- Never touched: the financial ledger (bills, bill lines, payments, receipts, eFAWATEERcom messages,
  settlements), issued documents, and the applications and their events.

Safe to run twice or from two schedulers at once: each step is a conditional delete/update.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import ForeignKey, OneToOneField
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    codes: int
    uploads: int


def _upload_references():
    """(model, field name) for every Application subclass field pointing at an Upload."""
    Application = apps.get_model("services", "Application")
    Upload = apps.get_model("services", "Upload")
    for model in apps.get_models():
        if not issubclass(model, Application):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, ForeignKey | OneToOneField) and field.related_model is Upload:
                yield model, field.name


def codes_purge(*, now) -> int:
    OneTimeCode = apps.get_model("accounts", "OneTimeCode")
    cutoff = now - timedelta(days=settings.RETENTION_CODES_DAYS)
    deleted, _ = OneTimeCode.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


def uploads_purge(*, now) -> int:
    Upload = apps.get_model("services", "Upload")
    cutoff = now - timedelta(days=settings.RETENTION_UPLOADS_DAYS)
    old, kept = set(), set()
    for model, field in _upload_references():
        rows = model._base_manager.exclude(**{f"{field}__isnull": True})
        old.update(rows.filter(closed_at__lt=cutoff).values_list(f"{field}_id", flat=True))
        # Still needed while any case using the file is open or closed recently.
        kept.update(rows.exclude(closed_at__lt=cutoff).values_list(f"{field}_id", flat=True))
    purged = 0
    for upload in Upload.objects.filter(pk__in=old - kept).exclude(file=""):
        name = upload.file.name
        # The row first: a crash between the two leaves an orphan file, never a row naming a lost file.
        if Upload.objects.filter(pk=upload.pk, file=name).update(file=""):
            upload.file.storage.delete(name)
            purged += 1
    return purged


def retention_purge(*, now=None) -> PurgeResult:
    now = now or timezone.now()
    result = PurgeResult(codes=codes_purge(now=now), uploads=uploads_purge(now=now))
    logger.info("retention purge: %s expired codes deleted, %s old uploads deleted", result.codes, result.uploads)
    return result
