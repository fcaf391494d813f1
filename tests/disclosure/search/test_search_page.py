"""The public search page /search/: words, filters, orders, keyset pages, counts, highlighting,
bad input, languages and query counts, over the module's shared scenario."""

import re
from urllib.parse import parse_qs

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from disclosure.search import cursor as cursors
from disclosure.search import selectors
from disclosure.search.selectors import NEWEST, Position

pytestmark = pytest.mark.django_db

URL = reverse("disclosure:search")


def found(response) -> list[int]:
    """The notice ids of a results page, in order."""
    return [int(pk) for pk in re.findall(r'href="/notices/(\d+)/" data-testid="result-title"', response.text)]


def ids(scenario, *names) -> list[int]:
    return [scenario.pk(name) for name in names]


def search(client, language="zh-hans", **params):
    return client.get(URL, params, headers={"accept-language": language})


def test_the_page_lists_every_public_notice_newest_first_without_login(client, scenario):
    response = search(client)
    assert response.status_code == 200
    assert found(response) == ids(
        scenario,
        "formula",
        "hostile",
        "road_result",
        "computers_contract",
        "computers_result",
        "beds_correction",
        "road_tender",
        "computers_tender",
        "beds_tender",
        "computers_intention",
    )
    assert scenario.scheduled.pk not in found(response)  # scheduled: not public before its time


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("计算机", ["computers_contract", "computers_result", "computers_tender", "computers_intention"]),
        ("计算机 中标", ["computers_result"]),  # every word must match
        ("护理床", ["formula", "hostile", "beds_correction", "beds_tender"]),
        ("养护", ["road_result", "road_tender"]),  # a two-character word inside a title
        ("多媒体", ["computers_tender"]),  # in the text only, after 1,000 characters
        ("hospital", ["beds_correction", "beds_tender"]),  # English words, any case
        ("HOSPITAL beds", ["beds_correction", "beds_tender"]),
        ("ＨＯＳＰＩＴＡＬ", ["beds_correction", "beds_tender"]),  # full-width letters
        ("Huashu", ["computers_result"]),
        ("潜水艇", []),
    ],
)
def test_words_find_the_notices_that_hold_all_of_them(client, scenario, query, expected):
    assert found(search(client, q=query)) == ids(scenario, *expected)


def test_a_scheduled_notice_is_not_found_before_its_time(client, scenario):
    assert scenario.scheduled.pk not in found(search(client, q="尚未发布"))
    assert found(search(client, q="尚未发布")) == []


def test_the_project_number_finds_its_notices(client, scenario):
    reference = scenario.notices["road_tender"].project.reference
    assert found(search(client, q=reference)) == ids(scenario, "road_result", "road_tender")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "result"}, ["road_result", "computers_result"]),
        ({"category": "works"}, ["road_result", "road_tender"]),
        ({"method": "competitive_consultation"}, ["road_result", "road_tender"]),
        ({"region": "330100"}, ["formula", "hostile", "beds_correction", "beds_tender"]),  # a city
        ({"region": "330000"}, None),  # the province: every notice of the scenario
        ({"region": "330203"}, ["road_result", "road_tender"]),
        ({"purchaser": "交通局"}, ["road_result", "road_tender"]),
        ({"purchaser": "central hospital"}, ["formula", "hostile", "beds_correction", "beds_tender"]),
        ({"supplier": "华数"}, ["computers_contract", "computers_result"]),
        ({"supplier": "Ningbo Construction"}, ["road_result"]),
        ({"supplier": "没有这家公司"}, []),
        ({"amount_min": "1000000", "amount_max": "2000000"}, ["computers_contract", "computers_result"]),
        ({"amount_min": "4000000"}, ["road_result", "road_tender"]),
        ({"q": "计算机", "kind": "tender"}, ["computers_tender"]),
    ],
)
def test_filters_narrow_the_results(client, scenario, params, expected):
    response = search(client, **params)
    assert response.status_code == 200
    if expected is None:
        assert len(found(response)) == 10
    else:
        assert found(response) == ids(scenario, *expected)


def test_a_purchaser_or_supplier_can_be_given_by_id(client, scenario):
    assert found(search(client, supplier=str(scenario.suppliers[1].pk))) == ids(scenario, "road_result")
    assert found(search(client, purchaser=str(scenario.purchasers[2].pk))) == ids(
        scenario, "road_result", "road_tender"
    )


def test_the_date_range_counts_whole_days_in_local_time(client, scenario):
    today = timezone.localdate()
    notices = [n for n in scenario.notices.values() if timezone.localdate(n.published_at) == today]
    response = search(client, published_from=today.isoformat(), published_to=today.isoformat())
    assert sorted(found(response)) == sorted(n.pk for n in notices)
    tomorrow = today + timezone.timedelta(days=1)
    assert found(search(client, published_from=tomorrow.isoformat())) == []


def test_relevance_puts_title_matches_before_text_matches(client, scenario):
    # 输液 is in the hostile correction's title and in the beds tender's text only.
    assert found(search(client, q="输液", order="relevance")) == ids(scenario, "hostile", "beds_tender")
    assert found(search(client, q="输液")) == ids(scenario, "hostile", "beds_tender")  # newest first too
    assert found(search(client, q="输液泵", order="relevance"))[0] == scenario.pk("hostile")


def walk(client, **params) -> list[int]:
    """Every page of a search, following the next-page links; the ids in order."""
    seen = []
    response = search(client, **params)
    while True:
        assert response.status_code == 200
        seen += found(response)
        match = re.search(r'href="\?([^"]+)" rel="next"', response.text)
        if not match:
            return seen
        query = {key: values[0] for key, values in parse_qs(match.group(1).replace("&amp;", "&")).items()}
        response = search(client, **query)


@pytest.mark.parametrize("order", ["newest", "relevance"])
def test_keyset_pages_walk_every_result_once_in_order(client, scenario, order):
    whole = found(search(client, q="公告 notice", order=order, size=50))
    paged = walk(client, q="公告 notice", order=order, size=3)
    assert paged == whole and len(whole) > 6


def test_the_next_page_link_keeps_the_criteria_and_an_opaque_cursor(client, scenario):
    response = search(client, q="护理床", kind="correction", size=1)
    link = re.search(r'href="\?([^"]+)" rel="next"', response.text).group(1).replace("&amp;", "&")
    query = parse_qs(link)
    assert query["q"] == ["护理床"] and query["kind"] == ["correction"] and query["size"] == ["1"]
    assert str(scenario.pk("formula")) not in query["cursor"][0]  # signed and compressed, not readable


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        signing.dumps({"o": NEWEST, "t": "2026-01-01T00:00:00+00:00", "n": 1}, salt="another"),
        signing.dumps({"o": NEWEST, "t": "yesterday", "n": 1}, salt=cursors.SALT),
        cursors.dump(Position(timezone.now(), 1, 0.5), "relevance"),  # for another order
        "x" * 600,
    ],
    ids=["garbage", "another-salt", "bad-time", "another-order", "too-long"],
)
def test_a_forged_or_broken_cursor_is_a_translated_400(client, scenario, cursor):
    response = search(client, q="计算机", cursor=cursor)
    assert response.status_code == 400
    assert "此页链接已损坏或被修改" in response.text or "确保该变量包含不超过" in response.text
    english = search(client, language="en", q="computers", cursor=cursor)
    assert english.status_code == 400
    assert "This page link is broken or was altered" in english.text or "at most 500" in english.text


def test_the_count_is_exact_up_to_the_cap_and_shown_with_a_plus_above(client, scenario, settings):
    assert "7 notices found" in search(client, language="en", q="公告").text
    settings.SEARCH_COUNT_CAP = 3
    assert "3+ notices found" in search(client, language="en", q="公告").text
    settings.SEARCH_COUNT_CAP = 10_000
    assert "找到 1 条公告" in search(client, q="Huashu").text


def test_matches_are_highlighted_and_the_titles_are_escaped(client, scenario):
    response = search(client, q="护理 script")
    assert "<script>alert(1)</script>" not in response.text
    assert (
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;<mark>护理</mark>床" in response.text
    )
    assert "<img src=x" not in response.text and "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_the_snippet_shows_the_text_around_the_match(client, scenario):
    response = search(client, q="多媒体")
    snippet = re.search(r'data-testid="result-snippet">(.*?)</p>', response.text, re.S).group(1)
    assert snippet.startswith("… ") and "<mark>多媒体</mark>" in snippet


def test_titles_and_texts_follow_the_page_language(client, scenario):
    english = search(client, language="en", q="computers", kind="intention")
    assert "Procurement intention: <mark>computers</mark> for teaching" in english.text
    assert "We plan to buy" in english.text
    chinese = search(client, q="计算机", kind="intention")
    assert "嘉兴市第一中学教学用<mark>计算机</mark>采购意向" in chinese.text
    assert "本单位计划采购" in chinese.text


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"q": "'; DROP TABLE disclosure_searchentry; --"}, 200, None),
        ({"q": "计算机' OR 1=1 --"}, 200, None),
        ({"q": "<script>alert(1)</script>"}, 200, None),
        ({"q": "😀🎉"}, 200, "no letters, digits or Chinese characters"),
        ({"q": "计算机😀"}, 200, None),
        ({"q": "计" * 10_000}, 200, "only its start was used"),
        ({"q": "a & b | !c :* ()"}, 200, None),
        ({"q": "nul\x00byte"}, 400, "Null characters are not allowed."),
        ({"size": "100000"}, 200, "At most 100 results are shown per page."),
        ({"size": "0"}, 400, None),
        ({"size": "ten"}, 400, None),
        ({"kind": "<script>"}, 400, None),
        ({"region": "33"}, 400, "six digits"),
        ({"published_from": "2026-13-45"}, 400, None),
        (
            {"published_from": "2026-05-01", "published_to": "2026-04-01"},
            400,
            "The end date is before the start date.",
        ),
        ({"published_to": "9999-12-31"}, 200, None),
        ({"amount_min": "-5"}, 400, None),
        ({"amount_min": "1e400"}, 400, None),
        ({"amount_min": "NaN"}, 400, None),
        ({"amount_min": "10", "amount_max": "5"}, 400, "The highest amount is below the lowest."),
        ({"purchaser": "x" * 500}, 400, None),
        ({"order": "random()"}, 400, None),
    ],
)
def test_bad_input_gets_a_clear_answer_and_breaks_nothing(client, scenario, params, status, message):
    response = search(client, language="en", **params)
    assert response.status_code == status
    if message:
        assert message in response.text
    assert "Traceback" not in response.text


def test_sql_in_the_query_is_searched_as_words(client, scenario):
    response = search(client, q="notice'; DROP TABLE x; --")
    assert found(response) == []  # "notice", "drop", "table", "x" are not all in one notice
    assert found(search(client, q="notice")) != []  # the table is still there


def test_the_page_links_its_atom_feed_and_exports_with_the_same_criteria(client, scenario):
    response = search(client, q="计算机", kind="tender")
    feed = reverse("disclosure:search_feed")
    query = "q=%E8%AE%A1%E7%AE%97%E6%9C%BA&amp;kind=tender"
    pattern = rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{feed}\?{query}">'
    assert re.search(pattern, response.text)
    assert (
        f"{reverse('disclosure:search_export_csv')}?q=%E8%AE%A1%E7%AE%97%E6%9C%BA&amp;kind=tender"
        in response.text
    )
    assert reverse("disclosure:search_kind_feed", args=["result"]) in response.text


def test_the_page_is_csp_strict(client, scenario):
    response = search(client, q="计算机")
    assert " style=" not in response.text
    assert all("nonce=" in tag for tag in re.findall(r"<script[^>]*>", response.text))


def test_the_search_page_query_count_is_pinned(client, scenario, django_assert_num_queries):
    # The capped count; the rows with their notices, projects and purchasers (found among the
    # newest entries).
    with django_assert_num_queries(2):
        response = search(client, q="公告", size=5)
    assert len(found(response)) == 5
    link = re.search(r'href="\?([^"]+)" rel="next"', response.text).group(1).replace("&amp;", "&")
    with django_assert_num_queries(2):  # the next page: the count is in the cache; the window ran out
        assert len(found(search(client, **{k: v[0] for k, v in parse_qs(link).items()}))) == 2
    # Fewer matches than a page among the newest entries: once more over the whole index.
    with django_assert_num_queries(3):
        search(client, q="计算机 中标")
    # A purchaser or supplier named: one more query each, to find who is meant.
    with django_assert_num_queries(5):
        search(client, q="公告", purchaser="医院", supplier="华数")
    # By relevance: the count, and the ranked rows in one query.
    with django_assert_num_queries(2):
        search(client, q="护理床", order="relevance")


def test_relevance_ranks_among_the_newest_candidates_and_says_so(client, scenario, settings):
    settings.SEARCH_RANK_CANDIDATES = 2
    response = search(client, language="en", q="护理床", order="relevance")
    # 护理床 is in four titles: the newest two are ranked, and the page says why only they show.
    assert sorted(found(response)) == sorted(ids(scenario, "formula", "hostile"))
    assert "Ranked by relevance among the newest 2 matches." in response.text
    assert "ranked-among-newest" not in search(client, language="en", q="输液", order="relevance").text


def test_relevance_with_more_matches_than_the_cap_walks_the_newest(
    client, scenario, settings, django_assert_num_queries
):
    settings.SEARCH_COUNT_CAP = 3  # 护理床's four matches are "many": the candidates come from a walk
    with django_assert_num_queries(2) as captured:
        walked = found(search(client, q="护理床", order="relevance"))
    assert f"LIMIT {selectors.RANK_WINDOW}" in captured.captured_queries[-1]["sql"]
    settings.SEARCH_COUNT_CAP = 10_000
    cache.clear()
    assert walked == found(search(client, q="护理床", order="relevance")) and len(walked) == 4


def test_a_title_in_the_other_language_shows_when_only_it_matched(client, scenario):
    response = search(client, language="en", q="计算机", kind="result")
    assert 'lang="zh-Hans"' in response.text and "教学用<mark>计算机</mark>中标结果公告" in response.text
    assert "result-other-title" not in search(client, language="en", q="computers", kind="result").text


def test_filters_fold_unless_one_is_in_use(client, scenario):
    assert '<details class="mb-2" data-testid="search-filters">' in search(client, q="计算机").text
    assert 'data-testid="search-filters" open>' in search(client, q="计算机", kind="result").text
    assert "(1)" in search(client, q="计算机", kind="result").text
