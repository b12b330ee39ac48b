"""Staff departments are Django groups; each app grants its own model permissions to its group.

Usage from an app's data migration (pass the migration's ``apps``)::

    def forwards(apps, schema_editor):
        from accounts.groups import grant
        grant("accidents_staff", "accidents", ["view_accidentclaim", "change_accidentclaim"], apps=apps)

or from ``<app>/demo.py`` (no ``apps``: the live registry). Granting is idempotent.
"""

from django.apps import apps as global_apps

VIOLATIONS_STAFF = "violations_staff"
ACCIDENTS_STAFF = "accidents_staff"
CONTRACTORS_STAFF = "contractors_staff"
LICENSING_STAFF = "licensing_staff"
FINANCE_STAFF = "finance_staff"
SUPERVISORS = "supervisors"

STAFF_GROUPS = (VIOLATIONS_STAFF, ACCIDENTS_STAFF, CONTRACTORS_STAFF, LICENSING_STAFF, FINANCE_STAFF, SUPERVISORS)

# What every department needs from accounts: to see who applied and for which organisation.
# Nobody but a superuser edits people's accounts in the admin.
ACCOUNTS_PERMISSIONS = {
    **{group: ["view_user", "view_organisation"] for group in STAFF_GROUPS},
    SUPERVISORS: ["view_user", "view_organisation", "view_membership", "view_invitation"],
}


def _ensure_permissions(app_label: str, apps) -> None:
    """Permissions are normally created after *all* migrations (post_migrate); a data migration that
    grants them runs earlier, so create this app's permissions now (idempotent)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    historical = getattr(app_config, "models_module", None) is None
    if historical:
        # Migration state app configs have no models module, which create_permissions takes as "no models".
        app_config.models_module = True
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        if historical:
            app_config.models_module = None


def grant(group_name: str, app_label: str, codenames: list[str] | None = None, *, apps=None) -> int:
    """Give ``group_name`` the permissions ``codenames`` of ``app_label`` (None: all of the app's).

    Creates the group when missing. Raises ``LookupError`` naming any codename that does not exist,
    so a typo fails the migration instead of silently granting less. Returns how many were granted.
    """
    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    _ensure_permissions(app_label, apps)
    group, _ = Group.objects.get_or_create(name=group_name)
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    if codenames is not None:
        permissions = permissions.filter(codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"{app_label} has no permission(s) {sorted(missing)}")
    permissions = list(permissions)
    group.permissions.add(*permissions)
    return len(permissions)


def staff_groups_create(*, apps=None) -> None:
    """Create the six department groups with what they need from accounts (data migration, seed_demo)."""
    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)
    for name, codenames in ACCOUNTS_PERMISSIONS.items():
        grant(name, "accounts", codenames, apps=apps)
