"""The service's registers in the admin: external bodies, professions (the fee table), licences,
the dues ledger, public holidays and the inspection calendar."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from licensing.models import DuesEntry, ExternalBody, InspectionSlot, Profession, ProfessionLicence
from licensing.selectors import slot_taken


@admin.register(ExternalBody)
class ExternalBodyAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "code")
    search_fields = ("name_ar", "name_en", "code")


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "code", "needs_construction_certificate", "fee", "is_active")
    list_filter = ("needs_construction_certificate", "is_active", "approvals")
    search_fields = ("name_ar", "name_en", "code")
    filter_horizontal = ("approvals",)


@admin.register(ProfessionLicence)
class ProfessionLicenceAdmin(admin.ModelAdmin):
    list_display = ("number", "trade_name", "holder_name", "profession", "area_m2", "renewed_year", "status")
    list_filter = ("status", "renewed_year", "profession")
    search_fields = ("number", "trade_name", "holder__national_id", "holder__full_name_ar", "organisation__name_ar")
    list_select_related = ("holder", "organisation", "profession")
    raw_id_fields = ("holder", "organisation", "split_from")
    readonly_fields = ("document", "created_at", "updated_at")

    @admin.display(description=_("Holder"))
    def holder_name(self, obj):
        return obj.organisation.name_ar if obj.organisation_id else obj.holder.display_name


@admin.register(DuesEntry)
class DuesEntryAdmin(admin.ModelAdmin):
    """The local dues ledger (finance staff); loaded from the finance file with ``manage.py import_dues``."""

    list_display = ("deed_reference", "owner_id_number", "kind", "year", "amount", "paid_at", "source")
    list_filter = ("kind", "year", "source", ("paid_at", admin.EmptyFieldListFilter))
    search_fields = ("deed_reference", "owner_id_number")
    readonly_fields = ("paid_at", "paid_bill", "source", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.source = DuesEntry.Source.STAFF
        super().save_model(request, obj, form, change)


class SlotBookedFilter(admin.SimpleListFilter):
    title = _("Booking")
    parameter_name = "booked"

    def lookups(self, request, model_admin):
        return [("yes", _("Booked")), ("no", _("Free"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(slot_taken())
        if self.value() == "no":
            return queryset.exclude(slot_taken())
        return queryset


@admin.register(InspectionSlot)
class InspectionSlotAdmin(admin.ModelAdmin):
    """The inspection calendar: the slots the department publishes, who booked each and the result."""

    list_display = ("__str__", "area", "inspector", "is_published", "booking_info")
    list_filter = (SlotBookedFilter, "is_published", "inspector")
    date_hierarchy = "starts_at"
    ordering = ("starts_at",)
    list_select_related = ("inspector",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bookings__application")

    @admin.display(description=_("Booked by request"))
    def booking_info(self, slot):
        for booking in slot.bookings.all():
            if booking.cancelled_at is None:
                url = reverse("admin:licensing_splitapplication_change", args=[booking.application_id])
                label = booking.application.reference
                if booking.result:
                    label += f" ({booking.get_result_display()})"
                return format_html('<a href="{}">{}</a>', url, label)
        return "-"
