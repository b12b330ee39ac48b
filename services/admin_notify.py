"""Admin for notifications, uploads and issued documents: read-only records, searchable by staff.

Registered from ``services.admin`` (one import line), so Django's admin autodiscovery finds it.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from services.models_notify import IssuedDocument, Notification, Upload


class ReadOnlyAdmin(admin.ModelAdmin):
    """These rows are evidence (what was sent, what was uploaded, what was issued): never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "original_name", "content_type", "size", "applicant", "organisation", "link")
    list_filter = ("kind", "content_type")
    search_fields = ("original_name", "sha256", "applicant__username", "applicant__national_id")
    list_select_related = ("applicant", "organisation")
    readonly_fields = ("uuid", "applicant", "organisation", "kind", "original_name", "content_type", "size")
    readonly_fields += ("sha256", "created_at", "link")
    exclude = ("file",)

    @admin.display(description=_("download"))
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("download"))


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("issued_at", "kind", "title", "display_code", "owner_applicant", "owner_organisation", "revoked_at")
    list_filter = ("kind", "language")
    search_fields = ("code", "title", "sha256", "owner_applicant__username", "owner_applicant__national_id")
    list_select_related = ("owner_applicant", "owner_organisation")
    readonly_fields = ("display_code", "kind", "title", "summary", "language", "sha256", "size", "issued_at")
    readonly_fields += ("owner_applicant", "owner_organisation", "application", "revoked_at", "revoked_reason", "link")
    exclude = ("pdf", "code")

    @admin.display(description=_("download"))
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("PDF"))
