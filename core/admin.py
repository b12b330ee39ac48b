"""Admin helpers every app shares (no models are registered here)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """These rows are evidence (what was sent, what was uploaded, what was issued): never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with the case they belong to, as evidence: nothing added, changed or deleted from here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
