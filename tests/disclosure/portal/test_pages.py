"""The portal's pages for anonymous readers: the home page, the list of each kind of notice and a
project's public timeline, in Chinese and English; what must not show does not (bid prices before
the opening, scheduled notices); pinned query counts; 404 for what is not public."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bidding.models import Bid
from procurement.models import Lot, Notice
from procurement.selectors import bump_notices_version

from .scenario import SCHEDULED_TITLE, SCHEDULED_TITLE_EN, SEALED_PRICE, notice

pytestmark = pytest.mark.django_db

ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}


def main(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def jsonld(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', response.content.decode()
    )
    assert found, "no JSON-LD"
    return json.loads(found.group(1))


# --- Home --------------------------------------------------------------------------------------------


def test_the_home_page_shows_counts_and_the_latest_notices_of_each_type(client, scenario):
    response = client.get("/", headers=ZH)
    assert response.status_code == 200
    sections = {section["kind"].value: section for section in response.context["sections"]}
    published = Notice.objects.filter(published_at__lte=timezone.now())
    for kind, section in sections.items():
        assert section["count"] == published.filter(kind=kind).count()
    assert sections["tender"]["count"] == 1 and sections["result"]["count"] == 1
    assert [row.pk for row in sections["result"]["latest"]] == [scenario.award.result_notice_id]
    html = main(response)
    assert "阳光" in response.content.decode() and "招标公告" in html
    assert reverse("disclosure:notice_type", args=["opening_record"]) == "/notices/opening-record/"
    assert 'href="/notices/opening-record/"' in html
    assert 'name="q"' in html and 'action="/search/"' in html
    assert 'for="portal-q"' in html  # the search box has its label
    assert SCHEDULED_TITLE not in html and "定时采购意向" not in html
    # Kinds without a notice are one line of links, not empty cards.
    empty = [kind.value for kind in response.context["empty_kinds"]]
    assert "complaint" in empty and "tender" not in empty
    assert 'data-testid="kind-complaint"' not in html and 'href="/notices/complaint/"' in html


def test_the_home_page_speaks_english(client, scenario):
    html = main(client.get("/", headers=EN))
    assert "Latest notices by type" in html and "Tender notices" in html
    assert "招标公告" not in html


def test_the_home_page_query_count_is_pinned_and_then_cached(client, scenario, django_assert_num_queries):
    # The notice version lives in the cache: reading it is not a query. Counts, latest, next due.
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_a_new_notice_shows_on_the_home_page_at_once(client, scenario):
    client.get("/")
    fresh = notice(scenario.project, Notice.Kind.CORRECTION, "新的更正公告", "A new correction")
    bump_notices_version()  # what the publishing service does on commit
    sections = {s["kind"].value: s for s in client.get("/").context["sections"]}
    assert sections["correction"]["latest"][0].pk == fresh.pk


def test_a_logged_in_user_sees_the_portal_with_a_link_to_the_workspace(client, scenario):
    client.force_login(scenario.clerk, backend="accounts.backends.MembershipAwareModelBackend")
    response = client.get("/")
    assert response.status_code == 200
    assert 'data-testid="workspace-link"' in main(response)
    assert reverse("accounts:workspace") in main(response)
    assert 'data-testid="workspace-link"' not in main(client.logout() or client.get("/"))


def test_the_home_page_carries_structured_metadata(client, scenario):
    response = client.get("/", headers=EN)
    html = response.content.decode()
    assert '<meta name="description" content="' in html
    assert '<link rel="canonical" href="http://testserver/">' in html
    assert '<link rel="alternate" hreflang="zh-Hans" href="http://testserver/?lang=zh-hans">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/?lang=en">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/">' in html
    data = jsonld(response)
    assert data["@type"] == "WebSite"
    assert (
        data["potentialAction"]["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    )
    # The script's nonce is the response's CSP nonce: the strict policy lets it be.
    nonce = re.search(r'nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_lang_in_the_address_chooses_the_language_for_crawlers(client, scenario):
    en = client.get("/?lang=en", headers=ZH)
    assert en["Content-Language"] == "en" and "Latest notices by type" in main(en)
    assert 'lang="en"' in en.content.decode().split(">", 2)[1]
    # The language switch returns to the page without ?lang=, which would override the choice.
    assert '<input name="next" type="hidden" value="/">' in en.content.decode()
    zh = client.get("/?lang=zh-hans", headers=EN)
    assert zh["Content-Language"] == "zh-hans" and "各类公告最新发布" in main(zh)
    assert client.get("/?lang=xx", headers=EN)["Content-Language"] == "en"  # unknown: ignored


def test_the_home_page_is_accessible_in_its_structure(client, scenario):
    html = client.get("/").content.decode()
    assert 'class="visually-hidden-focusable" href="#main"' in html  # skip link
    assert '<main id="main"' in html and "<nav " in html and "<footer" in html
    assert html.count("<h1") == 1
    # Every form control has a label.
    content = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    controls = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', content)
    assert controls
    for control in controls:
        assert f'for="{control}"' in content, control


def test_the_home_page_has_no_inline_script_or_style(client, scenario):
    html = client.get("/").content.decode()
    assert "style=" not in html and "<style" not in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or 'type="application/ld+json"' in script, script


# --- One kind of notice ------------------------------------------------------------------------------


def test_every_kind_of_notice_has_its_list(client, scenario):
    for kind in Notice.Kind.values:
        response = client.get(reverse("disclosure:notice_type", args=[kind]), headers=ZH)
        assert response.status_code == 200, kind
        rows = response.context["rows"]
        assert all(row.kind == kind for row in rows)
        assert {row.pk for row in rows} == set(
            Notice.objects.filter(kind=kind, published_at__lte=timezone.now()).values_list("pk", flat=True)
        )


def test_a_kind_list_shows_its_notices_in_both_languages_and_hides_scheduled_ones(client, scenario):
    url = reverse("disclosure:notice_type", args=["correction"])
    zh, en = main(client.get(url, headers=ZH)), main(client.get(url, headers=EN))
    assert "更正公告" in zh and "Correction notices" in en
    assert SCHEDULED_TITLE not in zh and SCHEDULED_TITLE_EN not in en
    result = main(client.get(reverse("disclosure:notice_type", args=["result"]), headers=EN))
    assert (
        "Result, lot 1" in result
        and reverse("notices:detail", args=[scenario.award.result_notice_id]) in result
    )


def test_a_kind_list_query_count_is_pinned(client, scenario, django_assert_num_queries):
    for n in range(3):
        notice(scenario.project, Notice.Kind.INTENTION, f"采购意向{n}", f"Intention {n}")
    url = reverse("disclosure:notice_type", args=["intention"])
    with django_assert_num_queries(1):  # the page of rows (the version is in the cache)
        response = client.get(url)
    published = Notice.objects.filter(kind="intention", published_at__lte=timezone.now())
    assert len(response.context["rows"]) == published.count() >= 4
    with django_assert_num_queries(0):
        client.get(url)


def test_a_kind_list_filters_and_refuses_a_forged_cursor(client, scenario):
    url = reverse("disclosure:notice_type", args=["tender"])
    assert len(client.get(url, {"category": "goods"}).context["rows"]) == 1
    assert client.get(url, {"category": "works"}).context["rows"] == []
    bad = client.get(url, {"after": "not-a-cursor"}, headers=EN)
    assert bad.status_code == 400 and "This page link is broken" in main(bad)
    assert client.get(url, {"region": "<script>"}).status_code == 400


def test_an_unknown_kind_is_404(client, scenario):
    assert client.get("/notices/nonsense/").status_code == 404
    assert client.get("/notices/opening_record/").status_code == 404  # the address uses hyphens


def test_a_kind_list_pages_by_keyset(client, scenario, monkeypatch):
    from disclosure.portal import selectors

    monkeypatch.setattr(selectors, "LIST_PAGE_SIZE", 2)
    for n in range(3):
        notice(scenario.project, Notice.Kind.INTENTION, f"采购意向{n}", f"Intention {n}")
    url = reverse("disclosure:notice_type", args=["intention"])
    seen, page = [], client.get(url)
    while True:
        assert len(page.context["rows"]) <= 2
        seen += [row.pk for row in page.context["rows"]]
        if not page.context["next_url"]:
            break
        page = client.get(url + page.context["next_url"])
    published = Notice.objects.filter(kind="intention", published_at__lte=timezone.now())
    assert seen == list(published.order_by("-published_at", "-id").values_list("pk", flat=True))
    assert len(seen) >= 4


def test_the_notice_page_links_the_project_timeline_and_its_kind(client, scenario):
    html = main(client.get(reverse("notices:detail", args=[scenario.award.result_notice_id])))
    assert f'href="{reverse("disclosure:project", args=[scenario.project.pk])}"' in html
    assert 'href="/notices/result/"' in html


# --- The project timeline ------------------------------------------------------------------------------


def project_url(scenario) -> str:
    return reverse("disclosure:project", args=[scenario.project.pk])


def test_the_timeline_shows_notices_documents_opening_result_draw_contract_and_trail(client, scenario):
    response = client.get(project_url(scenario), headers=ZH)
    assert response.status_code == 200
    timeline = response.context["timeline"]
    html = main(response)
    published = list(
        Notice.objects.filter(project=scenario.project, published_at__lte=timezone.now()).order_by(
            "published_at", "id"
        )
    )
    assert [n.pk for n in timeline.notices] == [n.pk for n in published]
    for n in published:
        assert reverse("notices:detail", args=[n.pk]) in html
    document = scenario.project.tender_documents.get(status="published")
    assert document.sha256 in html
    lot1, lot2 = timeline.lots
    assert [bid.pk for bid in lot1.bids] == sorted(
        [b.pk for b in scenario.bids], key=lambda pk: Bid.objects.get(pk=pk).received_at
    )
    for bid in scenario.bids:
        assert f"{bid.price:,.2f}" in html
        assert bid.supplier.name_zh in html
        for f in bid.files.filter(status="complete"):
            assert f.sha256 in html
    assert scenario.lot.opening.notice.attachment_sha256 in html
    # The result: scores, ranks, the winner, the reason the third failed.
    assert "91.50" in html and "86.25" in html and "营业执照已过期" in html
    # The draw: the commitment, the seed and the panel's names, published with the result.
    panel = scenario.award.evaluation.panel
    assert panel.seed_sha256 in html and panel.seed in html
    assert all(f"门户专家{n}" in html for n in range(1, 5))
    assert reverse("experts:draw_record", args=[panel.pk]) in html
    # The contract's public copy and its hash, the acceptance, the breach.
    assert scenario.contract.notice.attachment_sha256 in html
    assert reverse("notices:attachment", args=[scenario.contract.notice_id]) in html
    assert 'data-testid="acceptances"' in html and 'data-testid="breaches"' in html
    # The audit trail: the project's, its lot's, the opened bids', the award's, the contract's.
    kinds = {event.object_type for event in timeline.events}
    assert {"procurement.project", "bidding.bid", "experts.panel"} <= kinds
    for event in timeline.events[-3:]:
        assert event.hash[:12] in html
        assert f"?sequence={event.sequence}" in html


def test_nothing_of_a_sealed_bid_shows_before_its_opening(client, scenario):
    for headers in (ZH, EN):
        response = client.get(project_url(scenario), headers=headers)
        html = response.content.decode()
        assert SEALED_PRICE not in html and "777,777.77" not in html
        assert (
            scenario.sealed_bid.supplier.name_zh not in html
            and scenario.sealed_bid.supplier.name_en not in html
        )
        for f in scenario.sealed_bid.files.all():
            assert f.sha256 not in html
        sealed = response.context["timeline"].lots[1]
        assert sealed.sealed and sealed.bids == [] and sealed.panel is None
        assert 'data-testid="sealed"' in main(response)
    events = response.context["timeline"].events
    assert not any(
        e.object_type == "bidding.bid" and e.object_id == str(scenario.sealed_bid.pk) for e in events
    )
    assert not any(
        e.action == "bidding.file_received" and e.object_id == str(scenario.sealed_bid.pk) for e in events
    )


def test_the_timeline_hides_scheduled_notices(client, scenario):
    html = client.get(project_url(scenario), headers=ZH).content.decode()
    assert SCHEDULED_TITLE not in html
    assert reverse("notices:detail", args=[scenario.scheduled.pk]) not in html


def test_the_draw_names_wait_for_the_result(client, scenario):
    from experts.models import Panel

    panel = scenario.award.evaluation.panel
    Panel.objects.filter(pk=panel.pk).update(published_at=None)
    scenario.award.result_notice.__class__.objects.filter(pk=scenario.award.result_notice_id).update(
        published_at=timezone.now() + datetime.timedelta(days=1)
    )
    html = main(client.get(project_url(scenario), headers=ZH))
    assert panel.seed_sha256 in html  # the commitment is public from the request
    assert panel.seed not in html
    assert "门户专家1" not in html and "91.50" not in html


def test_the_timeline_speaks_english(client, scenario):
    html = main(client.get(project_url(scenario), headers=EN))
    assert "Computers for teaching" in html and "Bid opening" in html and "Audit trail" in html
    assert "Lot 1" in html and "Jiaxing Test School" in html
    assert "标包" not in html


def test_the_timeline_query_count_is_pinned_and_does_not_grow_with_lots_and_notices(
    client, scenario, django_assert_num_queries
):
    url = project_url(scenario)
    # The newest notice (the cache's version), the project, and the timeline's own: notices,
    # documents, lots, openings, bids, their files, awards, assessments, panels, seats, contracts,
    # acceptances, breaches, supplements, the trail, the latest checkpoint; with the red flags' and
    # the OCDS ids' one query each.
    with django_assert_num_queries(20):
        client.get(url)
    cache.clear()
    # More lots, notices and an opened lot more: the same number of queries.
    for number in (3, 4, 5):
        Lot.objects.create(
            project=scenario.project,
            number=number,
            title_zh=f"第{number}包",
            budget="1000.00",
            quantity_and_specification="x",
            delivery_place="嘉兴",
            delivery_period="30日",
        )
    for n in range(4):
        notice(scenario.project, Notice.Kind.CORRECTION, f"更正{n}", f"Correction {n}")
    with django_assert_num_queries(20):
        response = client.get(url)
    assert len(response.context["timeline"].lots) == 5


def test_the_timeline_is_cached_until_the_project_publishes_a_notice(
    client, scenario, django_assert_num_queries
):
    url = project_url(scenario)
    first = client.get(url, headers=EN)
    with django_assert_num_queries(0):
        again = client.get(url, headers=EN)
    assert main(again) == main(first)
    assert again.context is None  # the kept page: no template rendered
    assert "教学用计算机采购" in main(client.get(url, headers=ZH))  # the other language: an entry of its own
    # Another project's notice: one query says this project's notices are as they were.
    notice(scenario.hidden_project, Notice.Kind.CORRECTION, "别的项目", "Another project's")
    bump_notices_version()  # as the publishing service does on commit
    with django_assert_num_queries(1):
        assert main(client.get(url, headers=EN)) == main(first)
    with django_assert_num_queries(0):
        client.get(url, headers=EN)
    # Its own new notice: the timeline is made again.
    fresh = notice(scenario.project, Notice.Kind.CORRECTION, "新更正公告", "A fresh correction")
    bump_notices_version()
    html = main(client.get(url, headers=EN))
    assert reverse("notices:detail", args=[fresh.pk]) in html
    # Each page carries its own CSRF token and CSP nonce around the cached content.
    nonces = {re.search(r'nonce="([^"]+)"', client.get(url).content.decode()).group(1) for _ in range(2)}
    assert len(nonces) == 2


def test_the_timeline_carries_structured_metadata(client, scenario):
    response = client.get(project_url(scenario), headers=EN)
    data = jsonld(response)
    assert data["@type"] == "ItemPage"
    assert data["mainEntity"]["@type"] == "Demand"
    assert data["mainEntity"]["identifier"] == scenario.project.reference
    assert data["mainEntity"]["priceSpecification"]["priceCurrency"] == "CNY"
    html = response.content.decode()
    assert f'<link rel="canonical" href="http://testserver{project_url(scenario)}">' in html
    assert '<meta name="description" content="' + scenario.project.reference in html


def test_unknown_unpublished_and_forged_projects_are_404(client, scenario):
    assert client.get(reverse("disclosure:project", args=[scenario.hidden_project.pk])).status_code == 404
    assert client.get(reverse("disclosure:project", args=[10**12])).status_code == 404
    assert client.get("/projects/99999999999999999999999/").status_code == 404
    assert client.get("/projects/abc/").status_code == 404
    missing = client.get(reverse("disclosure:project", args=[10**12]), headers=EN)
    assert "No such project." in main(missing)


def test_a_project_is_found_by_its_reference(client, scenario):
    response = client.get(reverse("disclosure:project_by_reference", args=[scenario.project.reference]))
    assert response.status_code == 301 and response["Location"] == project_url(scenario)
    hidden = reverse("disclosure:project_by_reference", args=[scenario.hidden_project.reference])
    assert client.get(hidden).status_code == 404


def test_the_pages_refuse_to_change_anything(client, scenario):
    assert client.post("/").status_code == 405
    assert client.post(project_url(scenario)).status_code == 405


# --- The project's whole trail -------------------------------------------------------------------------


def trail_url(scenario) -> str:
    return reverse("disclosure:project_trail", args=[scenario.project.pk])


def test_the_trail_page_lists_the_same_public_events_as_the_timeline(client, scenario, monkeypatch):
    from disclosure.portal import trail

    monkeypatch.setattr(trail, "TRAIL_ON_TIMELINE", 10_000)
    on_timeline = [e.sequence for e in client.get(project_url(scenario)).context["timeline"].events]
    page = client.get(trail_url(scenario), headers=EN)
    assert page.status_code == 200
    assert [e.sequence for e in page.context["events"]] == on_timeline
    assert on_timeline == sorted(on_timeline, reverse=True)
    sealed = {str(scenario.sealed_bid.pk)}
    assert not any(e.object_type == "bidding.bid" and e.object_id in sealed for e in page.context["events"])
    assert "Audit trail: Computers for teaching" in main(page)


def test_the_timeline_shows_the_newest_events_and_links_the_older(client, scenario, monkeypatch):
    from disclosure.portal import trail

    monkeypatch.setattr(trail, "TRAIL_ON_TIMELINE", 5)
    monkeypatch.setattr(trail, "TRAIL_PAGE_SIZE", 7)
    response = client.get(project_url(scenario))
    newest = [e.sequence for e in response.context["timeline"].events]
    assert len(newest) == 5 and response.context["timeline"].more_events
    older = f"{trail_url(scenario)}?before={newest[-1]}"
    assert older in main(response)
    seen, url = [], older
    while url:
        page = client.get(url)
        assert len(page.context["events"]) <= 7
        seen += [e.sequence for e in page.context["events"]]
        url = trail_url(scenario) + page.context["older_url"] if page.context["older_url"] else None
    assert len(seen) == len(set(seen)) and seen == sorted(seen, reverse=True)
    assert max(seen) < newest[-1]
    first = [e.sequence for e in client.get(trail_url(scenario)).context["events"]]
    assert first[:5] == newest


def test_the_trail_page_query_count_is_pinned(client, scenario, django_assert_num_queries):
    # The newest notice, the project, its public objects (lots, awards, contracts, bids, panels,
    # acceptances, breaches, supplements), the events.
    with django_assert_num_queries(11):
        assert client.get(trail_url(scenario)).status_code == 200


def test_the_trail_page_refuses_a_forged_cursor_and_hidden_projects(client, scenario):
    for before in ("abc", "-1", "9" * 30):
        response = client.get(trail_url(scenario), {"before": before}, headers=EN)
        assert response.status_code == 400 and "This page link is broken" in main(response)
    hidden = reverse("disclosure:project_trail", args=[scenario.hidden_project.pk])
    assert client.get(hidden).status_code == 404


def test_a_cached_timeline_goes_stale_when_a_scheduled_notice_comes_out(client, scenario):
    import time

    due = timezone.now() + datetime.timedelta(seconds=1)
    soon = notice(scenario.project, Notice.Kind.CORRECTION, "即将发布的更正", "Correction due", at=due)
    bump_notices_version()
    url = project_url(scenario)
    assert reverse("notices:detail", args=[soon.pk]) not in main(client.get(url))
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.05)
    assert reverse("notices:detail", args=[soon.pk]) in main(client.get(url))


def test_the_public_gets_the_kept_page_and_a_logged_in_user_a_rendered_one(client, scenario):
    url = project_url(scenario)
    public = client.get(url)
    kept = client.get(url)
    assert kept.context is None and 'data-testid="membership-menu"' not in kept.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept.content.decode()).group(1)
    assert "Mark" not in token and kept.cookies["csrftoken"].value  # its own token, and the cookie
    nonce = re.search(r'<script[^>]+nonce="([^"]+)"', kept.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in kept["Content-Security-Policy"]
    client.force_login(scenario.clerk, backend="accounts.backends.MembershipAwareModelBackend")
    member = client.get(url)
    assert member.context is not None and 'data-testid="membership-menu"' in member.content.decode()
    assert main(member) == main(public)
