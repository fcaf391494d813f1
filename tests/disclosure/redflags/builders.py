"""Row-by-row builders for the red-flag tests: a project with its lot, the tender notice and
documents, opened (or sealed) bids, an evaluation with its assessments and scores, a confirmed
award with its result notice — straight into the tables, no service flow (the red flags only read).
"""

import datetime
import hashlib
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation
from bidding.models import Award, Bid, BidAssessment, CollusionFlag, Evaluation, Opening, Score, ScoreSheet
from experts.models import ExpertProfile, Panel, PanelSeat
from procurement.models import Category, FundingSource, Lot, Method, Notice, Project, TenderDocument
from tests.accounts.factories import OrganisationFactory, UserFactory

_numbers = itertools.count(1)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(day: str, hour: int = 9, minute: int = 30) -> datetime.datetime:
    """A time in Shanghai on an ISO day."""
    return datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def organisation(kind=Organisation.Kind.SUPPLIER, region_code="330400", **fields) -> Organisation:
    return OrganisationFactory(kind=kind, region_code=region_code, **fields)


def user():
    return UserFactory()


def project(
    purchaser,
    *,
    agency=None,
    method=Method.PUBLIC_TENDER,
    classification="A02010104",
    category=Category.GOODS,
    rules_date=datetime.date(2025, 3, 3),
    clerk=None,
) -> Project:
    number = next(_numbers)
    return Project.objects.create(
        reference=f"RF-2025-{number:05d}",
        purchaser=purchaser,
        drafted_by=clerk or user(),
        title_zh=f"测试采购项目{number}",
        title_en=f"Test procurement {number}",
        category=category,
        classification_code=classification,
        budget=Decimal("3000000.00"),
        funding_source=FundingSource.FISCAL_BUDGET,
        method=method,
        status=Project.Status.TENDERING,
        rules_date=rules_date,
        agency=agency,
    )


def lot(project_, *, number=1, status=Lot.Status.OPENED) -> Lot:
    return Lot.objects.create(
        project=project_,
        number=number,
        title_zh=f"第{number}包 台式计算机",
        title_en=f"Lot {number}: desktop computers",
        budget=Decimal("1500000.00"),
        quantity_and_specification="100 台",
        delivery_place="嘉兴",
        delivery_period="30 日",
        status=status,
    )


def tender(project_, *, published: str, deadline: str, prepared_by=None, version=1) -> TenderDocument:
    """The tender notice published on `published` and documents with the bid deadline `deadline`
    (ISO days; 09:00 and 09:30 Shanghai)."""
    document = TenderDocument.objects.create(
        project=project_,
        version=version,
        status=TenderDocument.Status.PUBLISHED,
        evaluation_method=TenderDocument.EvaluationMethod.COMPREHENSIVE,
        prepared_by=prepared_by or project_.drafted_by,
        bid_deadline=at(deadline),
        sha256="0" * 64,
        published_at=at(published, 9, 0),
    )
    notice(project_, Notice.Kind.TENDER, at(published, 9, 0), document=document)
    project_.bid_deadline = at(deadline)
    project_.save(update_fields=["bid_deadline"])
    return document


def notice(project_, kind, published_at, **fields) -> Notice:
    return Notice.objects.create(
        project=project_,
        kind=kind,
        title_zh=f"{project_.title_zh}公告",
        title_en=f"Notice: {project_.title_en}",
        body_zh="正文",
        body_en="Text",
        region_code=project_.purchaser.region_code,
        category=project_.category,
        method=project_.method,
        published_at=published_at,
        **fields,
    )


def bid(lot_, supplier, price, *, received_at=None, opened=True, prepared_by=None) -> Bid:
    """A bid of `supplier`: opened with its price, or still sealed (no price)."""
    received_at = received_at or at("2025-03-20", 15)
    return Bid.objects.create(
        lot=lot_,
        supplier=supplier,
        prepared_by=prepared_by or user(),
        status=Bid.Status.OPENED if opened else Bid.Status.SUBMITTED,
        sealed_key=b"sealed",
        sealed_price=b"sealed-price",
        sealed_price_sha256="1" * 64,
        received_at=received_at,
        price=Decimal(price) if opened else None,
        opened_at=at("2025-03-24", 9, 31) if opened else None,
        ip_address="10.0.0.9",
    )


def open_lot(lot_, *, opened_at=None, failed=False) -> Opening:
    return Opening.objects.create(
        lot=lot_,
        status=Opening.Status.OPENED,
        automatic=True,
        opened_at=opened_at or at("2025-03-24", 9, 31),
        valid_bids=lot_.bids.count(),
        failed=failed,
    )


def panel(lot_, officer, experts) -> Panel:
    seed = hashlib.sha256(f"seed-{lot_.pk}".encode()).hexdigest()
    created = Panel.objects.create(
        lot=lot_,
        status=Panel.Status.SEATED,
        requested_by=officer,
        size=len(experts),
        expert_seats=len(experts),
        purchaser_seats=0,
        reserves=0,
        specialties=["A02"],
        evaluation_on=datetime.date(2025, 3, 25),
        answer_hours=12,
        seed_sha256=hashlib.sha256(bytes.fromhex(seed)).hexdigest(),
        seed=seed,
    )
    for position, expert in enumerate(experts, start=1):
        PanelSeat.objects.create(
            panel=created,
            kind=PanelSeat.Kind.EXPERT,
            member=expert.user,
            expert=expert,
            position=position,
            status=PanelSeat.Status.SEATED,
        )
    return created


def expert(name_zh: str, name_en: str) -> ExpertProfile:
    return ExpertProfile.objects.create(
        user=user(),
        status=ExpertProfile.Status.APPROVED,
        name_zh=name_zh,
        name_en=name_en,
        professional_title="高级工程师",
        years_of_experience=10,
        employer_name="某大学",
        region_code="330400",
        specialties=["A02"],
    )


CRITERIA = [
    {"name_zh": "技术方案", "name_en": "Technical proposal", "kind": "technical", "points": 40},
    {"name_zh": "售后服务", "name_en": "After-sales service", "kind": "commercial", "points": 20},
]


def evaluation(
    lot_, document, *, qualified: dict, experts=(), status=Evaluation.Status.REPORTED
) -> Evaluation:
    """The lot's evaluation: `qualified` maps each bid to True (passed) or False (failed)."""
    officer = document.prepared_by
    created = Evaluation.objects.create(
        lot=lot_,
        panel=panel(lot_, officer, list(experts)),
        document=document,
        status=status,
        method=TenderDocument.EvaluationMethod.COMPREHENSIVE,
        price_weight=Decimal("40"),
        criteria=CRITERIA,
        deviation_percent=Decimal("30"),
        abnormal_price_percent=Decimal("20"),
        reported_at=timezone.now() if status == Evaluation.Status.REPORTED else None,
        report_sha256="2" * 64 if status == Evaluation.Status.REPORTED else "",
    )
    for bid_, passed in qualified.items():
        BidAssessment.objects.create(
            evaluation=created,
            bid=bid_,
            qualified=passed,
            fail_reasons=[] if passed else [{"item": 0, "reason": "资格证明文件缺失"}],
            price=bid_.price,
        )
    return created


def scores(evaluation_, table: dict) -> None:
    """Submitted score sheets: table[seat position] = {(bid, criterion): points}."""
    seats = {seat.position: seat for seat in evaluation_.panel.seats.all()}
    for position, points in table.items():
        sheet = ScoreSheet.objects.create(
            evaluation=evaluation_, seat=seats[position], status=ScoreSheet.Status.SUBMITTED
        )
        for (bid_, criterion), value in points.items():
            Score.objects.create(
                sheet=sheet,
                bid=bid_,
                criterion=criterion,
                points=Decimal(str(value)),
                deviation_reason="我认为该方案不满足要求" if position == 5 else "",
            )


def award(lot_, evaluation_, winner, *, published_at=None) -> Award:
    """A confirmed award of `winner` with its result notice (published at `published_at`)."""
    result = notice(lot_.project, Notice.Kind.RESULT, published_at or at("2025-03-28", 10))
    return Award.objects.create(
        lot=lot_,
        evaluation=evaluation_,
        status=Award.Status.CONFIRMED,
        candidates=[winner.pk],
        confirm_by=datetime.date(2025, 4, 3),
        winner=winner,
        amount=winner.price,
        confirmed_by=lot_.project.drafted_by,
        confirmed_at=at("2025-03-28", 9),
        result_notice=result,
    )


def collusion_flag(lot_, kind, suppliers, evidence) -> CollusionFlag:
    flag = CollusionFlag.objects.create(lot=lot_, kind=kind, evidence=evidence)
    flag.suppliers.set(suppliers)
    return flag
