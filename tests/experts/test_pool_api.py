"""The expert pool's API: the expert's own profile, declarations and unavailable days; the keepers'
pool list with filters, registration and decisions; the permission matrix (a foreign id is 404 like
a missing one), bad input answered with field messages and nothing changed, pinned query counts."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from experts.models import Declaration, ExpertProfile, Unavailability

from .test_pool_views import code, operator, pending, people  # noqa: F401 - fixtures

Status = ExpertProfile.Status
API = "/api/v1/experts"


def _client(client, login, user):
    return login(user) if user is not None else client


# who -> (own profile, pool list, pool detail of `pending`)
MATRIX = {
    "expert": (200, 403, 200),
    "other_expert": (200, 403, 404),
    "operator": (404, 200, 200),
    "regulator": (404, 200, 200),
    "other_regulator": (404, 200, 404),
    "clerk": (404, 403, 404),
    "anonymous": (403, 403, 403),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(client, login, people, pending, who):  # noqa: F811
    c = _client(client, login, people[who])
    own, pool, detail = MATRIX[who]
    assert c.get(f"{API}/profile/").status_code == own
    assert c.get(f"{API}/pool/").status_code == pool
    assert c.get(f"{API}/pool/{pending.pk}/").status_code == detail


@pytest.mark.parametrize("path", ["approve", "reject", "suspend", "reinstate"])
def test_decisions_need_a_keeper_of_the_region(login, people, pending, path):  # noqa: F811
    url = f"{API}/pool/{pending.pk}/{path}/"
    assert login(people["expert"]).post(url, {"reason": "x"}).status_code == 403
    assert login(people["other_expert"]).post(url, {"reason": "x"}).status_code == 404
    assert login(people["other_regulator"]).post(url, {"reason": "x"}).status_code == 404
    assert login(people["regulator"]).post(f"{API}/pool/999999/{path}/", {"reason": "x"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_decisions(login, regulator, pending):  # noqa: F811
    c = login(regulator)
    response = c.post(f"{API}/pool/{pending.pk}/suspend/", {"reason": "x"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    response = c.post(f"{API}/pool/{pending.pk}/reject/", {})
    assert response.status_code == 400
    response = c.post(f"{API}/pool/{pending.pk}/approve/", {"comment": "通过"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert len(response.json()["declarations"]) == 3 and len(response.json()["unavailable_days"]) == 3
    response = c.post(f"{API}/pool/{pending.pk}/suspend/", {"reason": "违规"})
    assert response.json()["status"] == "suspended" and response.json()["status_reason"] == "违规"
    response = c.post(f"{API}/pool/{pending.pk}/reinstate/", {})
    assert response.json()["status"] == "approved"
    actions = list(AuditEvent.objects.filter(action__startswith="experts.").values_list("action", flat=True))
    assert actions == ["experts.approved", "experts.suspended", "experts.reinstated"]


def test_the_pool_list_filters_and_refuses_bad_filters(login, regulator, pending, expert_factory):  # noqa: F811
    expert_factory(status=Status.APPROVED, specialties=["C1601"])
    expert_factory(status=Status.APPROVED, specialties=["A02"])
    expert_factory(status=Status.APPROVED, region_code="510700", specialties=["A0201"])
    c = login(regulator)
    assert c.get(f"{API}/pool/").json()["count"] == 3
    assert c.get(f"{API}/pool/?status=pending").json()["results"][0]["id"] == pending.pk
    assert c.get(f"{API}/pool/?region=330402").json()["count"] == 1
    assert c.get(f"{API}/pool/?specialty=A02010104").json()["count"] == 2
    assert c.get(f"{API}/pool/?specialty=C16").json()["count"] == 1
    for query in ("status=nonsense", "region=33", "specialty=A2"):
        response = c.get(f"{API}/pool/?{query}")
        assert response.status_code == 400, query


def test_pool_list_query_count_is_pinned(login, operator, expert_factory, django_assert_num_queries):  # noqa: F811
    for _ in range(3):
        expert_factory(status=Status.PENDING)
    c = login(operator)
    c.get(f"{API}/pool/")
    with django_assert_num_queries(4):
        assert len(c.get(f"{API}/pool/").json()["results"]) == 3
    for _ in range(3):
        expert_factory(status=Status.PENDING)
    with django_assert_num_queries(4):
        assert len(c.get(f"{API}/pool/").json()["results"]) == 6


def test_pool_detail_query_count_is_pinned(login, regulator, pending, django_assert_num_queries):  # noqa: F811
    c = login(regulator)
    c.get(f"{API}/pool/{pending.pk}/")
    with django_assert_num_queries(6):
        body = c.get(f"{API}/pool/{pending.pk}/").json()
    assert len(body["declarations"]) == 3 and len(body["unavailable_days"]) == 3


def test_a_regulator_registers_an_expert(login, regulator):
    data = {
        "name_zh": "林志远",
        "professional_title": "高级工程师",
        "years_of_experience": 10,
        "employer_name": "嘉兴学院",
        "employer_uscc": code(77),
        "region_code": "330400",
        "specialties": ["A0201"],
        "username": "apiexpert",
        "email": "api@example.com",
    }
    c = login(regulator)
    response = c.post(f"{API}/pool/", data, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "approved"
    assert response.json()["username"] == "apiexpert"
    response = c.post(
        f"{API}/pool/",
        {**data, "username": "other", "email": "o@example.com", "region_code": "510700"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "region_code" in response.json()["errors"]
    assert ExpertProfile.objects.count() == 1


# --- The expert's own -----------------------------------------------------------------------------------


def test_the_expert_reads_and_changes_their_profile(login, pending):  # noqa: F811
    c = login(pending.user)
    body = c.get(f"{API}/profile/").json()
    assert body["id"] == pending.pk and len(body["declarations"]) == 3
    response = c.patch(
        f"{API}/profile/",
        {"specialties": ["A0201", "C1601"], "phone": "13900000000"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["specialties"] == ["A0201", "C1601"]
    response = c.patch(
        f"{API}/profile/",
        {"years_of_experience": -1, "employer_uscc": "123", "region_code": "999999"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"years_of_experience", "employer_uscc", "region_code"}
    assert "cannot be negative" in errors["years_of_experience"][0]
    pending.refresh_from_db()
    assert pending.years_of_experience == 12 and pending.phone == "13900000000"


def test_the_expert_manages_declarations_and_confirms_them(login, pending):  # noqa: F811
    c = login(pending.user)
    response = c.post(
        f"{API}/profile/declarations/",
        {
            "kind": "relative",
            "organisation_name": "某公司",
            "organisation_uscc": code(9),
            "relative_name": "林芳",
            "relationship": "配偶",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    created = response.json()["id"]
    assert len(c.get(f"{API}/profile/declarations/").json()) == 4
    response = c.patch(
        f"{API}/profile/declarations/{created}/", {"ended_on": "2025-01-31"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["ended_on"] == "2025-01-31"
    response = c.patch(
        f"{API}/profile/declarations/{created}/",
        {"started_on": "2025-03-01"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "before the start" in response.json()["errors"]["ended_on"][0]
    response = c.post(f"{API}/profile/confirm-declarations/")
    assert response.status_code == 200 and response.json()["declared_at"]
    assert c.delete(f"{API}/profile/declarations/{created}/").status_code == 204
    assert not Declaration.objects.filter(pk=created).exists()
    pending.refresh_from_db()
    assert pending.declared_at is None  # withdrawn one: confirm again


def test_bad_declarations_are_refused(login, pending):  # noqa: F811
    c = login(pending.user)
    response = c.post(
        f"{API}/profile/declarations/",
        {"kind": "relative", "organisation_name": "某公司", "organisation_uscc": "91330400MA0000001X"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"organisation_uscc", "relative_name", "relationship"} <= set(errors)
    assert pending.declarations.count() == 3


def test_foreign_declarations_and_periods_are_404(login, people, pending):  # noqa: F811
    c = login(people["other_expert"])
    declaration = pending.declarations.first()
    period = pending.unavailable_days.first()
    assert c.patch(f"{API}/profile/declarations/{declaration.pk}/", {}).status_code == 404
    assert c.delete(f"{API}/profile/declarations/{declaration.pk}/").status_code == 404
    assert c.delete(f"{API}/profile/declarations/999999/").status_code == 404
    assert c.delete(f"{API}/profile/unavailable-days/{period.pk}/").status_code == 404
    assert Declaration.objects.filter(pk=declaration.pk).exists()
    assert Unavailability.objects.filter(pk=period.pk).exists()
    regulator = login(people["regulator"])
    assert regulator.get(f"{API}/profile/declarations/").status_code == 404


def test_the_expert_marks_unavailable_days(login, pending):  # noqa: F811
    c = login(pending.user)
    start = timezone.localdate() + datetime.timedelta(days=50)
    response = c.post(
        f"{API}/profile/unavailable-days/",
        {
            "starts_on": start.isoformat(),
            "ends_on": (start + datetime.timedelta(days=1)).isoformat(),
            "reason": "会议",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert len(c.get(f"{API}/profile/unavailable-days/").json()) == 4
    response = c.post(
        f"{API}/profile/unavailable-days/",
        {"starts_on": start.isoformat(), "ends_on": (start - datetime.timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400 and "ends_on" in response.json()["errors"]
    assert c.delete(f"{API}/profile/unavailable-days/{response_id(c)}/").status_code == 204
    assert pending.unavailable_days.count() == 3


def response_id(c) -> int:
    return max(row["id"] for row in c.get(f"{API}/profile/unavailable-days/").json())


def test_the_schema_lists_the_expert_endpoints(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/experts/profile/",
        "/api/v1/experts/profile/declarations/{declaration_id}/",
        "/api/v1/experts/profile/unavailable-days/",
        "/api/v1/experts/pool/",
        "/api/v1/experts/pool/{profile_id}/approve/",
    ):
        assert path in paths, path
    schemas = response.json()["components"]["schemas"]
    assert "ExpertProfileStatusEnum" in schemas and "DeclarationKindEnum" in schemas
