from django.contrib import admin

from core.admin import ReadOnlyAdmin
from portal.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail: read-only for everyone, superusers included (append-only by design)."""

    list_display = ("at", "actor_repr", "ip_address", "action", "content_type", "object_repr", "path")
    list_filter = ("action", "content_type")
    search_fields = ("actor_repr", "object_repr", "object_id", "path")
    date_hierarchy = "at"
    list_select_related = ("content_type",)
