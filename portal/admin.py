from django.contrib import admin

from portal.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail: read-only for everyone, superusers included (append-only by design)."""

    list_display = ("at", "actor_repr", "action", "content_type", "object_repr", "path")
    list_filter = ("action", "content_type")
    search_fields = ("actor_repr", "object_repr", "object_id", "path")
    date_hierarchy = "at"
    list_select_related = ("content_type",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
