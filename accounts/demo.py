"""Demo accounts (listed in README "Demo accounts"). Idempotent: running it again resets their passwords."""

from django.contrib.auth.models import Group

from accounts import groups
from accounts.establishments import organisation_verify
from accounts.groups import staff_groups_create
from accounts.models import Membership, Organisation, User

DEMO_PASSWORD = "Amman-Demo-2025"  # noqa: S105 - documented in the README; seed_demo refuses to run with DEBUG off

CITIZENS = [
    {
        "username": "demo-citizen",
        "full_name_ar": "أحمد محمود العلي",
        "full_name_en": "Ahmad Mahmoud Al-Ali",
        "national_id": "9991000001",
        "mobile": "+962790000001",
    },
    {
        "username": "demo-business",
        "full_name_ar": "سارة خالد النمر",
        "full_name_en": "Sara Khaled Al-Nimer",
        "national_id": "9991000002",
        "mobile": "+962790000002",
    },
    {
        "username": "demo-employee",
        "full_name_ar": "يوسف عمر الحسن",
        "full_name_en": "Yousef Omar Al-Hasan",
        "national_id": "9991000003",
        "mobile": "+962790000003",
    },
    {
        "username": "demo-resident",
        "full_name_ar": "محمد إبراهيم السيد",
        "full_name_en": "Mohamed Ibrahim El-Sayed",
        "personal_number": "EG1234567",
        "nationality": "مصري",
        "mobile": "+962790000004",
    },
]

ORGANISATION = {
    "establishment_number": "200100200",
    "kind": Organisation.Kind.COMPANY,
    "name_ar": "شركة النمر للمقاولات",
    "name_en": "Al-Nimer Contracting Co.",
    "phone": "+96265000001",
}

# One staff member per department group, then a superuser.
STAFF = [
    ("violations", groups.VIOLATIONS_STAFF),
    ("accidents", groups.ACCIDENTS_STAFF),
    ("contractors", groups.CONTRACTORS_STAFF),
    ("licensing", groups.LICENSING_STAFF),
    ("finance", groups.FINANCE_STAFF),
    ("supervisor", groups.SUPERVISORS),
]


def _person(fields: dict, **extra) -> User:
    data = {**fields, **extra}
    username = data.pop("username")
    user, _ = User.objects.update_or_create(
        username=username, defaults={"mobile_verified": bool(data.get("mobile")), "language": "ar", **data}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def load(*, stdout):
    staff_groups_create()
    people = {fields["username"]: _person(fields) for fields in CITIZENS}

    organisation, _ = Organisation.objects.update_or_create(
        establishment_number=ORGANISATION["establishment_number"], defaults=ORGANISATION
    )
    # Verified, as finance staff would after checking its papers: only a verified organisation acts.
    organisation = organisation_verify(organisation=organisation, by=None, source=Organisation.Verification.STAFF)
    Membership.objects.update_or_create(
        organisation=organisation, user=people["demo-business"], defaults={"role": Membership.Role.OWNER}
    )
    Membership.objects.update_or_create(
        organisation=organisation, user=people["demo-employee"], defaults={"role": Membership.Role.MEMBER}
    )

    for username, group_name in STAFF:
        staff = _person(
            {"username": username, "full_name_en": f"Demo staff ({group_name})"},
            is_staff=True,
        )
        staff.groups.set([Group.objects.get(name=group_name)])
    _person({"username": "admin", "full_name_en": "Portal administrator"}, is_staff=True, is_superuser=True)
    stdout.write(
        f"  accounts: {len(CITIZENS)} people, 1 organisation, {len(STAFF)} staff, admin (password {DEMO_PASSWORD})"
    )


def demo_staff():
    """The demo staff accounts and the administrator (seed_demo gives them the demo second factor)."""
    return User.objects.filter(username__in=[u for u, _g in STAFF] + ["admin"])
