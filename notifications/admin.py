from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "mobile", "short_text", "status", "attempts", "sent_at")
    list_filter = ("status", "language")
    search_fields = ("mobile", "dedupe_key", "provider_id", "recipient__username", "recipient__national_id")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text[:80]
