"""The catalogue in the admin: staff edit the public service cards."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from services.models import Service, ServiceDocument

# The public service cards are data: staff edit them here.


class ServiceDocumentInline(admin.TabularInline):
    model = ServiceDocument
    extra = 0
    fields = ("order", "name_ar", "name_en", "description_ar", "description_en", "issuer_ar", "issuer_en", "form")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "slug", "kind", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [ServiceDocumentInline]
    fieldsets = (
        (None, {"fields": ("slug", "order", "is_active", "kind", "start_url_name", "icon")}),
        (_("Name and description"), {"fields": ("name_ar", "name_en", "description_ar", "description_en")}),
        (
            _("Who and how"),
            {
                "fields": (
                    "conditions_ar",
                    "conditions_en",
                    "beneficiaries_ar",
                    "beneficiaries_en",
                    "channels_ar",
                    "channels_en",
                    "hours_ar",
                    "hours_en",
                )
            },
        ),
        (
            _("Time, fees and outputs"),
            {
                "fields": (
                    "standard_time_ar",
                    "standard_time_en",
                    "standard_minutes",
                    "standard_working_days",
                    "fees_ar",
                    "fees_en",
                    "payment_ar",
                    "payment_en",
                    "outputs_ar",
                    "outputs_en",
                )
            },
        ),
        (
            _("Steps, partners and notes"),
            {"fields": ("steps_ar", "steps_en", "partners_ar", "partners_en", "notes_ar", "notes_en")},
        ),
    )
