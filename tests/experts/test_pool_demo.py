"""experts/demo.py: the demo experts and forty more approved across the four demo regions, with
specialties covering the demo projects' codes, declarations that make avoidance show and a few
unavailable days; loading again adds nothing."""

import pytest

from accounts import demo as accounts_demo
from accounts.models import Membership, Organisation, Role
from credit.models import CreditRecord
from experts import demo, selectors
from experts.models import Declaration, ExpertProfile, Unavailability

pytestmark = pytest.mark.django_db

# Each demo region's project catalogue codes (procurement/demo.py).
PROJECT_CODES = {
    "330400": ["A02010104", "C1601", "A02021100"],
    "510700": ["A032200", "C2302", "C1601"],
    "410100": ["A020305", "C1601"],
    "530400": ["A033400", "A021000", "C1601"],
}


@pytest.fixture
def loaded():
    accounts_demo.load()
    rows = demo.load()
    assert rows
    return rows


def test_the_demo_pool_is_approved_in_every_region(loaded):
    profiles = ExpertProfile.objects.select_related("user")
    assert profiles.count() == 44
    assert set(profiles.values_list("status", flat=True)) == {ExpertProfile.Status.APPROVED}
    for prefix in ("jx", "my", "zz", "yx"):
        assert profiles.filter(user__username=f"{prefix}_expert").exists()
    assert all(p.name_zh and p.name_en and p.declared_at for p in profiles)
    assert CreditRecord.objects.filter(person__expert_profile__isnull=False).count() == 44
    # The new experts act in the pool of their region's finance bureau.
    membership = Membership.objects.select_related("organisation").get(user__username="yx_expert01")
    assert membership.role == Role.EXPERT and membership.organisation.kind == Organisation.Kind.REGULATOR
    assert membership.organisation.region_code == "530400"


@pytest.mark.parametrize("region, codes", list(PROJECT_CODES.items()))
def test_every_demo_project_has_enough_experts_to_draw_from(loaded, region, codes):
    in_region = ExpertProfile.objects.filter(
        status=ExpertProfile.Status.APPROVED, region_code__startswith=region[:4]
    )
    for code in codes:
        assert selectors.matching_specialty(in_region, code).count() >= 7, code


def test_declarations_make_avoidance_show_and_some_days_are_unavailable(loaded):
    supplier = Membership.objects.get(user__username="yx_supplier").organisation
    declaration = Declaration.objects.get(expert__user__username="yx_expert01")
    assert declaration.kind == Declaration.Kind.EMPLOYMENT and declaration.organisation_uscc == supplier.uscc
    relative = Declaration.objects.get(expert__user__username="yx_expert02")
    assert relative.kind == Declaration.Kind.RELATIVE and relative.relative_name and relative.relationship
    assert Unavailability.objects.filter(expert__user__username="yx_expert04").exists()
    assert Unavailability.objects.count() == 3


def test_loading_again_adds_nothing(loaded):
    counts = (ExpertProfile.objects.count(), Declaration.objects.count(), Unavailability.objects.count())
    assert demo.load() == []
    assert (
        ExpertProfile.objects.count(),
        Declaration.objects.count(),
        Unavailability.objects.count(),
    ) == counts


def test_nothing_is_loaded_without_the_demo_accounts():
    assert demo.load() == []
    assert not ExpertProfile.objects.exists()
