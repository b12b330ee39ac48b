"""Staff search over the partner's data (read-only: the Traffic Department owns it), the inquiry
log, fleets, and the feed import (upload a file: the same ``feed_import`` as the command)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin  # the partner's data: staff look, never edit (the next feed would undo it)
from violations.feed import FeedFileError, feed_import
from violations.models import DrivingLicence, FeedImport, FleetVehicle, InquiryLog, PaymentNotice, Vehicle, Violation
from violations.normalise import clean_digits, clean_plate_part
from violations.selectors import licence_subject, plate_subject

FEED_MAX_BYTES = 200 * 1024 * 1024


def _plate_parts(term: str) -> tuple[str, str] | None:
    """ "10-79210", "10 79210" or "10/79210" as (plate code, plate number)."""
    parts = [p for p in term.replace("/", "-").replace(" ", "-").split("-") if p]
    if len(parts) == 2 and all(clean_digits(p).isdecimal() for p in parts):
        return clean_plate_part(parts[0]), clean_plate_part(parts[1])
    return None


def _plate_q(term: str, prefix: str = "") -> Q | None:
    parts = _plate_parts(term)
    if parts is None:
        return None
    return Q(**{f"{prefix}plate_code": parts[0], f"{prefix}plate_number": parts[1]})


class ViolationInline(admin.TabularInline):
    model = Violation
    fields = ("number", "offence_ar", "issued_at", "amount", "status", "payable", "paid_billing_number")
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = True
    can_delete = False
    ordering = ("-issued_at",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ("number", "plate", "licence", "offence_ar", "issued_at", "amount", "issuer", "status", "payable")
    list_filter = ("status", "payable", "issuer")
    search_fields = ("=number", "=vehicle__plate_number", "=licence__number", "=paid_billing_number", "offence_ar")
    search_help_text = _(
        "Violation number, plate (e.g. 10-79210), plate number, licence number, e-payment number or offence"
    )
    list_select_related = ("vehicle", "licence")
    show_full_result_count = False  # a million rows: no COUNT(*) on every page
    readonly_fields = [f.name for f in Violation._meta.fields]

    @admin.display(description=_("plate"), ordering="vehicle__plate_number")
    def plate(self, obj):
        return obj.vehicle.plate if obj.vehicle_id else "—"

    def get_search_results(self, request, queryset, search_term):
        plate = _plate_q(search_term.strip(), "vehicle__")
        if plate is not None:
            return queryset.filter(plate), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Vehicle)
class VehicleAdmin(ReadOnlyAdmin):
    list_display = ("plate", "registration_number", "updated_at")
    search_fields = ("=plate_number", "=registration_number")
    search_help_text = _("Plate (e.g. 10-79210), plate number or registration number")
    show_full_result_count = False
    readonly_fields = ("plate_code", "plate_number", "registration_number", "updated_at")
    inlines = [ViolationInline]

    def get_search_results(self, request, queryset, search_term):
        plate = _plate_q(search_term.strip())
        if plate is not None:
            return queryset.filter(plate), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(DrivingLicence)
class DrivingLicenceAdmin(ReadOnlyAdmin):
    list_display = ("number", "centre", "category", "updated_at")
    list_filter = ("category",)
    search_fields = ("=number",)
    show_full_result_count = False
    readonly_fields = ("number", "centre", "category", "updated_at")
    inlines = [ViolationInline]


@admin.register(FleetVehicle)
class FleetVehicleAdmin(ReadOnlyAdmin):
    list_display = ("plate", "registration_number", "organisation", "label", "created_at")
    search_fields = ("=plate_number", "=registration_number", "organisation__name_ar", "organisation__name_en")
    list_select_related = ("organisation",)
    readonly_fields = (
        "organisation",
        "plate_code",
        "plate_number",
        "registration_number",
        "label",
        "added_by",
        "created_at",
    )


@admin.register(InquiryLog)
class InquiryLogAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "user",
        "organisation",
        "kind",
        "matched",
        "violations_count",
        "ip_address",
        "short_hash",
    )
    list_filter = ("kind", "matched")
    search_fields = ("=user__username", "=user__national_id", "=ip_address")
    search_help_text = _(
        "A plate (10-79210) or licence number finds its inquiries by their keyed hash; also user name, national number or IP address"
    )
    list_select_related = ("user", "organisation")
    show_full_result_count = False
    readonly_fields = [f.name for f in InquiryLog._meta.fields]

    @admin.display(description=_("subject (HMAC)"))
    def short_hash(self, obj):
        return obj.subject_hash[:12] + "…"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        parts = _plate_parts(term)
        if parts is not None:
            return queryset.filter(subject_hash=plate_subject(plate_code=parts[0], plate_number=parts[1])), False
        if clean_digits(term).isdecimal() and len(clean_digits(term)) >= 6:
            hashed = licence_subject(number=clean_digits(term))
            results, dup = super().get_search_results(request, queryset, search_term)
            return results | queryset.filter(subject_hash=hashed), dup
        return super().get_search_results(request, queryset, search_term)


@admin.register(PaymentNotice)
class PaymentNoticeAdmin(ReadOnlyAdmin):
    list_display = ("billing_number", "owner", "organisation", "created_at")
    search_fields = ("=billing_number",)
    readonly_fields = ("billing_number", "owner", "organisation", "document", "created_at")


class FeedUploadForm(forms.Form):
    file = forms.FileField(label=_("Feed file (CSV)"))


@admin.register(FeedImport)
class FeedImportAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "file_name",
        "imported_by",
        "rows",
        "created",
        "updated",
        "unchanged",
        "bills_closed",
        "bad_lines",
    )
    readonly_fields = [f.name for f in FeedImport._meta.fields]
    change_list_template = "admin/violations/feedimport/change_list.html"

    @admin.display(description=_("bad lines"))
    def bad_lines(self, obj):
        return len(obj.errors)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="violations_feedimport_import"),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("violations.add_feedimport")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form, result = FeedUploadForm(), None
        if request.method == "POST":
            form = FeedUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                if upload.size > FEED_MAX_BYTES:
                    form.add_error("file", _("The file is too large for the admin; use the import_violations command."))
                else:
                    try:
                        result = feed_import(data=upload.read(), file_name=upload.name, actor=request.user)
                    except FeedFileError as exc:
                        form.add_error("file", str(exc))
                    else:
                        # One count meets the noun ("12 سطراً"); the others are labelled, so none disagrees.
                        breakdown = _(
                            "new: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s, bad lines: %(bad)s"
                        ) % {
                            "created": result.created,
                            "updated": result.updated,
                            "unchanged": result.unchanged,
                            "bad": len(result.errors),
                        }
                        messages.success(
                            request,
                            ngettext(
                                "Imported %(n)s row (%(breakdown)s).",
                                "Imported %(n)s rows (%(breakdown)s).",
                                result.rows,
                            )
                            % {"n": result.rows, "breakdown": breakdown},
                        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import the Traffic Department's feed"),
            "form": form,
            "result": result,
            "changelist_url": reverse("admin:violations_feedimport_changelist"),
        }
        return render(request, "admin/violations/feedimport/import.html", context)
