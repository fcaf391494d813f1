"""Public notices: the intention published on approval, the list (filters, keyset pages) and a
notice's page, readable without login in both languages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role
from procurement import services
from procurement.models import Method, Notice
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def purchaser(db):
    return OrganisationFactory(
        kind=Organisation.Kind.PURCHASER,
        region_code="330400",
        name_zh="嘉兴市教育局",
        name_en="Jiaxing Education Bureau",
    )


@pytest.fixture
def clerk(make_member, purchaser):
    return make_member(Role.PURCHASER_CLERK, organisation=purchaser)


@pytest.fixture
def approver(make_member, purchaser):
    return make_member(Role.PURCHASER_APPROVER, organisation=purchaser, approval_limit=Decimal("5000000"))


def _approved(clerk, approver, title="办公桌椅采购", **fields):
    project = services.file_project(
        actor=clerk,
        title_zh=title,
        title_en="Office furniture",
        category=fields.get("category", "goods"),
        classification_code="A0601",
        budget="600000.00",
        funding_source="fiscal_budget",
        method=Method.DIRECT_PURCHASE,
        lots=[
            {
                "title_zh": "办公桌",
                "budget": "600000.00",
                "quantity_and_specification": "200 张",
                "delivery_place": "嘉兴",
                "delivery_period": "20日",
            }
        ],
    )
    services.submit_project(project.pk, actor=clerk)
    return services.approve_project(project.pk, actor=approver)


def test_approval_publishes_the_procurement_intention_in_both_languages(clerk, approver):
    project = _approved(clerk, approver)
    notice = Notice.objects.get(project=project, kind=Notice.Kind.INTENTION)
    earliest = timezone.localdate() + datetime.timedelta(days=30)
    assert earliest.isoformat() in notice.body_zh and earliest.isoformat() in notice.body_en
    assert "办公桌椅采购" in notice.title_zh and "Office furniture" in notice.title_en
    assert "600,000.00" in notice.body_en
    assert project.intention_published_on == timezone.localdate()
    assert services.earliest_tender_notice_day(project) == earliest


def test_the_public_reads_the_list_and_the_notice_without_login(client, clerk, approver):
    project = _approved(clerk, approver)
    notice = project.notices.get()
    listing = client.get(reverse("notices:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        listing.status_code == 200 and "Procurement intention: Office furniture" in listing.content.decode()
    )
    page = client.get(reverse("notices:detail", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "办公桌椅采购" in page.content.decode()


def test_filters_narrow_the_list(client, clerk, approver):
    _approved(clerk, approver, title="物业服务采购", category="services")
    _approved(clerk, approver, title="办公桌椅采购")
    response = client.get(reverse("notices:list"), {"category": "services"})
    titles = [n.title_zh for n in response.context["notices"]]
    assert len(titles) == 1 and "物业服务采购" in titles[0]
    assert len(client.get(reverse("notices:list"), {"region": "330000"}).context["notices"]) == 2
    assert client.get(reverse("notices:list"), {"region": "110000"}).context["notices"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "33"}, "An administrative region code has six digits"),
        ({"after": "yesterday|x"}, "This page link is broken"),
        ({"kind": "gossip"}, "Select a valid choice"),
    ],
)
def test_bad_filters_get_a_translated_400(client, params, message):
    response = client.get(reverse("notices:list"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_keyset_pages_walk_every_notice_once(client, clerk, approver):
    project = _approved(clerk, approver)
    now = timezone.now()
    Notice.objects.bulk_create(
        [
            Notice(
                project=project,
                kind=Notice.Kind.CORRECTION,
                title_zh=f"更正{n}",
                title_en=f"Correction {n}",
                body_zh="更正",
                body_en="Correction",
                region_code="330400",
                category="goods",
                method=Method.DIRECT_PURCHASE,
                published_at=now - datetime.timedelta(minutes=n % 7),  # ties on the time: the id decides
            )
            for n in range(60)
        ]
    )
    seen, url, pages = [], reverse("notices:list"), 0
    while url:
        response = client.get(url if url.startswith("/") else reverse("notices:list") + url)
        seen += [n.pk for n in response.context["notices"]]
        url, pages = response.context["next_url"], pages + 1
    assert pages == 2
    assert sorted(seen) == sorted(Notice.objects.values_list("pk", flat=True)) and len(seen) == len(set(seen))


def test_a_notice_published_in_the_future_or_missing_is_404(client, clerk, approver):
    project = _approved(clerk, approver)
    notice = project.notices.get()
    Notice.objects.filter(pk=notice.pk).update(published_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404
    assert client.get(reverse("notices:detail", args=[notice.pk + 999])).status_code == 404
    assert client.get(reverse("notices:list")).context["notices"] == []


def test_notice_list_query_count(client, clerk, approver, django_assert_num_queries):
    for title in ("甲", "乙", "丙"):
        _approved(clerk, approver, title=title)
    with django_assert_num_queries(1):  # the page of notices with their project and purchaser
        response = client.get(reverse("notices:list"))
    assert len(response.context["notices"]) == 3
    with django_assert_num_queries(0):  # the same page again: from the cache
        cached = client.get(reverse("notices:list"))
    assert len(re.findall(r'href="/notices/\d+/"', cached.content.decode())) == 3


def test_a_published_notice_shows_on_the_cached_list_at_once(
    client, clerk, approver, django_capture_on_commit_callbacks
):
    project = _approved(clerk, approver, title="办公桌椅采购")
    first = client.get(reverse("notices:list")).content.decode()  # now cached
    assert "办公桌椅采购" in first and "办公桌椅采购终止公告" not in first
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_project(project.pk, actor=clerk, reason="预算调整")  # publishes the termination
    assert "办公桌椅采购终止公告" in client.get(reverse("notices:list")).content.decode()


def test_a_scheduled_notice_shows_on_the_cached_list_when_its_time_comes(
    client, clerk, approver, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _approved(clerk, approver, title="办公桌椅采购")
        scheduled = _approved(clerk, approver, title="物业服务采购").notices.get()
    due = timezone.now() + datetime.timedelta(hours=1)
    Notice.objects.filter(pk=scheduled.pk).update(published_at=due)  # scheduled, as a tender notice may be
    assert "物业服务采购" not in client.get(reverse("notices:list")).content.decode()
    assert "物业服务采购" not in client.get(reverse("notices:list")).content.decode()  # from the cache
    monkeypatch.setattr(timezone, "now", lambda: due + datetime.timedelta(seconds=1))
    # No bump, no 60 s wait: the cached page knew when the scheduled notice comes out.
    assert "物业服务采购" in client.get(reverse("notices:list")).content.decode()
