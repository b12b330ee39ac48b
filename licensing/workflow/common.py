"""What every stage of the split workflow shares: the request's row lock."""

from licensing.models import SplitApplication


def split_lock(application: SplitApplication) -> SplitApplication:
    """The request reloaded with its row locked (inside the caller's transaction)."""
    return SplitApplication.objects.select_for_update().get(pk=application.pk)
