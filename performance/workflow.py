"""Writes of the performance app: the applicant's satisfaction rating."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.constants import completed_statuses
from performance.models import Rating
from performance.published import published_stale


def application_is_completed(application) -> bool:
    return application.closed_at is not None and application.status in completed_statuses().get(application.kind, ())


def rating_submit(*, application, user, score: int, comment: str = "") -> Rating:
    """Record ``user``'s rating of their completed ``application``; once only (the database settles a race)."""
    if application.applicant_id != user.pk:
        raise PermissionError("Only the applicant rates an application.")
    if not application_is_completed(application):
        raise ValidationError(_("Only a completed application can be rated."))
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("Choose a rating from 1 to 5."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                application=application,
                kind=application.kind,
                score=int(score),
                comment=(comment or "").strip(),
                created_at=timezone.now(),
            )
            transaction.on_commit(published_stale)  # the published satisfaction changes
    except IntegrityError:
        raise ValidationError(_("You have already rated this application.")) from None
    return rating
