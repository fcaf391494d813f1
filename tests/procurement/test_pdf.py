"""The PDFs of the tender documents and the entrustment agreement, read back with poppler-utils
(pdftotext, pdffonts): every page carries the reference and its page number, the structured data
is there, user text is printed as text, and the CJK font is embedded."""

import datetime
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from procurement import pdf, templating
from procurement.models import Entrustment, Lot, Method, Project, TenderDocument
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

REFERENCE = "330400-2026-000042"
DEADLINE = timezone.make_aware(datetime.datetime(2026, 11, 24, 9, 30))  # Asia/Shanghai
GENERATED = timezone.make_aware(datetime.datetime(2026, 11, 3, 10, 0))


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: install poppler-utils")
    return path


def squash(text: str) -> str:
    """Without whitespace: pdftotext guesses the spaces between CJK and Latin characters."""
    return re.sub(r"\s+", "", text)


def pages(data: bytes, tmp_path) -> list[str]:
    """The text of each page, without whitespace (see squash)."""
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        [_poppler("pdftotext"), "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return [squash(page) for page in text.split("\f")[:-1]]  # every page ends with a form feed


def fonts(data: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run([_poppler("pdffonts"), str(path)], check=True, capture_output=True).stdout.decode()


def _purchaser():
    return OrganisationFactory(
        kind=Organisation.Kind.PURCHASER, name_zh="嘉兴市第一中学", name_en="Jiaxing No. 1 Middle School"
    )


def _agency():
    return OrganisationFactory(
        kind=Organisation.Kind.AGENCY, name_zh="浙江嘉禾招标代理有限公司", name_en="Zhejiang Jiahe Tendering"
    )


def _project(purchaser, agency, user):
    project = Project.objects.create(
        reference=REFERENCE,
        purchaser=purchaser,
        agency=agency,
        drafted_by=user,
        title_zh="教学用计算机及多媒体教室设备采购",
        title_en="Computers and classroom equipment",
        description_zh="为新建教学楼采购。",
        category="goods",
        classification_code="A02010104",
        budget=Decimal("2500000.00"),
        funding_source="fiscal_budget",
        method=Method.PUBLIC_TENDER,
        green_requirement=True,
        status=Project.Status.ENTRUSTED,
    )
    Lot.objects.create(
        project=project,
        number=1,
        title_zh="台式计算机",
        title_en="Desktop computers",
        budget=Decimal("1500000.00"),
        quantity_and_specification="台式计算机 300 台\n处理器不低于 8 核",
        delivery_place="嘉兴市第一中学",
        delivery_period="合同签订后 30 日内",
    )
    Lot.objects.create(
        project=project,
        number=2,
        title_zh="多媒体<b>x</b>设备",
        budget=Decimal("1000000.00"),
        quantity_and_specification='交互式智能平板 40 套 <img src="http://127.0.0.1:9/x.png">',
        delivery_place="嘉兴市",
        delivery_period="合同签订后 45 日内",
        sme_reserved=True,
    )
    return project


@pytest.fixture
def purchaser():
    return _purchaser()


@pytest.fixture
def agency():
    return _agency()


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def project(purchaser, agency, user):
    return _project(purchaser, agency, user)


def _document(project, user, **fields):
    lots = list(project.lots.order_by("number"))
    price_weight, criteria = templating.default_criteria(project.category)
    values = {
        "project": project,
        "version": 1,
        "sections": templating.standard_sections(project, lots),
        "qualification_items": templating.standard_qualification_items(project, lots),
        "lot_requirements": templating.standard_lot_requirements(lots),
        "evaluation_method": TenderDocument.EvaluationMethod.COMPREHENSIVE,
        "price_weight": price_weight,
        "criteria": criteria,
        "bonds": {"1": "30000.00", "2": "0.00"},
        "documents_from": datetime.date(2026, 11, 3),
        "documents_until": datetime.date(2026, 11, 9),
        "clarification_until": datetime.date(2026, 11, 8),
        "bid_deadline": DEADLINE,
        "opening_place": "阳光采购平台在线开标",
        "prepared_by": user,
    }
    values.update(fields)
    return TenderDocument.objects.create(**values)


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory):
    """One public tender's documents, rendered once for the tests that only read them (rendering
    takes seconds); the rows are rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        user = UserFactory()
        document = _document(_project(_purchaser(), _agency(), user), user)
        data = pdf.render_tender_documents(document, generated_at=GENERATED)
        transaction.set_rollback(True)
    return data, pages(data, tmp_path_factory.mktemp("pdf"))


def test_the_tender_documents_are_a_pdf_with_the_reference_and_page_numbers_on_every_page(rendered):
    data, texts = rendered
    assert data.startswith(b"%PDF")
    assert len(texts) > 8  # a cover, the contents, seven chapters each from a new page
    for number, text in enumerate(texts, start=1):
        assert REFERENCE in text
        assert f"第{number}页/共{len(texts)}页" in text


def test_the_cover_names_the_parties_the_project_and_the_version(rendered):
    cover = rendered[1][0]
    for text in (
        "嘉兴市第一中学",
        "浙江嘉禾招标代理有限公司",
        "教学用计算机及多媒体教室设备采购",
        "Computers and classroom equipment",
        "招标文件",
        "公开招标",
        "第1版",
        "2026年11月3日",
    ):
        assert squash(text) in cover
    assert "更正说明" not in "".join(rendered[1])


def test_the_chapters_follow_the_section_keys_each_from_a_new_page(rendered):
    texts = rendered[1][2:]  # after the cover and the contents
    first_pages = []
    for n, key in enumerate(templating.SECTION_KEYS, start=1):
        zh, en = templating.SECTION_TITLES[key]
        heading = [f"第{templating.chapter_number(n)}章", zh, squash(en)]
        first_pages.append(next(i for i, text in enumerate(texts) if all(part in text for part in heading)))
    assert first_pages[0] == 0 and first_pages == sorted(set(first_pages))


def test_the_structured_data_is_printed_from_the_fields(rendered):
    text = "".join(rendered[1])
    for value in (
        "2026年11月3日 至 2026年11月9日",  # documents obtainable
        "2026年11月8日",  # questions until
        "2026年11月24日 09:30",  # deadline and opening, local time
        "阳光采购平台在线开标",
        "台式计算机",
        "30,000.00",  # lot 1's bond
        "不要求",  # lot 2 has none
        "1,500,000.00",
        "技术参数响应",
        "售后服务",
        "100.00",
        "价格分 = 评标基准价 / 投标报价 × 价格权重",
        "独立承担民事责任的能力",
        "□ 合格",
        "台式计算机 300 台",  # lot 1's requirements
    ):
        assert squash(value) in text, value


def test_user_text_is_printed_as_text_not_markup(rendered):
    text = "".join(rendered[1])
    assert "多媒体<b>x</b>设备" in text
    assert squash('<img src="http://127.0.0.1:9/x.png">') in text


def test_the_cjk_font_is_embedded(rendered, tmp_path):
    listing = fonts(rendered[0], tmp_path)
    assert re.search(r"Noto-?Sans-?CJK", listing, re.IGNORECASE)
    assert all(" yes " in line for line in listing.splitlines()[2:])  # every font embedded


def test_an_amendment_says_what_changed_and_marks_a_cancelled_lot(project, user, tmp_path):
    project.lots.filter(number=2).update(status=Lot.Status.CANCELLED)
    _document(project, user, version=1, status=TenderDocument.Status.SUPERSEDED, sha256="a" * 64,
              published_at=GENERATED)  # fmt: skip
    amended = _document(
        project, user, version=2, amendment_reason="第2包交付期限改为 60 日内。", affects_bids=True
    )
    text = "".join(pages(pdf.render_tender_documents(amended, generated_at=GENERATED), tmp_path))
    assert "更正说明" in text and "第2包交付期限改为60日内。" in text and "第2版" in text
    assert "多媒体<b>x</b>设备（已取消）" in text


def test_lowest_price_documents_have_no_scoring_table(project, user, tmp_path):
    project.method = Method.INQUIRY
    project.save(update_fields=["method"])
    lots = list(project.lots.order_by("number"))
    document = _document(
        project,
        user,
        sections=templating.standard_sections(project, lots),
        evaluation_method=TenderDocument.EvaluationMethod.LOWEST_PRICE,
        price_weight=None,
        criteria=[],
    )
    text = "".join(pages(pdf.render_tender_documents(document), tmp_path))
    assert "询价通知书" in text and "询价邀请" in text and "最低评标价法" in text
    assert "评审因素" not in text and "技术参数响应" not in text


def test_the_renderer_fetches_nothing_but_data_urls():
    fetcher = pdf._url_fetcher()
    for url in ("http://127.0.0.1:9/x.png", "https://example.com/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher(url)
    assert fetcher("data:text/plain,ok").read() == b"ok"


@pytest.fixture
def entrustment(project, agency, user):
    return Entrustment.objects.create(
        project=project,
        agency=agency,
        agreement_number="WT-330400-2026-0042",
        scope="编制招标文件、发布公告、组织开标和评标。<script>x</script>",
        fee=Decimal("18500.00"),
        signed_on=datetime.date(2026, 10, 28),
        entrusted_by=user,
        document="procurement/entrustments/2026/x.pdf",
        sha256="b" * 64,
    )


def test_the_entrustment_agreement_names_both_parties_and_the_terms(entrustment, tmp_path):
    data = pdf.render_entrustment_agreement(entrustment, generated_at=GENERATED)
    assert data.startswith(b"%PDF")
    texts = pages(data, tmp_path)
    for number, page in enumerate(texts, start=1):
        assert REFERENCE in page and f"第{number}页/共{len(texts)}页" in page
    text = "".join(texts)
    for value in (
        "政府采购委托代理协议",
        "WT-330400-2026-0042",
        "甲方",
        "嘉兴市第一中学",
        "乙方",
        "浙江嘉禾招标代理有限公司",
        "教学用计算机及多媒体教室设备采购",
        "2,500,000.00",
        "公开招标",
        "18,500.00",
        "2026年10月28日",
        "第十九条",
        "<script>x</script>",
        "阳光采购平台",
    ):
        assert squash(value) in text, value


def test_an_own_office_agreement_names_the_purchasers_procurement_office(entrustment, purchaser, tmp_path):
    entrustment.agency = purchaser
    entrustment.fee = None
    entrustment.save(update_fields=["agency", "fee"])
    text = "".join(pages(pdf.render_entrustment_agreement(entrustment), tmp_path))
    assert "嘉兴市第一中学本单位采购机构" in text and "不收取代理费用" in text
    assert "浙江嘉禾招标代理有限公司" not in text
