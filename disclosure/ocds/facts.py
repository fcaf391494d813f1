"""What a release says, as plain data: the selectors (disclosure.ocds.selectors) read the other
apps into these frozen dataclasses, the builders (disclosure.ocds.releases) turn them into OCDS
JSON without touching the database, so the builders are tested with plain values.

Amounts are Decimals in CNY; times are timezone-aware datetimes; every text a reader sees comes in
Chinese and English (the release's language is Chinese, the English goes in the `_en` fields the
standard allows)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Org:
    """An organisation as OCDS names it: by its unified social credit code (统一社会信用代码)."""

    uscc: str
    name_zh: str
    name_en: str
    region_code: str = ""

    @property
    def party_id(self) -> str:
        return f"CN-USCC-{self.uscc}"


@dataclass(frozen=True)
class Process:
    """One contracting process: a lot (标包) of a procurement project (one ocid per lot)."""

    ocid: str
    project_reference: str
    project_title_zh: str
    project_title_en: str
    project_description_zh: str
    project_description_en: str
    category: str  # procurement.models.Category
    classification_code: str
    method: str  # procurement.models.Method
    method_label_zh: str
    method_label_en: str
    method_justification: str
    funding_source_zh: str
    funding_source_en: str
    lot_number: int
    lot_title_zh: str
    lot_title_en: str
    lot_budget: Decimal
    specification: str
    delivery_place: str
    delivery_period: str
    sme_reserved: bool
    purchaser: Org
    agency: Org | None
    # The failed lot this lot procures again (its ocid), if any.
    retender_of_ocid: str | None = None


@dataclass(frozen=True)
class NoticeRef:
    """The public notice that is the event, and its pages."""

    id: int
    kind: str
    title_zh: str
    title_en: str
    published_at: datetime.datetime
    url: str
    attachment_url: str | None = None
    # The frozen tender documents the notice carries (their PDF), if any.
    documents_url: str | None = None


@dataclass(frozen=True)
class TenderTerms:
    """The version of the tender documents a tender or correction notice publishes."""

    version: int
    published_at: datetime.datetime | None
    bid_deadline: datetime.datetime | None
    documents_from: datetime.date | None
    documents_until: datetime.date | None
    clarification_until: datetime.date | None
    evaluation_method: str  # TenderDocument.EvaluationMethod
    price_weight: Decimal | None
    criteria: tuple[str, ...] = ()  # "技术 40 分" … in Chinese
    criteria_en: tuple[str, ...] = ()
    qualification_items: tuple[str, ...] = ()
    bond: Decimal | None = None
    amendment_reason: str = ""
    affects_bids: bool = False


@dataclass(frozen=True)
class BidFact:
    """One opened bid. Only ever built once the lot's opening record is public."""

    id: str  # the bid's public id
    tenderer: Org
    price: Decimal | None
    received_at: datetime.datetime | None
    status: str  # bids extension: pending | valid | disqualified
    rank: int | None = None
    total_score: Decimal | None = None
    evaluated_price: Decimal | None = None
    fail_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class AwardFact:
    id: str
    date: datetime.datetime
    amount: Decimal
    supplier: Org
    bid_id: str


@dataclass(frozen=True)
class MilestoneFact:
    number: int
    title: str
    description: str
    due_date: datetime.date
    amount: Decimal
    status: str  # OCDS milestoneStatus: scheduled | met | notMet
    date_met: datetime.datetime | None = None


@dataclass(frozen=True)
class PaymentFact:
    id: str
    amount: Decimal
    paid_on: datetime.date
    reference: str


@dataclass(frozen=True)
class ContractFact:
    id: str  # the contract number
    award_id: str
    title_zh: str
    title_en: str
    amount: Decimal
    signed_at: datetime.datetime | None
    supplier: Org
    delivery_period: str = ""


@dataclass(frozen=True)
class SupplementFact:
    number: int
    amount: Decimal
    subject: str
    reason: str
    signed_at: datetime.datetime | None
    # The contract's value with every supplementary agreement signed so far, this one included.
    total: Decimal


@dataclass(frozen=True)
class AcceptanceFact:
    id: str
    milestone_number: int
    outcome: str  # contracts Acceptance.Outcome
    outcome_zh: str
    outcome_en: str
    recorded_at: datetime.datetime
    remarks: str = ""
    reasons: str = ""


@dataclass(frozen=True)
class BreachFact:
    id: str
    kind: str  # contracts Breach.Kind
    kind_zh: str
    kind_en: str
    description: str
    responsible: Org
    milestone_number: int | None = None


@dataclass(frozen=True)
class ComplaintFact:
    id: str
    subject: str  # bidding.challenges Subject
    outcome: str  # Complaint.Status
    outcome_zh: str
    outcome_en: str
    decision: str
    reviewer: Org | None
    # Awards the decision cancelled (re-evaluation or a new procurement).
    cancelled_award_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """One public event of one lot: the notice (or, for a payment, the record) and what it
    published. `kind` is the notice kind, or "payment"."""

    kind: str
    release_id: str
    date: datetime.datetime
    process: Process
    notice: NoticeRef | None = None
    terms: TenderTerms | None = None
    reason: str = ""
    bids: tuple[BidFact, ...] = ()
    award: AwardFact | None = None
    contract: ContractFact | None = None
    supplement: SupplementFact | None = None
    acceptance: AcceptanceFact | None = None
    milestones: tuple[MilestoneFact, ...] = ()
    payments: tuple[PaymentFact, ...] = ()
    breach: BreachFact | None = None
    complaint: ComplaintFact | None = None
