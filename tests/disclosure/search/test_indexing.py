"""The search index: what an entry holds, how notices get one (on commit, by the sweep), and the
limits of long texts."""

from decimal import Decimal

import pytest
from django.db import connection

from disclosure.models import SearchEntry
from disclosure.search import indexing
from disclosure.search.selectors import Criteria, matching_entries
from procurement.models import Notice

from .conftest import make_notice, make_project, make_purchaser

pytestmark = pytest.mark.django_db


def test_an_entry_copies_the_filter_fields_of_its_notice(scenario):
    notice = scenario.notices["road_tender"]
    entry = SearchEntry.objects.get(notice=notice)
    assert (entry.kind, entry.category, entry.method, entry.region_code) == (
        "tender",
        "works",
        "competitive_consultation",
        "330203",
    )
    assert entry.published_at == notice.published_at
    assert entry.purchaser_id == notice.project.purchaser_id


def test_a_result_notice_names_its_winner_and_the_award_amount(scenario):
    entry = SearchEntry.objects.get(notice=scenario.notices["computers_result"])
    assert entry.suppliers == [scenario.suppliers[0].pk]
    assert entry.amount == Decimal("1398000.00")


def test_a_contract_notice_names_the_contract_s_supplier_and_amount(scenario):
    entry = SearchEntry.objects.get(notice=scenario.notices["computers_contract"])
    assert entry.suppliers == [scenario.suppliers[0].pk]
    assert entry.amount == Decimal("1398000.00")


def test_other_notices_name_no_supplier_and_stand_for_the_live_lots_budgets(scenario):
    entry = SearchEntry.objects.get(notice=scenario.notices["computers_tender"])
    assert entry.suppliers == []
    assert entry.amount == Decimal("2400000.00")  # 1.5 M + 0.9 M; the cancelled lot does not count


def test_a_project_without_lots_stands_for_its_budget(scenario):
    entry = SearchEntry.objects.get(notice=scenario.notices["beds_tender"])
    assert entry.amount == Decimal("800000.00")


def test_titles_weigh_a_and_texts_b(scenario):
    def has(query: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "select words @@ %s::tsquery from disclosure_searchentry where notice_id = %s",
                [query, scenario.pk("beds_tender")],
            )
            return cursor.fetchone()[0]

    assert has("'护理':A") and has("'hospital':A")  # in the titles (and the texts)
    assert has("'输液':B") and not has("'输液':A")  # in the texts only
    assert has("'infusion':B") and not has("'infusion':A")


def test_the_sweep_indexes_notices_without_an_entry_once(scenario):
    project = make_project(make_purchaser("温州市图书馆", "Wenzhou Library"), "古籍修复服务", "Restoration")
    first, second = make_notice(project), make_notice(project, Notice.Kind.CORRECTION)
    assert indexing.index_pending() == 2
    assert indexing.index_pending() == 0
    assert SearchEntry.objects.filter(notice__in=[first, second]).count() == 2


def test_indexing_a_notice_twice_rewrites_its_entry(scenario):
    notice = scenario.notices["beds_correction"]
    Notice.objects.filter(pk=notice.pk).update(title_zh="病房护理床延期公告")
    assert indexing.index_notice(notice.pk) is True
    assert indexing.index_notice(notice.pk) is True
    found = matching_entries(Criteria(tokens=["延期"])).values_list("notice_id", flat=True)
    assert list(found) == [notice.pk]


def test_a_missing_notice_is_skipped(db):
    assert indexing.index_notice(10**12) is False


def test_a_very_long_body_is_indexed_within_postgres_limits(scenario):
    project = make_project(make_purchaser("绍兴市档案馆", "Shaoxing Archives"), "档案数字化", "Digitisation")
    # 200,000 distinct-ish characters: far over what is indexed, and a word past the last position.
    body = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(200_000))
    notice = make_notice(project, body_zh=body, body_en="word " * 100_000 + "zebra")
    assert indexing.index_notice(notice.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "select pg_column_size(words), length(words) from disclosure_searchentry where notice_id = %s",
            [notice.pk],
        )
        size, lexemes = cursor.fetchone()
    assert size < 1024 * 1024 and lexemes > 10_000
    assert notice.pk in matching_entries(Criteria(tokens=["档案"])).values_list("notice_id", flat=True)
