from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import CODE_MAX_ATTEMPTS


class IdentitySource(models.TextChoices):
    SANAD = "sanad", _("Sanad (national digital identity)")


class User(AbstractUser):
    """A person: citizen, resident, company member or staff.

    Jordanians are identified by their 10-digit national number; others by a personal number and
    nationality. Every SMS goes to ``mobile`` (E.164), once it is verified. ``username`` is internal
    (generated at sign-up): people sign in with their national number, personal number or mobile.
    """

    class Language(models.TextChoices):
        AR = "ar", "العربية"
        EN = "en", "English"

    full_name_ar = models.CharField(_("full name in Arabic"), max_length=150, blank=True)
    full_name_en = models.CharField(_("full name in English"), max_length=150, blank=True)
    national_id = models.CharField(_("national number"), max_length=10, blank=True)
    personal_number = models.CharField(_("personal number (non-Jordanians)"), max_length=20, blank=True)
    nationality = models.CharField(_("nationality"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=16, blank=True)
    mobile_verified = models.BooleanField(_("mobile number verified"), default=False)
    language = models.CharField(_("language of messages"), max_length=2, choices=Language.choices, default=Language.AR)
    # When the mobile last changed: an SMS password reset to a number this fresh is refused (issue 17).
    mobile_changed_at = models.DateTimeField(_("mobile number changed at"), null=True, blank=True)
    # A number typed at sign-up is a claim; it is proven only by a national identity provider (Sanad).
    # See accounts.proof: a proven number moves to whoever proved it.
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    identity_source = models.CharField(
        _("identity verified by"), max_length=10, choices=IdentitySource.choices, blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"], condition=~models.Q(national_id=""), name="user_national_id_unique"
            ),
            models.UniqueConstraint(fields=["mobile"], condition=~models.Q(mobile=""), name="user_mobile_unique"),
            models.UniqueConstraint(
                fields=["personal_number"], condition=~models.Q(personal_number=""), name="user_personal_number_unique"
            ),
            # The shapes the forms produce; the forms also check the operator prefix (077/078/079).
            models.CheckConstraint(
                condition=models.Q(national_id="") | models.Q(national_id__regex=r"^[0-9]{10}$"),
                name="user_national_id_10_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(mobile="") | models.Q(mobile__regex=r"^\+9627[0-9]{8}$"),
                name="user_mobile_e164_jordan",
            ),
            # A person is either Jordanian (national number) or not (personal number + nationality).
            models.CheckConstraint(
                condition=models.Q(national_id="") | models.Q(personal_number=""),
                name="user_national_id_or_personal_number",
            ),
            models.CheckConstraint(
                condition=models.Q(personal_number="") | ~models.Q(nationality=""),
                name="user_personal_number_has_nationality",
            ),
            # Verified means "this account's number was proven": a verified account always has one.
            models.CheckConstraint(
                condition=models.Q(identity_verified_at__isnull=True, identity_source="")
                | (
                    models.Q(identity_verified_at__isnull=False)
                    & ~models.Q(identity_source="")
                    & (~models.Q(national_id="") | ~models.Q(personal_number=""))
                ),
                name="user_identity_verified_has_number_and_source",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name_ar or self.full_name_en or self.get_full_name() or self.username

    @property
    def is_jordanian(self) -> bool:
        return bool(self.national_id)

    @property
    def identity_verified(self) -> bool:
        return self.identity_verified_at is not None

    @property
    def id_number(self) -> str:
        """The national number, or the personal number of a non-Jordanian ("" when the account has none)."""
        return self.national_id or self.personal_number

    @property
    def mobile_local(self) -> str:
        """+962791234567 -> 0791234567, the way people write it."""
        return f"0{self.mobile[4:]}" if self.mobile.startswith("+962") else self.mobile


class Organisation(models.Model):
    """A business account: company, sole proprietorship, cooperative, association, professional
    office, free-zone entity or government body. People act for it through memberships."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        SOLE = "sole", _("Sole proprietorship")
        COOPERATIVE = "cooperative", _("Cooperative")
        ASSOCIATION = "association", _("Association")
        PROFESSIONAL_OFFICE = "professional_office", _("Professional office")
        FREE_ZONE = "free_zone", _("Free-zone entity")
        GOVERNMENT = "government", _("Government body")

    kind = models.CharField(_("kind of organisation"), max_length=30, choices=Kind.choices)

    class Verification(models.TextChoices):
        STAFF = "staff", _("Checked by finance staff")
        REGISTER = "register", _("Found in the register of establishments")

    # A claim until verified: several people may claim one number, only one organisation holds it verified.
    establishment_number = models.CharField(_("national establishment number"), max_length=20, db_index=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verification = models.CharField(_("verified through"), max_length=10, choices=Verification.choices, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [("verify_organisation", _("Can verify an organisation's establishment number"))]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment_number"],
                condition=models.Q(verified_at__isnull=False),
                name="organisation_verified_establishment_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True, verification="")
                | models.Q(verified_at__isnull=False, verification__in=["staff", "register"]),
                name="organisation_verified_has_source",
            ),
        ]

    def __str__(self):
        return self.name_ar

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def phone_local(self) -> str:
        """+96265001234 -> 065001234, the way people write it."""
        return f"0{self.phone[4:]}" if self.phone.startswith("+962") else self.phone


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique"),
            models.CheckConstraint(condition=models.Q(role__in=["owner", "manager", "member"]), name="membership_role"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    """An owner or manager asks an existing account holder to act for the organisation.

    The person becomes a member only when they accept, so nobody is made to act for a business
    without knowing it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        User, verbose_name=_("invited person"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", responded_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(responded_at__isnull=False)),
                name="invitation_answered_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.role}, {self.status})"


class OneTimeCode(models.Model):
    """A code sent by SMS to prove that a person holds a mobile number.

    Only a keyed hash of the code is stored. A code expires (``expires_at``), works once (``used_at``)
    and dies after too many wrong tries (``voided_at``); asking for a new one voids the previous one.
    """

    class Purpose(models.TextChoices):
        VERIFY_MOBILE = "verify_mobile", _("Verify mobile number")
        CHANGE_MOBILE = "change_mobile", _("Change mobile number")
        RESET_PASSWORD = "reset_password", _("Reset password")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="one_time_codes"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    # Where the code was sent: for a change of number, the new number (it becomes the account's on success).
    mobile = models.CharField(_("mobile number"), max_length=16)
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one live code per person and purpose: a new code voids the old one in the same transaction.
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=models.Q(used_at__isnull=True, voided_at__isnull=True),
                name="one_time_code_one_live",
            ),
            models.CheckConstraint(
                condition=models.Q(attempts__lte=CODE_MAX_ATTEMPTS), name="one_time_code_attempts_max"
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} → {self.mobile}"


class UserSession(models.Model):
    """A signed-in browser of a person, so they can see it on "My devices" and end it.

    Django's session store cannot be searched by person; this row names the session by its key. It is
    made at sign-in, its key follows the session when Django cycles it, ``last_seen_at`` is moved at
    most once a minute (accounts.middleware.UserSessionMiddleware), and it is deleted with the session
    (sign-out, revocation, a new password).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    # What the browser said it is ("Chrome on Android"), read once from the user agent at sign-in.
    device = models.CharField(_("device"), max_length=100, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last used at"), default=timezone.now)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self):
        return f"{self.device or self.pk} ({self.user})"


class IdentityProof(models.Model):
    """One proof of a person's number by the national identity provider, kept for the audit trail.

    ``taken_from`` is the account that had claimed the number without proving it: it lost the number
    to ``user`` at this moment (accounts.proof.identity_prove) and was told by SMS.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proven for"), on_delete=models.CASCADE, related_name="identity_proofs"
    )
    number = models.CharField(_("national or personal number"), max_length=20)
    source = models.CharField(_("proven by"), max_length=10, choices=IdentitySource.choices)
    subject = models.CharField(_("subject at the provider"), max_length=255, blank=True)
    taken_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("number taken from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="numbers_lost",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("identity proof")
        verbose_name_plural = _("identity proofs")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.number} → {self.user} ({self.get_source_display()})"


class Establishment(models.Model):
    """A line of the Companies Control Department's register (``manage.py import_establishments``).

    ``authorised_numbers`` are the national or personal numbers of the people entitled to act for the
    establishment (owners, partners, authorised signatories). An organisation registered on the portal
    is verified against it when its registrant's own number is proven and listed here.
    """

    establishment_number = models.CharField(_("national establishment number"), max_length=20, unique=True)
    name_ar = models.CharField(_("registered name"), max_length=200)
    authorised_numbers = models.TextField(_("numbers of the people authorised to act for it"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registered establishment")
        verbose_name_plural = _("register of establishments")
        ordering = ["establishment_number"]

    def __str__(self):
        return f"{self.establishment_number} {self.name_ar}"

    @property
    def authorised(self) -> set[str]:
        return set(self.authorised_numbers.split())
