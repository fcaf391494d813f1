import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.forms import OrganisationAdminForm
from accounts.models import Membership, Organisation, Role

from .factories import MembershipFactory, OrganisationFactory, make_uscc


def test_valid_uscc_passes_the_form(db):
    form = OrganisationAdminForm(
        data={
            "kind": "supplier",
            "name_zh": "测试公司",
            "name_en": "Test Co.",
            "uscc": make_uscc(7).lower(),
            "region_code": "330400",
            "is_active": True,
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["uscc"] == make_uscc(7)


@pytest.mark.parametrize(
    "lang, phrase", [("en", "not a valid unified social credit code"), ("zh-hans", "统一社会信用代码")]
)
def test_wrong_check_digit_is_a_clear_translated_form_error(db, settings, lang, phrase):
    from django.utils import translation

    good = make_uscc(8)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with translation.override(lang):
        form = OrganisationAdminForm(
            data={
                "kind": "supplier",
                "name_zh": "测试公司",
                "name_en": "Test Co.",
                "uscc": bad,
                "region_code": "330400",
                "is_active": True,
            }
        )
        assert not form.is_valid()
        assert phrase in str(form.errors["uscc"][0])
    assert form.errors.as_data()["uscc"][0].code == "invalid_uscc"


def test_database_refuses_a_malformed_uscc(db):
    with pytest.raises(IntegrityError):
        Organisation.objects.create(
            kind="supplier", name_zh="x", name_en="x", uscc="NOT-A-CODE", region_code="330400"
        )


def test_region_code_has_six_digits(db):
    org = OrganisationFactory.build(region_code="33040")
    with pytest.raises(ValidationError) as err:
        org.full_clean()
    assert "region_code" in err.value.message_dict


def test_role_must_fit_the_organisation_kind(db):
    supplier = OrganisationFactory(kind="supplier")
    membership = MembershipFactory.build(
        organisation=supplier, role=Role.REGULATOR, user=MembershipFactory().user
    )
    with pytest.raises(ValidationError) as err:
        membership.full_clean()
    assert "role" in err.value.message_dict


def test_only_approvers_have_an_approval_limit_in_the_database(db):
    m = MembershipFactory(role=Role.PURCHASER_CLERK)
    with pytest.raises(IntegrityError):
        Membership.objects.filter(pk=m.pk).update(approval_limit=100)


def test_approver_without_limit_is_refused(db):
    with pytest.raises(IntegrityError):
        MembershipFactory(role=Role.PURCHASER_APPROVER, approval_limit=None)


def test_one_role_once_per_organisation(db):
    m = MembershipFactory()
    with pytest.raises(IntegrityError):
        MembershipFactory(user=m.user, organisation=m.organisation, role=m.role)


def test_organisation_name_follows_the_language(db):
    from django.utils import translation

    org = OrganisationFactory(name_zh="嘉兴市财政局", name_en="Jiaxing Municipal Finance Bureau")
    with translation.override("en"):
        assert org.name == "Jiaxing Municipal Finance Bureau"
    with translation.override("zh-hans"):
        assert org.name == "嘉兴市财政局"
