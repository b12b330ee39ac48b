"""Uploads and issued documents: read-only records (evidence), searchable by staff."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from services.models import IssuedDocument, Upload


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
