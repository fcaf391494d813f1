"""Rows for the dashboard tests, written straight to the database (no services, no PDFs): the
dashboards only read, so each test builds the few projects, lots, bids, awards, contracts and
payments it counts, with the dates it needs.

    b = Builder(region="330400")
    project = b.project(b.purchaser, category="goods", method="public_tender", tender_at=...)
    lot = b.lot(project)
    bids = b.open_lot(lot, prices=["90000", "95000"], at=...)      # opened, public record
    award = b.award(lot, bids[0], at=..., confirm_by=..., sme=True)  # confirmed, result notice
    contract = b.contract(award, signed_at=..., notice_due=..., published_at=...)
    b.payment(contract, accepted_at=..., paid_on=...)
"""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from bidding.models import Award, Bid, BidAssessment, Evaluation, Opening
from contracts.models import Contract
from contracts.performance.models import Milestone, PaymentApplication
from experts.models import Panel
from procurement.models import Lot, Notice, Project, TenderDocument
from tests.accounts.factories import make_uscc

_numbers = itertools.count(1)


def at(day: str, hour: int = 10) -> datetime.datetime:
    """An aware moment on a local day: at("2025-03-04")."""
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def _n() -> int:
    return next(_numbers)


class Builder:
    def __init__(self, region: str = "330400", *, uscc_base: int = 700_000):
        self.region = region
        self.uscc_base = uscc_base
        self.purchaser = self.organisation(Organisation.Kind.PURCHASER, "测试教育局", "Test Education Bureau")
        self.agency = self.organisation(Organisation.Kind.AGENCY, "测试招标代理", "Test Tendering Agency")
        n = _n()
        self.clerk = User.objects.create(username=f"dash-clerk-{n}", email=f"dash-clerk-{n}@example.cn")

    def organisation(self, kind, name_zh: str, name_en: str, region: str | None = None) -> Organisation:
        n = _n()
        return Organisation.objects.create(
            kind=kind,
            name_zh=f"{name_zh}{n}",
            name_en=f"{name_en} {n}",
            uscc=make_uscc(self.uscc_base + n),
            region_code=region or self.region,
        )

    def supplier(self, name_zh: str = "测试供应商", name_en: str = "Test Supplier") -> Organisation:
        return self.organisation(Organisation.Kind.SUPPLIER, name_zh, name_en)

    def project(
        self,
        purchaser: Organisation | None = None,
        *,
        category: str = "goods",
        method: str = "public_tender",
        tender_at: datetime.datetime | None = None,
        agency: Organisation | None = None,
    ) -> Project:
        """A tendering project; with tender_at, its tender notice published then."""
        purchaser = purchaser or self.purchaser
        project = Project.objects.create(
            reference=f"DASH-{_n():06d}",
            purchaser=purchaser,
            drafted_by=self.clerk,
            title_zh="看板测试项目",
            title_en="Dashboard test project",
            category=category,
            classification_code="A02010104",
            budget=Decimal("1000000.00"),
            funding_source="fiscal_budget",
            method=method,
            status=Project.Status.TENDERING,
            agency=agency or self.agency,
        )
        TenderDocument.objects.create(
            project=project,
            version=1,
            status=TenderDocument.Status.PUBLISHED,
            evaluation_method=TenderDocument.EvaluationMethod.LOWEST_PRICE,
            prepared_by=self.clerk,
            sha256="ab" * 32,
            published_at=tender_at or timezone.now(),
        )
        if tender_at is not None:
            self.notice(project, Notice.Kind.TENDER, tender_at)
        return project

    def notice(self, project: Project, kind: str, published_at: datetime.datetime) -> Notice:
        return Notice.objects.create(
            project=project,
            kind=kind,
            title_zh=f"{project.title_zh}公告",
            title_en=f"Notice of {project.title_en}",
            body_zh="正文",
            body_en="Text",
            region_code=project.purchaser.region_code,
            category=project.category,
            method=project.method,
            published_at=published_at,
        )

    def lot(self, project: Project, number: int = 1, *, status: str = Lot.Status.OPEN_FOR_BIDS) -> Lot:
        return Lot.objects.create(
            project=project,
            number=number,
            title_zh=f"第{number}包",
            title_en=f"Lot {number}",
            budget=Decimal("500000.00"),
            quantity_and_specification="台式计算机 100 台",
            delivery_place="嘉兴",
            delivery_period="30日",
            status=status,
        )

    def sealed_bid(self, lot: Lot, supplier: Organisation | None = None) -> Bid:
        """A submitted bid, still sealed (no price in clear)."""
        return Bid.objects.create(
            lot=lot,
            supplier=supplier or self.supplier(),
            prepared_by=self.clerk,
            status=Bid.Status.SUBMITTED,
            sealed_key=b"k",
            sealed_price=b"p",
            received_at=timezone.now(),
        )

    def open_lot(
        self,
        lot: Lot,
        prices,
        *,
        opened_at: datetime.datetime,
        public: bool = True,
        withdrawn: int = 0,
    ) -> list[Bid]:
        """The lot opened at `opened_at` with one opened bid per price (and `withdrawn` bids
        withdrawn before the deadline); its opening record published unless public=False."""
        bids = []
        for price in prices:
            bid = self.sealed_bid(lot)
            Bid.objects.filter(pk=bid.pk).update(
                status=Bid.Status.OPENED, price=Decimal(price), opened_at=opened_at
            )
            bid.refresh_from_db()
            bids.append(bid)
        for _i in range(withdrawn):
            bid = self.sealed_bid(lot)
            Bid.objects.filter(pk=bid.pk).update(status=Bid.Status.WITHDRAWN, withdrawn_at=opened_at)
        notice = self.notice(lot.project, Notice.Kind.OPENING_RECORD, opened_at) if public else None
        Opening.objects.create(
            lot=lot,
            status=Opening.Status.OPENED,
            automatic=True,
            opened_at=opened_at,
            valid_bids=len(bids),
            notice=notice,
        )
        Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.OPENED)
        return bids

    def award(
        self,
        lot: Lot,
        winner: Bid,
        *,
        confirmed_at: datetime.datetime,
        confirm_by: datetime.date | None = None,
        sme: bool = False,
        status: str = Award.Status.CONFIRMED,
    ) -> Award:
        """The lot's award to `winner` at its price, confirmed (result notice at confirmed_at)
        by confirm_by (default: the confirmation day, i.e. on time)."""
        panel = Panel.objects.create(
            lot=lot,
            status=Panel.Status.SEATED,
            requested_by=self.clerk,
            size=5,
            expert_seats=4,
            purchaser_seats=1,
            reserves=2,
            evaluation_on=timezone.localdate(confirmed_at),
            answer_hours=2,
            seed_sha256="cd" * 32,
            seed="ef" * 32,
        )
        evaluation = Evaluation.objects.create(
            lot=lot,
            panel=panel,
            document=self._document(lot.project),
            status=Evaluation.Status.REPORTED,
            method=TenderDocument.EvaluationMethod.LOWEST_PRICE,
            deviation_percent=Decimal("20"),
            abnormal_price_percent=Decimal("20"),
            reported_at=confirmed_at,
            report_sha256="ab" * 32,
        )
        for bid in Bid.objects.filter(lot=lot, status=Bid.Status.OPENED):
            BidAssessment.objects.create(
                evaluation=evaluation,
                bid=bid,
                qualified=True,
                is_small_or_micro=sme if bid.pk == winner.pk else not sme,
                price=bid.price,
                evaluated_price=bid.price,
            )
        confirmed = status == Award.Status.CONFIRMED
        notice = self.notice(lot.project, Notice.Kind.RESULT, confirmed_at) if confirmed else None
        award = Award.objects.create(
            lot=lot,
            evaluation=evaluation,
            status=status,
            candidates=[winner.pk],
            confirm_by=confirm_by or timezone.localdate(confirmed_at),
            winner=winner if confirmed else None,
            amount=winner.price if confirmed else None,
            confirmed_by=self.clerk if confirmed else None,
            confirmed_at=confirmed_at if confirmed else None,
            result_notice=notice,
        )
        Lot.objects.filter(pk=lot.pk).update(
            status=Lot.Status.AWARDED if confirmed else Lot.Status.CANDIDATES_PUBLISHED
        )
        return award

    def _document(self, project: Project) -> TenderDocument:
        return TenderDocument.objects.filter(project=project).first()

    def contract(
        self,
        award: Award,
        *,
        signed_at: datetime.datetime,
        notice_due: datetime.date,
        published_at: datetime.datetime | None = None,
    ) -> Contract:
        """The award's contract signed at signed_at, its notice due by notice_due and published
        at published_at (None: not out, the contract stays signed)."""
        lot = award.lot
        n = _n()
        contract = Contract.objects.create(
            lot=lot,
            award=award,
            purchaser=lot.project.purchaser,
            supplier=award.winner.supplier,
            reference=f"HT-{n:06d}",
            status=Contract.Status.SIGNED,
            title_zh="看板测试合同",
            title_en="Dashboard test contract",
            amount=award.amount,
            subject=lot.quantity_and_specification,
            delivery_place=lot.delivery_place,
            delivery_period=lot.delivery_period,
            contract_terms="合同条款",
            tender_document=self._document(lot.project),
            award_notice_on=timezone.localdate(award.confirmed_at),
            signing_due=timezone.localdate(award.confirmed_at) + datetime.timedelta(days=30),
            draft_sha256="ab" * 32,
            sha256="cd" * 32,
            signed_at=signed_at,
            notice_due=notice_due,
        )
        if published_at is not None:
            contract.notice = self.notice(lot.project, Notice.Kind.CONTRACT, published_at)
            contract.status = Contract.Status.IN_PERFORMANCE
            contract.save(update_fields=["notice", "status"])
        return contract

    def payment(
        self,
        contract: Contract,
        *,
        accepted_at: datetime.datetime,
        paid_on: datetime.date,
        amount=None,
        pay_by: datetime.date | None = None,
    ) -> PaymentApplication:
        """A milestone of the contract accepted at accepted_at and paid on paid_on."""
        amount = Decimal(amount) if amount is not None else contract.amount
        milestone = Milestone.objects.create(
            contract=contract,
            number=contract.milestones.count() + 1,
            title="交付",
            due_date=timezone.localdate(accepted_at),
            amount=amount,
            status=Milestone.Status.ACCEPTED,
            delivered_at=accepted_at,
            accepted_at=accepted_at,
        )
        return PaymentApplication.objects.create(
            contract=contract,
            milestone=milestone,
            amount=amount,
            invoice_number=f"INV-{_n()}",
            status=PaymentApplication.Status.PAID,
            applied_by=self.clerk,
            pay_by=pay_by,
            decided_by=self.clerk,
            decided_at=accepted_at,
            paid_amount=amount,
            paid_on=paid_on,
        )
