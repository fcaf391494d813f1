"""The standard templates of tender documents: pure functions, tested with plain objects."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from procurement import templating
from procurement.models import Category, Method, TenderDocument

PURCHASER = SimpleNamespace(pk=1, name_zh="嘉兴市第一中学", name_en="Jiaxing No. 1 Middle School")
AGENCY = SimpleNamespace(pk=2, name_zh="浙江嘉禾招标代理有限公司", name_en="Zhejiang Jiahe Tendering")


def _project(**fields):
    values = {
        "reference": "330400-2026-000042",
        "purchaser": PURCHASER,
        "purchaser_id": PURCHASER.pk,
        "agency": AGENCY,
        "agency_id": AGENCY.pk,
        "title_zh": "教学用计算机采购",
        "description_zh": "为新建教学楼采购教学用计算机。",
        "category": Category.GOODS,
        "classification_code": "A02010104",
        "budget": Decimal("2500000.00"),
        "method": Method.PUBLIC_TENDER,
        "green_requirement": False,
        "imported_products": False,
    }
    values.update(fields)
    return SimpleNamespace(**values)


def _lot(number, budget, sme_reserved=False, title_zh=None):
    return SimpleNamespace(
        number=number,
        title_zh=title_zh or f"第{number}包货物",
        budget=Decimal(budget),
        sme_reserved=sme_reserved,
        quantity_and_specification=f"台式计算机 {number}00 台，处理器不低于 8 核",
        delivery_place=f"嘉兴市第{number}校区",
        delivery_period=f"合同签订后 {number}0 日内",
    )


LOTS = [_lot(1, "1500000.00"), _lot(2, "1000000.00", sme_reserved=True, title_zh="多媒体教室设备")]


@pytest.mark.parametrize("method", Method.values)
def test_every_method_gets_every_section_with_text(method):
    sections = templating.standard_sections(_project(method=method), LOTS)
    assert tuple(sections) == templating.SECTION_KEYS
    assert all(text.strip() for text in sections.values())


@pytest.mark.parametrize("method", Method.values)
def test_every_method_titles_every_section_in_both_languages(method):
    titles = templating.section_titles(method)
    assert set(titles) == set(templating.SECTION_KEYS)
    assert all(zh and en for zh, en in titles.values())
    assert templating.document_title(method)[0]


def test_the_tender_titles_are_the_published_constant():
    assert templating.SECTION_TITLES["invitation"] == ("投标邀请", "Invitation to bid")
    assert templating.SECTION_TITLES["bid_format"] == ("投标文件格式", "Bid format")
    assert templating.section_titles(Method.PUBLIC_TENDER) == templating.SECTION_TITLES


def test_competitive_consultation_speaks_of_consultation_and_responses():
    titles = templating.section_titles(Method.COMPETITIVE_CONSULTATION)
    assert titles["invitation"][0] == "磋商邀请"
    assert titles["instructions"][0] == "供应商须知"
    assert titles["bid_format"][0] == "响应文件格式"
    sections = templating.standard_sections(_project(method=Method.COMPETITIVE_CONSULTATION), LOTS)
    assert "竞争性磋商" in sections["invitation"] and "磋商小组" in sections["evaluation"]
    assert "投标人" not in "".join(sections.values())


def test_the_invitation_names_the_project_the_parties_and_every_lot_but_no_date():
    invitation = templating.standard_sections(_project(), LOTS)["invitation"]
    for text in (
        "330400-2026-000042",
        "教学用计算机采购",
        "嘉兴市第一中学",
        "浙江嘉禾招标代理有限公司受嘉兴市第一中学委托",
        "公开招标",
        "2,500,000.00 元",
        "第1包：第1包货物，预算金额 1,500,000.00 元",
        "第2包：多媒体教室设备，预算金额 1,000,000.00 元（专门面向中小企业采购）",
    ):
        assert text in invitation
    assert not re.search(
        r"\d{4}\s*年|\d{4}-\d{2}-\d{2}|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}:\d{2}", invitation
    )


def test_a_purchaser_running_its_own_procurement_is_named_as_its_own_office():
    project = _project(agency=PURCHASER, agency_id=PURCHASER.pk)
    invitation = templating.standard_sections(project, LOTS)["invitation"]
    assert "嘉兴市第一中学（本单位采购机构）组织" in invitation and "采购代理机构：" not in invitation
    no_agency = templating.standard_sections(_project(agency=None, agency_id=None), LOTS)["invitation"]
    assert "本单位采购机构" in no_agency


def test_the_green_clause_appears_only_with_the_green_requirement():
    with_green = templating.standard_sections(_project(green_requirement=True), LOTS)["instructions"]
    without = templating.standard_sections(_project(green_requirement=False), LOTS)["instructions"]
    assert "节能产品" in with_green and "财库〔2019〕9号" in with_green
    assert "节能产品" not in without


def test_imported_products_are_allowed_or_refused_as_the_project_says():
    allowed = templating.standard_sections(_project(imported_products=True), LOTS)["requirements"]
    refused = templating.standard_sections(_project(imported_products=False), LOTS)["requirements"]
    assert "允许提供进口产品" in allowed and "不接受进口产品" not in allowed
    assert "不接受进口产品" in refused and "允许提供进口产品" not in refused


def test_sme_reserved_lots_get_the_sme_clause_and_the_others_the_price_deduction():
    instructions = templating.standard_sections(_project(), LOTS, sme_deduction=Decimal("10.00"))[
        "instructions"
    ]
    assert "第2包专门面向中小企业采购" in instructions and "财库〔2020〕46号" in instructions
    assert "第1包未专门面向中小企业" in instructions and "10%" in instructions


def test_without_a_reserved_lot_there_is_no_reservation_clause():
    lots = [_lot(1, "2500000.00")]
    instructions = templating.standard_sections(_project(), lots)["instructions"]
    assert "专门面向中小企业采购。" not in instructions
    assert "第五章规定的比例" in instructions  # the deduction, its rate left to the rulebook


def test_the_requirements_overview_leaves_the_lots_to_their_own_texts():
    requirements = templating.standard_sections(_project(), LOTS)["requirements"]
    assert "为新建教学楼采购教学用计算机。" in requirements and "A02010104" in requirements
    assert "台式计算机 100 台" not in requirements


def test_lot_requirements_are_keyed_by_lot_number_as_text():
    requirements = templating.standard_lot_requirements(LOTS)
    assert list(requirements) == ["1", "2"]
    assert "台式计算机 200 台" in requirements["2"]
    assert "嘉兴市第2校区" in requirements["2"] and "合同签订后 20 日内" in requirements["2"]


def test_the_qualification_items_are_the_conditions_of_article_22():
    items = templating.standard_qualification_items(_project(), [_lot(1, "2500000.00")])
    text = "\n".join(items)
    for condition in (
        "独立承担民事责任的能力",
        "良好的商业信誉和健全的财务会计制度",
        "履行合同所必需的设备和专业技术能力",
        "依法缴纳税收和社会保障资金",
        "参加政府采购活动前三年内，在经营活动中没有重大违法记录",
        "失信被执行人",
        "重大税收违法失信主体",
        "政府采购严重违法失信行为记录名单",
    ):
        assert condition in text
    assert "中小企业声明函" not in text


def test_a_reserved_lot_adds_the_sme_declaration_to_the_qualification_items():
    items = templating.standard_qualification_items(_project(), LOTS)
    assert "参加第2包" in items[-1] and "中小企业声明函" in items[-1]


def test_without_lots_the_qualification_items_read_the_projects_lots():
    project = _project(lots=SimpleNamespace(all=lambda: LOTS))
    assert templating.standard_qualification_items(project) == templating.standard_qualification_items(
        project, LOTS
    )


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (Method.PUBLIC_TENDER, TenderDocument.EvaluationMethod.COMPREHENSIVE),
        (Method.INVITED_TENDER, TenderDocument.EvaluationMethod.COMPREHENSIVE),
        (Method.COMPETITIVE_CONSULTATION, TenderDocument.EvaluationMethod.COMPREHENSIVE),
        (Method.FRAMEWORK_AGREEMENT, TenderDocument.EvaluationMethod.COMPREHENSIVE),
        (Method.COMPETITIVE_NEGOTIATION, TenderDocument.EvaluationMethod.LOWEST_PRICE),
        (Method.INQUIRY, TenderDocument.EvaluationMethod.LOWEST_PRICE),
        (Method.SINGLE_SOURCE, TenderDocument.EvaluationMethod.LOWEST_PRICE),
        (Method.DIRECT_PURCHASE, TenderDocument.EvaluationMethod.LOWEST_PRICE),
    ],
)
def test_the_default_evaluation_method_follows_the_procurement_method(method, expected):
    assert templating.default_evaluation_method(method) == expected


def test_the_evaluation_text_follows_the_evaluation_method():
    tender = templating.standard_sections(_project(), LOTS)["evaluation"]
    inquiry = templating.standard_sections(_project(method=Method.INQUIRY), LOTS)["evaluation"]
    assert "综合评分法" in tender and "价格分 = 评标基准价 / 投标报价 × 价格权重" in tender
    assert "最低评标价法" in inquiry and "询价小组" in inquiry


@pytest.mark.parametrize("category", Category.values)
def test_the_default_criteria_and_the_price_weight_add_up_to_exactly_100(category):
    price_weight, criteria = templating.default_criteria(category)
    assert isinstance(price_weight, Decimal) and price_weight >= Decimal("30")
    assert 3 <= len(criteria) <= 5
    assert price_weight + sum(Decimal(c["points"]) for c in criteria) == Decimal("100")
    for criterion in criteria:
        assert set(criterion) == {"name_zh", "name_en", "kind", "points"}
        assert criterion["kind"] in {"technical", "commercial"}
        assert re.fullmatch(r"\d{1,2}\.\d{2}", criterion["points"])


def test_the_default_criteria_are_a_fresh_list_each_time():
    _, first = templating.default_criteria(Category.SERVICES)
    first[0]["points"] = "0.00"
    assert templating.default_criteria(Category.SERVICES)[1][0]["points"] != "0.00"


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("1500000"), "1,500,000.00"), ("0.5", "0.50"), (Decimal("12.345"), "12.35"), (None, "")],
)
def test_amounts_print_in_yuan_with_two_places(amount, text):
    assert templating.yuan(amount) == text


def test_the_challenge_and_signing_limits_come_from_the_numbers_given_not_from_the_text():
    instructions = templating.standard_sections(
        _project(), LOTS, challenge_working_days=8, contract_signing_days=25
    )["instructions"]
    assert "8个工作日内" in instructions and "发出之日起25日内" in instructions
    assert "七个工作日" not in instructions and "三十日" not in instructions
    assert "规定期限" in templating.standard_sections(_project(), LOTS)["instructions"]
