"""The local insurance registry (step 3): insurers, and the policies staff keep or import."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accidents.models import InsuranceCompany, InsurancePolicy
from accidents.selectors import policy_in_force_q


@admin.register(InsuranceCompany)
class InsuranceCompanyAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "code", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_ar", "name_en", "code")


class PolicyStateFilter(admin.SimpleListFilter):
    title = _("In force today")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        in_force = policy_in_force_q(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(in_force)
        if self.value() == "no":
            return queryset.exclude(in_force)
        return queryset


@admin.register(InsurancePolicy)
class InsurancePolicyAdmin(admin.ModelAdmin):
    """The local insurance registry (step 3); staff keep it here or load the insurers' files."""

    list_display = (
        "policy_number",
        "insurer",
        "registration_number",
        "plate_code",
        "plate_number",
        "starts_on",
        "ends_on",
        "cancelled_on",
        "source",
    )
    list_filter = (PolicyStateFilter, "insurer", "source")
    search_fields = ("policy_number", "registration_number", "plate_number")
    list_select_related = ("insurer",)
    readonly_fields = ("source", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.source = InsurancePolicy.Source.STAFF
        super().save_model(request, obj, form, change)
