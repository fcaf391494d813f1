"""Rows for the search tests, written straight with the ORM (the search reads notices and what they
name; how a process produces them is the other apps' tests' business):

- make_project / make_notice: a project of a purchaser, a notice of it;
- award_notice / contract_notice: a result notice with its confirmed award to a supplier, a
  contract notice with its contract (the reverse relations the index reads);
- `scenario` (module scope, rolled back after the module): three purchasers, two suppliers and a
  dozen notices of every kind, indexed, for the tests that only read.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from bidding.award.models import Award
from bidding.evaluation.models import Evaluation
from bidding.models import Bid
from contracts.models import Contract
from disclosure.search.indexing import index_pending
from experts.models import Panel
from procurement.models import Category, FundingSource, Lot, Method, Notice, Project, TenderDocument
from tests.accounts.factories import OrganisationFactory, UserFactory

_numbers = itertools.count(1)


def make_purchaser(name_zh: str, name_en: str, region_code: str = "330400") -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.PURCHASER, name_zh=name_zh, name_en=name_en, region_code=region_code
    )


def make_supplier(name_zh: str, name_en: str) -> Organisation:
    return OrganisationFactory(kind=Organisation.Kind.SUPPLIER, name_zh=name_zh, name_en=name_en)


def make_project(purchaser: Organisation, title_zh: str, title_en: str = "", **fields) -> Project:
    number = next(_numbers)
    values = {
        "reference": f"{purchaser.region_code}-2026-{number:06d}",
        "purchaser": purchaser,
        "drafted_by": UserFactory(),
        "title_zh": title_zh,
        "title_en": title_en,
        "category": Category.GOODS,
        "classification_code": "A02010104",
        "budget": Decimal("1000000.00"),
        "funding_source": FundingSource.choices[0][0],
        "method": Method.PUBLIC_TENDER,
        "status": Project.Status.TENDERING,
    }
    values.update(fields)
    return Project.objects.create(**values)


def make_lot(project: Project, budget: str = "500000.00", **fields) -> Lot:
    values = {
        "project": project,
        "number": project.lots.count() + 1,
        "title_zh": project.title_zh,
        "title_en": project.title_en,
        "budget": Decimal(budget),
        "quantity_and_specification": "若干",
        "delivery_place": "嘉兴",
        "delivery_period": "30日",
        "status": Lot.Status.OPEN_FOR_BIDS,
    }
    values.update(fields)
    return Lot.objects.create(**values)


def make_notice(
    project: Project,
    kind: str = Notice.Kind.TENDER,
    *,
    title_zh: str | None = None,
    title_en: str | None = None,
    body_zh: str = "",
    body_en: str = "",
    published_at: datetime.datetime | None = None,
) -> Notice:
    return Notice.objects.create(
        project=project,
        kind=kind,
        title_zh=title_zh if title_zh is not None else f"{project.title_zh}公告",
        title_en=title_en if title_en is not None else f"Notice: {project.title_en}",
        body_zh=body_zh,
        body_en=body_en,
        region_code=project.purchaser.region_code,
        category=project.category,
        method=project.method,
        published_at=published_at or timezone.now(),
    )


def _document(project: Project) -> TenderDocument:
    return TenderDocument.objects.create(
        project=project, version=1, status=TenderDocument.Status.DRAFT, prepared_by=project.drafted_by
    )


def make_award(lot: Lot, supplier: Organisation, amount: str, notice: Notice | None = None) -> Award:
    """A confirmed award of the lot to the supplier's bid, as the award services leave it."""
    user = lot.project.drafted_by
    document = lot.project.tender_documents.first() or _document(lot.project)
    panel = Panel.objects.create(
        lot=lot,
        requested_by=user,
        size=5,
        expert_seats=4,
        purchaser_seats=1,
        reserves=2,
        evaluation_on=timezone.localdate(),
        answer_hours=2,
        seed_sha256="0" * 64,
        seed="0" * 64,
    )
    evaluation = Evaluation.objects.create(
        lot=lot,
        panel=panel,
        document=document,
        status=Evaluation.Status.REPORTED,
        reported_at=timezone.now(),
        report_sha256="ab" * 32,
        method="lowest_price",
        deviation_percent=Decimal("20"),
        abnormal_price_percent=Decimal("20"),
    )
    bid = Bid.objects.create(
        lot=lot,
        supplier=supplier,
        prepared_by=user,
        status="opened",
        sealed_key=b"k",
        sealed_price=b"p",
        received_at=timezone.now(),
        price=Decimal(amount),
    )
    return Award.objects.create(
        lot=lot,
        evaluation=evaluation,
        status=Award.Status.CONFIRMED,
        candidates=[bid.pk],
        confirm_by=timezone.localdate(),
        winner=bid,
        amount=Decimal(amount),
        confirmed_by=user,
        confirmed_at=timezone.now(),
        result_notice=notice,
    )


def make_contract(award: Award, notice: Notice | None = None, amount: str | None = None) -> Contract:
    lot = award.lot
    return Contract.objects.create(
        lot=lot,
        award=award,
        purchaser=lot.project.purchaser,
        supplier=award.winner.supplier,
        reference=f"{lot.project.reference}-HT{lot.pk}",
        status=Contract.Status.IN_PERFORMANCE,
        title_zh=f"{lot.project.title_zh}合同",
        title_en=f"Contract: {lot.project.title_en}",
        amount=Decimal(amount) if amount else award.amount,
        subject="若干",
        delivery_place="嘉兴",
        delivery_period="30日",
        contract_terms="见采购文件",
        tender_document=award.evaluation.document,
        award_notice_on=timezone.localdate(),
        signing_due=timezone.localdate(),
        signed_at=timezone.now(),
        sha256="cd" * 32,
        notice=notice,
    )


@dataclass
class Scenario:
    purchasers: list[Organisation]
    suppliers: list[Organisation]
    notices: dict[str, Notice] = field(default_factory=dict)
    scheduled: Notice | None = None

    def pk(self, name: str) -> int:
        return self.notices[name].pk


def build_scenario() -> Scenario:
    """Notices one hour apart, the newest first in `order`; every one indexed."""
    school = make_purchaser("嘉兴市第一中学", "Jiaxing No. 1 Middle School")
    hospital = make_purchaser("杭州市中心医院", "Hangzhou Central Hospital", region_code="330100")
    bureau = make_purchaser("宁波市交通局", "Ningbo Transport Bureau", region_code="330203")
    winner = make_supplier("浙江华数科技有限公司", "Zhejiang Huashu Technology")
    builder = make_supplier("宁波建工集团", "Ningbo Construction Group")
    scenario = Scenario([school, hospital, bureau], [winner, builder])
    now = timezone.now()

    def at(hours: int) -> datetime.datetime:
        return now - datetime.timedelta(hours=hours)

    computers = make_project(school, "教学用计算机采购", "Computers for teaching", budget=Decimal("2400000"))
    make_lot(computers, "1500000")
    make_lot(computers, "900000")
    make_lot(computers, "100000", status=Lot.Status.CANCELLED)
    beds = make_project(
        hospital, "病房护理床及医用设备采购", "Hospital beds and medical equipment", budget=Decimal("800000")
    )
    road = make_project(
        bureau,
        "环城公路养护工程",
        "Ring road maintenance works",
        category=Category.WORKS,
        method=Method.COMPETITIVE_CONSULTATION,
        budget=Decimal("5000000"),
    )
    road_lot = make_lot(road, "5000000")
    computers_lot = computers.lots.get(number=1)
    notices = scenario.notices
    notices["computers_intention"] = make_notice(
        computers,
        Notice.Kind.INTENTION,
        title_zh="嘉兴市第一中学教学用计算机采购意向",
        title_en="Procurement intention: computers for teaching",
        body_zh="本单位计划采购教学用计算机一百台，预算二百四十万元。",
        body_en="We plan to buy one hundred computers for teaching.",
        published_at=at(10),
    )
    notices["beds_tender"] = make_notice(
        beds,
        Notice.Kind.TENDER,
        title_zh="杭州市中心医院病房护理床公开招标公告",
        title_en="Tender notice: hospital beds",
        body_zh="采购病房护理床五十张，以及输液泵等医用设备。",
        body_en="Fifty hospital beds and infusion pumps.",
        published_at=at(9),
    )
    notices["computers_tender"] = make_notice(
        computers,
        Notice.Kind.TENDER,
        title_zh="嘉兴市第一中学教学用计算机公开招标公告",
        title_en="Tender notice: computers for teaching",
        body_zh="投标人应具备计算机设备供货能力。" + "说明文字。" * 200 + "多媒体教室",
        body_en="Bidders must be able to deliver computer equipment. Multimedia classrooms.",
        published_at=at(8),
    )
    notices["road_tender"] = make_notice(
        road,
        Notice.Kind.TENDER,
        title_zh="宁波市交通局环城公路养护工程竞争性磋商公告",
        title_en="Consultation notice: ring road maintenance works",
        body_zh="养护里程约十二公里。",
        body_en="About twelve kilometres of road.",
        published_at=at(7),
    )
    notices["beds_correction"] = make_notice(
        beds,
        Notice.Kind.CORRECTION,
        title_zh="杭州市中心医院病房护理床更正公告",
        title_en="Correction notice: hospital beds",
        body_zh="投标截止时间延后。",
        body_en="The bid deadline moves.",
        published_at=at(6),
    )
    notices["computers_result"] = make_notice(
        computers,
        Notice.Kind.RESULT,
        title_zh="嘉兴市第一中学教学用计算机中标结果公告",
        title_en="Result notice: computers for teaching",
        body_zh="中标供应商：浙江华数科技有限公司。",
        body_en="Winner: Zhejiang Huashu Technology.",
        published_at=at(5),
    )
    award = make_award(computers_lot, winner, "1398000.00", notice=notices["computers_result"])
    notices["computers_contract"] = make_notice(
        computers,
        Notice.Kind.CONTRACT,
        title_zh="嘉兴市第一中学教学用计算机采购合同公告",
        title_en="Contract notice: computers for teaching",
        body_zh="合同金额一百三十九万八千元。",
        body_en="Contract amount 1,398,000 yuan.",
        published_at=at(4),
    )
    make_contract(award, notice=notices["computers_contract"], amount="1398000.00")
    notices["road_result"] = make_notice(
        road,
        Notice.Kind.RESULT,
        title_zh="宁波市交通局环城公路养护工程成交结果公告",
        title_en="Result notice: ring road maintenance works",
        body_zh="成交供应商：宁波建工集团。",
        body_en="Supplier: Ningbo Construction Group.",
        published_at=at(3),
    )
    make_award(road_lot, builder, "4750000.00", notice=notices["road_result"])
    notices["hostile"] = make_notice(
        beds,
        Notice.Kind.CORRECTION,
        title_zh="<script>alert(1)</script>护理床 & 输液泵更正",
        title_en="<b>Beds</b> & pumps <script>alert(1)</script> correction",
        body_zh="<img src=x onerror=alert(1)> 输液泵数量更正。",
        body_en="<img src=x onerror=alert(1)> Pump quantities corrected.",
        published_at=at(2),
    )
    notices["formula"] = make_notice(
        beds,
        Notice.Kind.CORRECTION,
        title_zh='=HYPERLINK("http://example.com")护理床补充说明',
        title_en="=1+2 beds addendum",
        body_zh="补充说明。",
        body_en="Addendum.",
        published_at=at(1),
    )
    scenario.scheduled = make_notice(
        computers,
        Notice.Kind.CORRECTION,
        title_zh="嘉兴市第一中学教学用计算机更正公告（尚未发布）",
        title_en="Correction notice: computers for teaching (not yet out)",
        body_zh="定时发布。",
        body_en="Scheduled.",
        published_at=now + datetime.timedelta(days=1),
    )
    index_pending()
    return scenario


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """The shared notices of a test module, indexed; rolled back after the module (each test runs
    in a savepoint inside, so a test that writes leaves the others the same rows)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_scenario()
        yield built
        transaction.set_rollback(True)
