"""Supplier pages and API: who may open what (a foreign id is 404 like a missing one), the
registration form, decisions, pinned query counts and both languages."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from suppliers.models import SupplierProfile

from .conftest import registration

Status = SupplierProfile.Status


@pytest.fixture
def pending(supplier_factory):
    return supplier_factory(status=Status.PENDING, qualifications=["quality_management", "work_safety"])


@pytest.fixture
def people(pending, supplier_factory, operator, regulator, other_regulator):
    return {
        "supplier": pending.representative,
        "other_supplier": supplier_factory().representative,
        "operator": operator,
        "regulator": regulator,
        "other_regulator": other_regulator,
        "anonymous": None,
    }


def _client(client, login, user):
    return login(user) if user is not None else client


# who -> (review detail, own profile page, API detail)
MATRIX = {
    "supplier": (403, 200, 200),
    "other_supplier": (404, 200, 404),
    "operator": (200, 404, 200),
    "regulator": (200, 404, 200),
    "other_regulator": (404, 404, 404),
    "anonymous": (302, 302, 403),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(client, login, people, pending, who):
    c = _client(client, login, people[who])
    detail, own, api = MATRIX[who]
    assert c.get(reverse("suppliers:review_detail", args=[pending.pk])).status_code == detail
    assert c.get(reverse("suppliers:profile")).status_code == own
    assert c.get(f"/api/v1/suppliers/registrations/{pending.pk}/").status_code == api


@pytest.mark.parametrize(
    "who, status", [("supplier", 403), ("operator", 200), ("regulator", 200), ("other_regulator", 200)]
)
def test_review_list_is_for_reviewers_and_scoped_to_the_region(client, login, people, pending, who, status):
    response = _client(client, login, people[who]).get(reverse("suppliers:review_list"))
    assert response.status_code == status
    if who == "other_regulator":
        assert pending.organisation.name_zh not in response.content.decode()


def test_a_missing_and_a_foreign_registration_answer_the_same_404(client, login, people, pending):
    c = login(people["other_regulator"])
    assert c.get(reverse("suppliers:review_detail", args=[pending.pk])).status_code == 404
    assert c.get(reverse("suppliers:review_detail", args=[999999])).status_code == 404
    response = c.post(reverse("suppliers:review_decide", args=[pending.pk]), {"decision": "approve"})
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_the_regulator_approves_from_the_page(login, people, pending):
    c = login(people["regulator"])
    response = c.post(
        reverse("suppliers:review_decide", args=[pending.pk]), {"decision": "approve", "comment": ""}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED
    assert AuditEvent.objects.filter(action="suppliers.approved").count() == 1


def test_a_rejection_without_comment_is_refused_with_a_message(login, people, pending):
    c = login(people["operator"])
    response = c.post(
        reverse("suppliers:review_decide", args=[pending.pk]),
        {"decision": "reject", "comment": ""},
        follow=True,
    )
    assert "Write a comment" in response.content.decode() or "填写" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


@pytest.mark.parametrize("path", ["approve", "request-changes", "reject", "suspend"])
def test_api_actions_need_a_reviewer(client, login, people, pending, path):
    url = f"/api/v1/suppliers/registrations/{pending.pk}/{path}/"
    assert login(people["supplier"]).post(url, {"comment": "x"}).status_code == 403
    assert login(people["other_regulator"]).post(url, {"comment": "x"}).status_code == 404


def test_api_decisions(login, people, pending):
    c = login(people["operator"])
    response = c.post(f"/api/v1/suppliers/registrations/{pending.pk}/request-changes/", {"comment": "补充"})
    assert response.status_code == 200 and response.json()["status"] == "changes_requested"
    response = c.post(f"/api/v1/suppliers/registrations/{pending.pk}/suspend/", {"comment": "x"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    response = c.post(f"/api/v1/suppliers/registrations/{pending.pk}/reject/", {})
    assert response.status_code == 400
    assert c.get("/api/v1/suppliers/registrations/?status=changes_requested").json()["count"] == 1
    assert c.get("/api/v1/suppliers/registrations/?status=nonsense").status_code == 400


def test_api_own_profile(login, people, pending):
    response = login(people["supplier"]).get("/api/v1/suppliers/profile/")
    assert response.status_code == 200 and response.json()["id"] == pending.pk
    assert len(response.json()["qualifications"]) == 2
    assert login(people["operator"]).get("/api/v1/suppliers/profile/").status_code == 404


def test_registration_page_is_public_and_registers(client, db):
    assert client.get(reverse("suppliers:register")).status_code == 200
    data = registration()
    form = {k: v for k, v in data.items() if k not in ("qualifications", "categories")}
    form["categories"] = ["goods", "services"]
    form["regions"] = "330400 330100"
    row = data["qualifications"][0]
    form.update(
        {
            "qualifications-TOTAL_FORMS": "2",
            "qualifications-INITIAL_FORMS": "0",
            "qualifications-0-kind": row["kind"],
            "qualifications-0-number": row["number"],
            "qualifications-0-issued_on": row["issued_on"].isoformat(),
            "qualifications-0-expires_on": row["expires_on"].isoformat(),
            "qualifications-0-document": row["document"],
            # The second row left untouched, as a browser sends it: the blank licence kind.
            "qualifications-1-kind": "",
        }
    )
    response = client.post(reverse("suppliers:register"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = SupplierProfile.objects.get()
    assert profile.categories == ["goods", "services"] and profile.regions == ["330400", "330100"]
    assert profile.qualifications.count() == 1


def test_registration_page_shows_a_duplicate_uscc(client, approved_supplier):
    data = registration(uscc=approved_supplier.organisation.uscc)
    form = {k: v for k, v in data.items() if k not in ("qualifications",)}
    form.update({"qualifications-TOTAL_FORMS": "0", "qualifications-INITIAL_FORMS": "0"})
    response = client.post(reverse("suppliers:register"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    assert SupplierProfile.objects.count() == 1


def test_the_representative_resubmits_from_the_profile_page(login, supplier_factory):
    profile = supplier_factory(status=Status.CHANGES_REQUESTED)
    c = login(profile.representative)
    page = c.get(reverse("suppliers:profile"))
    assert 'data-testid="edit-form"' in page.content.decode()
    form = {
        field: getattr(profile, field)
        for field in ("legal_representative", "address", "contact_name", "contact_phone", "contact_email")
    }
    form.update(
        {
            "registered_capital": "6000000.00",
            "enterprise_size": "small",
            "special_status": "none",
            "bank_name": "银行",
            "bank_account_name": "账户",
            "bank_account_number": "6222000011112222",
            "categories": ["works"],
            "regions": "330400",
        }
    )
    assert c.post(reverse("suppliers:profile"), form).status_code == 302
    profile.refresh_from_db()
    assert profile.status == Status.PENDING and profile.categories == ["works"]


def test_review_list_query_count_is_pinned(login, operator, supplier_factory, django_assert_num_queries):
    for _ in range(3):
        supplier_factory(status=Status.PENDING, qualifications=["work_safety"])
    c = login(operator)
    c.get(reverse("suppliers:review_list"))  # warm the session cache
    with django_assert_num_queries(6):
        response = c.get(reverse("suppliers:review_list"))
    assert response.content.decode().count('data-testid="status-') == 3
    for _ in range(3):
        supplier_factory(status=Status.PENDING, qualifications=["work_safety"])
    with django_assert_num_queries(6):
        c.get(reverse("suppliers:review_list"))


def test_profile_page_query_count_is_pinned(login, supplier_factory, django_assert_num_queries):
    profile = supplier_factory(
        status=Status.PENDING, qualifications=["work_safety", "quality_management", "food_business"]
    )
    c = login(profile.representative)
    c.get(reverse("suppliers:profile"))
    with django_assert_num_queries(5):
        response = c.get(reverse("suppliers:profile"))
    assert len(re.findall(r'data-testid="qualification-[0-9]+"', response.content.decode())) == 3


@pytest.mark.parametrize("language, text", [("zh-hans", "供应商注册"), ("en", "Register as a supplier")])
def test_pages_render_in_both_languages(client, db, language, text):
    response = client.get(reverse("suppliers:register"), HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()


@pytest.mark.parametrize("language, text", [("zh-hans", "待审核"), ("en", "Awaiting review")])
def test_review_pages_render_in_both_languages(login, operator, pending, language, text):
    c = login(operator)
    response = c.get(reverse("suppliers:review_detail", args=[pending.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()
