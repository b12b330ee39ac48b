from django.contrib import admin

from performance.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "score", "created_at"]
    list_filter = ["kind", "score"]
    date_hierarchy = "created_at"
    search_fields = ["application__reference"]
    readonly_fields = ["application", "kind", "score", "comment", "created_at"]

    def has_add_permission(self, request):
        return False  # only the applicant rates, from the portal
