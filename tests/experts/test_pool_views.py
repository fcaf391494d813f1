"""Expert pool pages: who may open what (a foreign id is 404 like a missing one), public
registration, the expert's own profile with declarations and unavailable days, the keepers' list,
registration and decisions, pinned query counts and both languages."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import uscc

from accounts.models import Organisation, Role, User
from audit.models import AuditEvent
from experts.models import Declaration, ExpertProfile, Unavailability
from tests.accounts.factories import OrganisationFactory

Status = ExpertProfile.Status


def code(serial: int, region: str = "330400") -> str:
    body = f"91{region}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def profile_form(**changes) -> dict:
    data = {
        "name_zh": "林志远",
        "name_en": "Lin Zhiyuan",
        "professional_title": "高级工程师",
        "years_of_experience": "12",
        "employer_name": "嘉兴学院",
        "employer_uscc": code(77),
        "region_code": "330400",
        "specialties": "A0201 C1601",
        "phone": "0573-82001234",
    }
    data.update(changes)
    return data


@pytest.fixture
def operator(make_member):
    return make_member(Role.OPERATOR, organisation=OrganisationFactory(kind=Organisation.Kind.OPERATOR))


@pytest.fixture
def pending(expert_factory):
    """A pending expert of a Jiaxing district (330402), with three declarations and periods."""
    profile = expert_factory(status=Status.PENDING, region_code="330402", specialties=["A0201"])
    today = timezone.localdate()
    for i, kind in enumerate(["employment", "director", "controller"]):
        Declaration.objects.create(
            expert=profile, kind=kind, organisation_name=f"公司{i}", organisation_uscc=code(100 + i)
        )
        Unavailability.objects.create(
            expert=profile,
            starts_on=today + datetime.timedelta(days=10 * i),
            ends_on=today + datetime.timedelta(days=10 * i + 2),
        )
    return profile


@pytest.fixture
def people(pending, expert_factory, operator, regulator, other_regulator, clerk):
    return {
        "expert": pending.user,
        "other_expert": expert_factory().user,
        "operator": operator,
        "regulator": regulator,
        "other_regulator": other_regulator,
        "clerk": clerk,
        "anonymous": None,
    }


def _client(client, login, user):
    return login(user) if user is not None else client


# who -> (own profile page, pool detail, pool list, pool register page)
MATRIX = {
    "expert": (200, 403, 403, 403),
    "other_expert": (200, 404, 403, 403),
    "operator": (404, 200, 200, 200),
    "regulator": (404, 200, 200, 200),
    "other_regulator": (404, 404, 200, 200),
    "clerk": (404, 404, 403, 403),
    "anonymous": (302, 302, 302, 302),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(client, login, people, pending, who):
    c = _client(client, login, people[who])
    own, detail, pool, new = MATRIX[who]
    assert c.get(reverse("experts:profile")).status_code == own
    assert c.get(reverse("experts:pool_detail", args=[pending.pk])).status_code == detail
    assert c.get(reverse("experts:pool")).status_code == pool
    assert c.get(reverse("experts:pool_register")).status_code == new


def test_anonymous_visitors_are_sent_to_the_login_page(client, pending):
    response = client.get(reverse("experts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = client.post(reverse("experts:declarations_confirm"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_missing_and_a_foreign_expert_answer_the_same_404(login, people, pending):
    c = login(people["other_regulator"])
    assert c.get(reverse("experts:pool_detail", args=[pending.pk])).status_code == 404
    assert c.get(reverse("experts:pool_detail", args=[999999])).status_code == 404
    response = c.post(reverse("experts:pool_decide", args=[pending.pk]), {"decision": "approve"})
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_another_experts_declaration_is_a_404(login, people, pending):
    declaration = pending.declarations.first()
    c = login(people["other_expert"])
    assert c.get(reverse("experts:declaration_edit", args=[declaration.pk])).status_code == 404
    assert c.post(reverse("experts:declaration_remove", args=[declaration.pk])).status_code == 404
    period = pending.unavailable_days.first()
    assert c.post(reverse("experts:unavailability_remove", args=[period.pk])).status_code == 404
    assert Declaration.objects.filter(pk=declaration.pk).exists()
    assert Unavailability.objects.filter(pk=period.pk).exists()


# --- Registration --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, text", [("zh-hans", "评审专家"), ("en", "Register as an evaluation expert")]
)
def test_the_registration_page_is_public_in_both_languages(client, db, language, text):
    response = client.get(reverse("experts:register"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and text in response.content.decode()


def test_registration_from_the_page(client, regulator):
    form = {
        **profile_form(),
        "username": "newexpert",
        "email": "n@example.com",
        "password": "Sunlight-2026!x",
    }
    response = client.post(reverse("experts:register"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = ExpertProfile.objects.get(user__username="newexpert")
    assert profile.status == Status.PENDING and profile.specialties == ["A0201", "C1601"]


@pytest.mark.parametrize(
    "changes, english, chinese",
    [
        (
            {"employer_uscc": "91330400MA00000010"},
            "not a valid unified social credit code",
            "统一社会信用代码",
        ),
        ({"region_code": "999999"}, "is not a region", "行政区划"),
        ({"years_of_experience": "-2"}, "cannot be negative", "负数"),
        ({"specialties": "A2 B0"}, "not a code of the procurement catalogue", "品目"),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_registrations_show_a_translated_message_and_create_nothing(
    client, regulator, changes, english, chinese, language
):
    form = {
        **profile_form(**changes),
        "username": "newexpert",
        "email": "n@example.com",
        "password": "Sunlight-2026!x",
    }
    response = client.post(reverse("experts:register"), form, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert (english if language == "en" else chinese) in response.content.decode()
    assert not User.objects.filter(username="newexpert").exists() and not ExpertProfile.objects.exists()


def test_a_regulator_registers_an_expert_from_the_page(login, regulator):
    form = {**profile_form(region_code="330402"), "username": "byregulator", "email": "b@example.com"}
    response = login(regulator).post(reverse("experts:pool_register"), form)
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user__username="byregulator")
    assert profile.status == Status.APPROVED and profile.reviewed_by == regulator
    assert response["Location"] == reverse("experts:pool_detail", args=[profile.pk])


def test_a_regulator_cannot_register_an_expert_of_another_region(login, other_regulator):
    form = {**profile_form(region_code="330402"), "username": "byregulator", "email": "b@example.com"}
    response = login(other_regulator).post(reverse("experts:pool_register"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "outside your jurisdiction" in response.content.decode()
    assert not ExpertProfile.objects.exists()


# --- The expert's own profile ------------------------------------------------------------------------


def test_the_expert_edits_declares_confirms_and_marks_days(login, pending):
    c = login(pending.user)
    response = c.post(reverse("experts:profile"), profile_form(region_code="330402", specialties="A02 C16"))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.specialties == ["A02", "C16"] and pending.name_zh == "林志远"
    response = c.post(
        reverse("experts:declaration_add"),
        {
            "kind": "relative",
            "organisation_name": "嘉兴南湖办公设备有限公司",
            "organisation_uscc": code(5),
            "relative_name": "林芳",
            "relationship": "配偶",
            "started_on": "2024-01-01",
        },
    )
    assert response.status_code == 302
    assert pending.declarations.filter(kind="relative", relative_name="林芳").exists()
    assert c.post(reverse("experts:declarations_confirm")).status_code == 302
    pending.refresh_from_db()
    assert pending.declared_at is not None
    start = timezone.localdate() + datetime.timedelta(days=40)
    response = c.post(
        reverse("experts:unavailability_add"),
        {"starts_on": start.isoformat(), "ends_on": (start + datetime.timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 302 and pending.unavailable_days.filter(starts_on=start).exists()
    declaration = pending.declarations.get(kind="employment")
    page = c.get(reverse("experts:declaration_edit", args=[declaration.pk]))
    assert page.status_code == 200 and "公司0" in page.content.decode()
    form = {
        "kind": "employment",
        "organisation_name": "公司0",
        "organisation_uscc": code(100),
        "ended_on": "2025-06-30",
    }
    assert c.post(reverse("experts:declaration_edit", args=[declaration.pk]), form).status_code == 302
    declaration.refresh_from_db()
    assert declaration.ended_on == datetime.date(2025, 6, 30)
    assert c.post(reverse("experts:declaration_remove", args=[declaration.pk])).status_code == 302
    assert not Declaration.objects.filter(pk=declaration.pk).exists()


@pytest.mark.parametrize(
    "language, text", [("en", "The end cannot be before the start."), ("zh-hans", "结束")]
)
def test_a_reversed_period_is_refused_on_the_page(login, pending, language, text):
    c = login(pending.user)
    start = timezone.localdate() + datetime.timedelta(days=40)
    response = c.post(
        reverse("experts:unavailability_add"),
        {"starts_on": start.isoformat(), "ends_on": (start - datetime.timedelta(days=2)).isoformat()},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400 and text in response.content.decode()
    response = c.post(
        reverse("experts:declaration_add"),
        {
            "kind": "employment",
            "organisation_name": "某公司",
            "organisation_uscc": code(9),
            "started_on": "2024-05-01",
            "ended_on": "2024-01-01",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400 and text in response.content.decode()
    assert pending.unavailable_days.count() == 3 and pending.declarations.count() == 3


def test_a_bad_profile_edit_is_refused_and_changes_nothing(login, pending):
    response = login(pending.user).post(
        reverse("experts:profile"), profile_form(employer_uscc="123"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        response.status_code == 400 and "not a valid unified social credit code" in response.content.decode()
    )
    pending.refresh_from_db()
    assert pending.name_zh != "林志远"


def test_profile_page_query_count_is_pinned(login, pending, django_assert_num_queries):
    c = login(pending.user)
    c.get(reverse("experts:profile"))
    with django_assert_num_queries(6):
        response = c.get(reverse("experts:profile"))
    body = response.content.decode()
    assert len(re.findall(r'data-testid="declaration-[0-9]+"', body)) == 3
    assert len(re.findall(r'data-testid="period-[0-9]+"', body)) == 3


@pytest.mark.parametrize("language, text", [("zh-hans", "我的专家信息"), ("en", "My expert profile")])
def test_the_expert_finds_their_profile_in_the_navigation(login, pending, language, text):
    response = login(pending.user).get(
        reverse("accounts:workspace"), HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    assert text in response.content.decode() and reverse("experts:profile") in response.content.decode()


# --- The keepers' pool --------------------------------------------------------------------------------


def test_the_regulator_approves_from_the_page(login, people, pending):
    c = login(people["regulator"])
    page = c.get(reverse("experts:pool_detail", args=[pending.pk]))
    assert 'data-testid="approve"' in page.content.decode()
    response = c.post(reverse("experts:pool_decide", args=[pending.pk]), {"decision": "approve"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED
    assert AuditEvent.objects.filter(action="experts.approved").count() == 1


def test_a_suspension_without_reason_is_refused_with_a_message(login, operator, expert_factory):
    expert = expert_factory(status=Status.APPROVED)
    response = login(operator).post(
        reverse("experts:pool_decide", args=[expert.pk]),
        {"decision": "suspend", "reason": ""},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Write the reason" in response.content.decode()
    expert.refresh_from_db()
    assert expert.status == Status.APPROVED


def test_the_expert_cannot_decide_on_their_own_profile(login, pending):
    response = login(pending.user).post(
        reverse("experts:pool_decide", args=[pending.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_the_pool_list_filters_by_status_region_and_specialty(login, regulator, pending, expert_factory):
    expert_factory(status=Status.APPROVED, region_code="330400", specialties=["C1601"], name_zh="物业专家")
    expert_factory(status=Status.APPROVED, region_code="330400", specialties=["A"], name_zh="外行")
    expert_factory(status=Status.APPROVED, region_code="330400", specialties=["A02"], name_zh="宽口径专家")
    expert_factory(status=Status.APPROVED, region_code="510700", specialties=["A0201"], name_zh="绵阳专家")
    c = login(regulator)

    def names(**query):
        body = c.get(reverse("experts:pool"), query).content.decode()
        return {
            name for name in ("物业专家", "宽口径专家", "绵阳专家", "外行", pending.name_zh) if name in body
        }

    assert names() == {"物业专家", "宽口径专家", "外行", pending.name_zh}  # not Mianyang's
    assert names(status="pending") == {pending.name_zh}
    assert names(region="330402") == {pending.name_zh}
    # A02 covers A0201 (broader); A0201 lies within A02; C1601 matches neither.
    assert names(specialty="A020101") == {"宽口径专家", pending.name_zh}
    assert names(specialty="a02") == {"宽口径专家", pending.name_zh}
    response = c.get(reverse("experts:pool"), {"specialty": "nonsense"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "A catalogue code looks like" in response.content.decode()


def test_pool_list_query_count_is_pinned(login, operator, expert_factory, django_assert_num_queries):
    for _ in range(3):
        expert_factory(status=Status.PENDING)
    c = login(operator)
    c.get(reverse("experts:pool"))
    with django_assert_num_queries(6):
        response = c.get(reverse("experts:pool"))
    assert response.content.decode().count('data-testid="status-') == 3
    for _ in range(3):
        expert_factory(status=Status.PENDING)
    with django_assert_num_queries(6):
        response = c.get(reverse("experts:pool"))
    assert response.content.decode().count('data-testid="status-') == 6


def test_pool_detail_query_count_is_pinned(login, regulator, pending, django_assert_num_queries):
    c = login(regulator)
    c.get(reverse("experts:pool_detail", args=[pending.pk]))
    with django_assert_num_queries(8):
        response = c.get(reverse("experts:pool_detail", args=[pending.pk]))
    body = response.content.decode()
    assert len(re.findall(r'data-testid="declaration-[0-9]+"', body)) == 3
    assert len(re.findall(r'data-testid="period-[0-9]+"', body)) == 3


@pytest.mark.parametrize("language, text", [("zh-hans", "专家库"), ("en", "Expert pool")])
def test_keeper_pages_render_in_both_languages(login, regulator, pending, language, text):
    c = login(regulator)
    for url in (reverse("experts:pool"), reverse("experts:pool_detail", args=[pending.pk])):
        response = c.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert text in response.content.decode()
    workspace = c.get(
        reverse("accounts:workspace"), HTTP_ACCEPT_LANGUAGE=language, follow=True
    ).content.decode()
    assert reverse("experts:pool") in workspace
