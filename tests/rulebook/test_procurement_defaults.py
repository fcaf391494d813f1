"""The procurement rows of the rulebook are seeded by migration with their values and legal basis."""

import datetime
from decimal import Decimal

import pytest

from rulebook import selectors
from rulebook.defaults import DEFAULT_RULES
from rulebook.models import WHOLE_NUMBER_UNITS, Rule

D = datetime.date
TODAY = D(2026, 1, 1)
pytestmark = pytest.mark.django_db

# key: (value, unit) as other apps read them (DESIGN §4).
EXPECTED = {
    "procurement.goods.threshold_amount": ("1000000", "amount_cny"),
    "procurement.goods.public_tender_amount": ("2000000", "amount_cny"),
    "procurement.services.threshold_amount": ("1000000", "amount_cny"),
    "procurement.services.public_tender_amount": ("2000000", "amount_cny"),
    "procurement.works.threshold_amount": ("1200000", "amount_cny"),
    "procurement.works.public_tender_amount": ("4000000", "amount_cny"),
    "panel.large_project_amount": ("10000000", "amount_cny"),
    "approval.levels_below_threshold": ("1", "count"),
    "approval.levels_from_threshold": ("2", "count"),
    "approval.levels_from_public_tender": ("3", "count"),
    "public_tender.min_days_notice_to_deadline": ("20", "days"),
    "public_tender.min_working_days_documents_available": ("5", "working_days"),
    "competitive_consultation.min_days_documents_to_response": ("10", "days"),
    "competitive_negotiation.min_working_days_documents_to_response": ("3", "working_days"),
    "inquiry.min_working_days_documents_to_response": ("3", "working_days"),
    "clarification.min_days_before_deadline": ("15", "days"),
    "single_source.justification_working_days": ("5", "working_days"),
    "intention.min_days_before_tender": ("30", "days"),
    "bond.max_percent_of_lot_budget": ("2", "percent"),
    "bond.refund_working_days": ("5", "working_days"),
    "performance_bond.max_percent": ("10", "percent"),
    "supplementary_contract.max_percent": ("10", "percent"),
    "panel.min_size": ("5", "count"),
    "panel.min_size_large": ("7", "count"),
    "panel.min_expert_share_percent": ("66.67", "percent"),
    "panel.min_size_non_tender": ("3", "count"),
    "panel.reserves": ("3", "count"),
    "panel.avoidance_years": ("3", "years"),
    "panel.answer_hours": ("12", "count"),
    "evaluation.deviation_percent": ("30", "percent"),
    "evaluation.abnormal_price_percent": ("40", "percent"),
    "evaluation.explanation_hours": ("24", "count"),
    "complaint.max_suspension_days": ("30", "days"),
    "price_weight.goods_min_percent": ("30", "percent"),
    "price_weight.services_min_percent": ("10", "percent"),
    "price_weight.consultation_goods_max_percent": ("60", "percent"),
    "price_weight.consultation_services_max_percent": ("30", "percent"),
    "sme.deduction_min_percent": ("10", "percent"),
    "sme.deduction_max_percent": ("20", "percent"),
    "sme.works_deduction_min_percent": ("3", "percent"),
    "sme.works_deduction_max_percent": ("5", "percent"),
    "evaluation.report_working_days": ("2", "working_days"),
    "bids.fewest_valid": ("3", "count"),
    "bids.fewest_valid_single_source": ("1", "count"),
    "award.confirmation_working_days": ("5", "working_days"),
    "result_notice.working_days": ("2", "working_days"),
    "result_notice.standing_working_days": ("1", "working_days"),
    "challenge.working_days": ("7", "working_days"),
    "challenge.answer_working_days": ("7", "working_days"),
    "complaint.working_days": ("15", "working_days"),
    "complaint.decision_working_days": ("30", "working_days"),
    "contract.signing_days": ("30", "days"),
    "contract.notice_working_days": ("2", "working_days"),
    "contract.signing_warning_days": ("5", "days"),
    "contract.notice_redacts_personal_data": ("1", "count"),
    "payment.sme_days": ("30", "days"),
}


def procurement_rows():
    return Rule.objects.filter(key__in=EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_the_migration_seeds_the_rule_with_its_value_and_unit(key):
    value, unit = EXPECTED[key]
    found = selectors.rule(key, on=TODAY)
    assert found.value == Decimal(value)
    assert found.unit == unit


def test_every_procurement_default_is_expected_here():
    """A row added to defaults under these prefixes is added to EXPECTED (and so to this test)."""
    prefixes = {key.split(".")[0] for key in EXPECTED}
    seeded = {row["key"] for row in DEFAULT_RULES if row["key"].split(".")[0] in prefixes}
    assert seeded == set(EXPECTED)


def test_whole_number_units_hold_whole_numbers():
    for row in procurement_rows().filter(unit__in=WHOLE_NUMBER_UNITS):
        assert row.value == row.value.to_integral_value(), row.key
        assert selectors.rule_int(row.key, on=TODAY) == int(row.value)


def test_every_row_states_its_legal_basis_in_both_languages_and_names_a_source():
    for row in procurement_rows():
        assert row.name_zh and row.name_en, row.key
        assert "《" in row.legal_basis_zh, row.key
        assert any(word in row.legal_basis_en for word in ("Article", "Measures", "Notice", "Rules")), row.key
        assert row.effective_from >= D(2003, 1, 1), row.key


def test_approval_levels_say_they_are_platform_defaults():
    for key in (
        "approval.levels_below_threshold",
        "approval.levels_from_threshold",
        "approval.levels_from_public_tender",
    ):
        found = selectors.rule(key, on=TODAY)
        assert "平台默认值" in found.legal_basis_zh
        assert "Platform default" in found.legal_basis_en
        assert "财会〔2012〕21号" in found.legal_basis_zh
        assert "财库〔2021〕22号" in found.legal_basis_zh


def test_approval_levels_grow_with_the_amount():
    levels = [
        selectors.rule_int(key, on=TODAY)
        for key in (
            "approval.levels_below_threshold",
            "approval.levels_from_threshold",
            "approval.levels_from_public_tender",
        )
    ]
    assert levels == sorted(levels)
    assert len(set(levels)) == 3


def test_percentages_are_at_most_100():
    for row in procurement_rows().filter(unit=Rule.Unit.PERCENT):
        assert Decimal(0) <= row.value <= Decimal(100), row.key


@pytest.mark.parametrize("category", ["goods", "services", "works"])
def test_amount_bands_ascend(category):
    threshold = selectors.rule_value(f"procurement.{category}.threshold_amount", on=TODAY)
    public_tender = selectors.rule_value(f"procurement.{category}.public_tender_amount", on=TODAY)
    large = selectors.rule_value("panel.large_project_amount", on=TODAY)
    assert threshold < public_tender < large


def test_ranges_are_ordered():
    def value(key):
        return selectors.rule_value(key, on=TODAY)

    assert value("price_weight.goods_min_percent") < value("price_weight.consultation_goods_max_percent")
    assert value("price_weight.services_min_percent") < value(
        "price_weight.consultation_services_max_percent"
    )
    assert value("sme.deduction_min_percent") < value("sme.deduction_max_percent")
    assert value("sme.works_deduction_min_percent") < value("sme.works_deduction_max_percent")
    assert value("panel.min_size") < value("panel.min_size_large")


def test_panel_sizes_are_odd_and_two_thirds_of_nine_passes_at_two_decimals():
    assert selectors.rule_int("panel.min_size", on=TODAY) % 2 == 1
    assert selectors.rule_int("panel.min_size_large", on=TODAY) % 2 == 1
    share = selectors.rule_value("panel.min_expert_share_percent", on=TODAY)
    assert round(Decimal(6) / 9 * 100, 2) >= share  # 6 experts of 9 is exactly two thirds
    assert round(Decimal(5) / 8 * 100, 2) < share


def test_sme_deduction_before_2022_07_01_is_the_2021_range():
    before = D(2022, 6, 30)
    assert selectors.rule_value("sme.deduction_min_percent", on=before) == Decimal("6")
    assert selectors.rule_value("sme.deduction_max_percent", on=before) == Decimal("10")
    assert selectors.rule_value("sme.deduction_min_percent", on=D(2022, 7, 1)) == Decimal("10")
    assert selectors.rule("sme.deduction_max_percent", on=D(2022, 7, 1)).effective_from == D(2022, 7, 1)


@pytest.mark.parametrize(
    ("key", "effective_from", "article_zh", "article_en"),
    [
        ("public_tender.min_days_notice_to_deadline", D(2003, 1, 1), "第三十五条", "Article 35"),
        ("public_tender.min_working_days_documents_available", D(2015, 3, 1), "第三十一条", "Article 31"),
        ("bond.max_percent_of_lot_budget", D(2015, 3, 1), "第三十三条", "Article 33"),
        ("panel.min_size", D(2017, 10, 1), "第四十七条", "Article 47"),
        ("competitive_negotiation.min_working_days_documents_to_response", D(2014, 2, 1), "第二十九条", "29"),
        ("challenge.working_days", D(2003, 1, 1), "第五十二条", "Article 52"),
        ("contract.notice_working_days", D(2015, 3, 1), "第五十条", "Article 50"),
    ],
)
def test_rows_cite_their_article_and_take_effect_with_their_source(
    key, effective_from, article_zh, article_en
):
    found = selectors.rule(key, on=TODAY)
    assert found.effective_from == effective_from
    assert article_zh in found.legal_basis_zh
    assert article_en in found.legal_basis_en
