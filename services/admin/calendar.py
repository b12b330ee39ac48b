"""The public holidays (the working-day calendar) in the admin; staff keep the list."""

from django.contrib import admin

from services.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
