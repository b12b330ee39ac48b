import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import IdentitySource, Invitation, Membership, Organisation, User


def _national_id(n: int) -> str:
    # The portal checks structure only (10 digits, first not 0; see accounts.identity). Test numbers
    # are 99000xxxxx-style sequences, apart from the demo accounts' 9991000001...
    return f"99{n:08d}"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name_ar = factory.Sequence(lambda n: f"مواطن تجريبي {n}")
    full_name_en = factory.Sequence(lambda n: f"Test Citizen {n}")
    national_id = factory.Sequence(_national_id)
    mobile = factory.Sequence(lambda n: f"+96279{n:07d}")
    mobile_verified = True
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")

    class Params:
        staff = factory.Trait(is_staff=True)
        unverified = factory.Trait(mobile_verified=False)
        # The number proven through Sanad (accounts.proof).
        identity_verified = factory.Trait(
            identity_verified_at=factory.LazyFunction(timezone.now), identity_source=IdentitySource.SANAD
        )

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            obj.save()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.COMPANY
    establishment_number = factory.Sequence(lambda n: f"2000{n:06d}")
    name_ar = factory.Sequence(lambda n: f"شركة تجريبية {n}")
    name_en = factory.Sequence(lambda n: f"Test Company {n}")
    # Verified by default (finance staff checked it): only a verified organisation acts (issue 17).
    verified_at = factory.LazyFunction(timezone.now)
    verification = Organisation.Verification.STAFF

    class Params:
        unverified = factory.Trait(verified_at=None, verification="")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER


class ResidentFactory(UserFactory):
    """A non-Jordanian: personal number and nationality instead of a national number."""

    national_id = ""
    personal_number = factory.Sequence(lambda n: f"P{n:07d}")
    nationality = "مصري"


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    invited_by = None
    status = Invitation.Status.PENDING

    class Params:
        accepted = factory.Trait(status=Invitation.Status.ACCEPTED, responded_at=factory.LazyFunction(timezone.now))
        declined = factory.Trait(status=Invitation.Status.DECLINED, responded_at=factory.LazyFunction(timezone.now))
