from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.establishments import organisation_verify
from accounts.models import (
    Establishment,
    IdentityProof,
    Invitation,
    Membership,
    OneTimeCode,
    Organisation,
    User,
    UserSession,
)
from accounts.sessions import sessions_end
from core.admin import ReadOnlyAdmin


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
        "identity_verified_at",
        "is_staff",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "mobile_verified", "identity_source", "groups"]
    # Proven by Sanad only (accounts.proof): nobody sets it by hand.
    readonly_fields = ["identity_verified_at", "identity_source"]
    search_fields = ["username", "full_name_ar", "full_name_en", "national_id", "personal_number", "mobile", "email"]
    ordering = ["-date_joined"]
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Identity"),
            {
                "fields": (
                    "full_name_ar",
                    "full_name_en",
                    "national_id",
                    "personal_number",
                    "nationality",
                    "identity_verified_at",
                    "identity_source",
                )
            },
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
    list_display = ["name_ar", "kind", "establishment_number", "phone", "verified_at", "verification", "created_at"]
    list_filter = ["kind", "verification"]
    search_fields = ["name_ar", "name_en", "establishment_number"]
    readonly_fields = ["verified_at", "verified_by", "verification"]
    inlines = [MembershipInline]
    actions = ["verify"]

    @admin.action(description=_("Verify organisation (establishment number checked)"), permissions=["verify"])
    def verify(self, request, queryset):
        done = 0
        for organisation in queryset.filter(verified_at__isnull=True):
            try:
                organisation_verify(organisation=organisation, by=request.user, source=Organisation.Verification.STAFF)
            except ValidationError as error:
                self.message_user(request, f"{organisation}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d organisation verified.", "%(count)d organisations verified.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm("accounts.verify_organisation")


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    """The register as imported (manage.py import_establishments): read here, loaded from the file."""

    list_display = ["establishment_number", "name_ar", "updated_at"]
    search_fields = ["establishment_number", "name_ar", "authorised_numbers"]


@admin.register(IdentityProof)
class IdentityProofAdmin(ReadOnlyAdmin):
    """Every proof of a number, and from whom a proven number was taken: read-only history."""

    list_display = ["at", "number", "user", "source", "taken_from"]
    list_filter = ["source"]
    list_select_related = ["user", "taken_from"]
    search_fields = ["number", "user__full_name_ar", "taken_from__full_name_ar"]


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
