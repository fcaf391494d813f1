import factory
from factory.django import DjangoModelFactory
from stdnum.cn import uscc

from accounts.models import Membership, Organisation, Role, User


def make_uscc(n: int) -> str:
    """A valid unified social credit code: registration code 91, region 330400, body from n."""
    body = f"91330400{n:09d}"[:17]
    body = body[:8] + "MA" + body[10:]  # organisation code part uses letters, as real ones often do
    return body + uscc.calc_check_digit(body)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.PURCHASER
    name_zh = factory.Sequence(lambda n: f"测试单位{n}")
    name_en = factory.Sequence(lambda n: f"Test Unit {n}")
    uscc = factory.Sequence(lambda n: make_uscc(n + 1000))
    region_code = "330400"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    first_name = "Test"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PURCHASER_CLERK
    approval_limit = factory.LazyAttribute(lambda o: 5_000_000 if o.role == Role.PURCHASER_APPROVER else None)
