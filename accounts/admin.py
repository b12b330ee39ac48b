from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Invitation, Membership, OneTimeCode, Organisation, User, UserSession
from accounts.sessions import sessions_end


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role", "created_at"]
    readonly_fields = ["organisation", "role", "created_at"]
    can_delete = False
    verbose_name_plural = _("organisations this person acts for")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "full_name_ar",
        "national_id",
        "personal_number",
        "mobile",
        "mobile_verified",
        "is_staff",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "mobile_verified", "groups"]
    search_fields = ["username", "full_name_ar", "full_name_en", "national_id", "personal_number", "mobile", "email"]
    ordering = ["-date_joined"]
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Identity"),
            {"fields": ("full_name_ar", "full_name_en", "national_id", "personal_number", "nationality")},
        ),
        (_("Contact"), {"fields": ("mobile", "mobile_verified", "email", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name_ar", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_ar", "kind", "establishment_number", "phone", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name_ar", "name_en", "establishment_number"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["organisation__name_ar", "user__full_name_ar", "user__national_id"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation", "user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "user", "role", "status", "invited_by", "created_at", "responded_at"]
    list_filter = ["status", "role"]
    list_select_related = ["organisation", "user", "invited_by"]
    search_fields = ["organisation__name_ar", "user__full_name_ar", "user__national_id"]
    readonly_fields = ["organisation", "user", "role", "invited_by", "status", "created_at", "responded_at"]

    def has_add_permission(self, request):
        return False


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(admin.ModelAdmin):
    """For support staff to see whether a code was sent and used; the code itself is never stored."""

    list_display = ["user", "purpose", "mobile", "created_at", "expires_at", "attempts", "used_at", "voided_at"]
    list_filter = ["purpose"]
    list_select_related = ["user"]
    search_fields = ["user__national_id", "mobile"]
    exclude = ["salt", "code_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """For support staff helping a person who lost control of their account: where they are signed in,
    and a way to sign those browsers out (their app tokens are under "App tokens")."""

    list_display = ["user", "device", "ip_address", "created_at", "last_seen_at"]
    list_select_related = ["user"]
    search_fields = ["user__national_id", "user__personal_number", "user__mobile"]
    exclude = ["session_key"]
    readonly_fields = ["user", "device", "user_agent", "ip_address", "created_at", "last_seen_at"]
    actions = ["sign_out"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Signing out is the only way to remove a row (deleting the row alone would leave the session working).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Sign out the selected sessions"), permissions=["delete"])
    def sign_out(self, request, queryset):
        count = sessions_end(queryset)
        self.message_user(
            request,
            ngettext("%(n)d session signed out.", "%(n)d sessions signed out.", count) % {"n": count},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj):
        sessions_end(UserSession.objects.filter(pk=obj.pk))
