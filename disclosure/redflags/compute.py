"""The red flags computed from plain facts (no ORM): disclosure.redflags.facts reads the rows,
these functions decide what is raised, disclosure.redflags.services stores it.

Every function takes the facts of the lots whose bids were opened — nothing else is ever given
to them — and returns `Raised` flags with their value, the threshold crossed and the evidence
(see disclosure.redflags.evidence for its shape). Outcomes (who was disqualified, who won) are
given only where they are public: `BidFact.disqualified` is None and `LotFact.winner_bid_id` is
None until the lot's result is published (or the lot failed).

Fences: a fence-based indicator uses Tukey's fences over all the values it compares, unless a
threshold is configured; with fewer values than its minimum no fence is drawn and nothing is
flagged. As in Cardinal, a value on the fence counts (≤ lower, ≥ upper) — except when the
interquartile range is zero: then every value equal to the fence is the common value, not an
outlier, and only values strictly beyond it are flagged.
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from bidding.collusion import price_screens

from .statistics import Fences, median, percentile, rounded, tukey_fences

LOT = "lot"
BUYER = "buyer"
PROCURING_ENTITY = "procuring_entity"
TENDERER = "tenderer"

NOT_COMPARED_METHODS = frozenset({"single_source", "direct_purchase"})
HUNDRED = Decimal(100)


# --- Facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    id: int
    name_zh: str
    name_en: str = ""

    def as_evidence(self) -> dict:
        return {"id": self.id, "name_zh": self.name_zh, "name_en": self.name_en}


@dataclass(frozen=True)
class BidFact:
    bid_id: int
    supplier: Party
    price: Decimal | None
    received_at: datetime.datetime | None
    # True: disqualified in the qualification review; False: valid; None: not (publicly) decided.
    disqualified: bool | None = None


@dataclass(frozen=True)
class CollusionFact:
    kind: str
    suppliers: tuple[Party, ...]
    evidence: Mapping


@dataclass(frozen=True)
class LotFact:
    lot_id: int
    reference: str
    number: int
    title_zh: str
    title_en: str
    method: str
    buyer: Party
    procuring_entity: Party | None
    classification: str
    opened_at: datetime.datetime | None
    bids: tuple[BidFact, ...]
    failed_at_opening: bool = False
    tender_published_at: datetime.datetime | None = None
    bid_deadline: datetime.datetime | None = None
    # The submission period in `period_unit` ("days" or "working_days") and the rulebook's minimum
    # for the method in the same unit (None: the rulebook has none; the indicator's default applies).
    period: int | None = None
    period_unit: str = "days"
    minimum_period: int | None = None
    # The rulebook row of the minimum: {"key", "zh", "en"} (its name in both languages).
    rule: Mapping = field(default_factory=dict)
    # The qualification outcomes and the winner are public (result published, or the lot failed).
    outcome_published: bool = False
    winner_bid_id: int | None = None
    collusion: tuple[CollusionFact, ...] = ()

    def lot_evidence(self, **numbers) -> dict:
        return {
            "lot": self.lot_id,
            "reference": self.reference,
            "number": self.number,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            **numbers,
        }

    @property
    def winner(self) -> BidFact | None:
        if self.winner_bid_id is None:
            return None
        return next((bid for bid in self.bids if bid.bid_id == self.winner_bid_id), None)

    @property
    def priced_bids(self) -> list[BidFact]:
        return [bid for bid in self.bids if bid.price is not None]

    @property
    def outcome_complete(self) -> bool:
        """Every bid's qualification outcome is public."""
        return (
            self.outcome_published and bool(self.bids) and all(b.disqualified is not None for b in self.bids)
        )


@dataclass(frozen=True)
class ScoreFact:
    seat_id: int
    expert: Party
    bid_id: int
    supplier: Party
    criterion: int
    criterion_zh: str
    criterion_en: str
    maximum: Decimal
    points: Decimal
    reason: str = ""


@dataclass(frozen=True)
class EvaluationFact:
    lot_id: int
    evaluation_id: int
    deviation_percent: Decimal
    scores: tuple[ScoreFact, ...]


@dataclass(frozen=True)
class Raised:
    code: str
    level: str
    lot_id: int | None
    organisation_id: int | None
    value: Decimal | None
    threshold: Decimal | None
    evidence: dict

    @property
    def key(self) -> tuple:
        return (self.code, self.level, self.lot_id, self.organisation_id)


Parameters = Callable[[str, str], object]


# --- Helpers -------------------------------------------------------------------------------------


def _text(value) -> str | None:
    """A number as the evidence keeps it: as given (prices keep their two places), or rounded to
    the six places of the flag's value when longer."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return str(rounded(value) if isinstance(exponent, int) and exponent < -6 else value)
    return str(value)


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _bid_status(bid: BidFact) -> str:
    if bid.disqualified is None:
        return "opened"
    return "disqualified" if bid.disqualified else "valid"


def _bids(lot: LotFact, bids: Iterable[BidFact] | None = None) -> list[dict]:
    chosen = lot.bids if bids is None else bids
    ordered = sorted(chosen, key=lambda b: (b.price is None, b.price or 0, b.bid_id))
    return [
        {
            "bid": bid.bid_id,
            "supplier": bid.supplier.id,
            "name_zh": bid.supplier.name_zh,
            "name_en": bid.supplier.name_en,
            "price": _text(bid.price),
            "received_at": _iso(bid.received_at),
            "status": _bid_status(bid),
            "winner": bid.bid_id == lot.winner_bid_id,
        }
        for bid in ordered
    ]


def _lot_flag(code: str, lot: LotFact, value, threshold, facts: list, **more) -> Raised:
    return Raised(
        code=code,
        level=LOT,
        lot_id=lot.lot_id,
        organisation_id=None,
        value=rounded(Decimal(value)) if value is not None else None,
        threshold=rounded(Decimal(threshold)) if threshold is not None else None,
        evidence={
            "facts": [[key, _text(val) if isinstance(val, Decimal) else val] for key, val in facts],
            **more,
        },
    )


# A party flag lists at most this many of its lots in its evidence (the count of all is a fact).
LOTS_IN_EVIDENCE = 50


def _lot_list(entries: Iterable[dict]) -> dict:
    entries = list(entries)
    listed = {"lots": entries[:LOTS_IN_EVIDENCE]}
    if len(entries) > LOTS_IN_EVIDENCE:
        listed["more_lots"] = len(entries) - LOTS_IN_EVIDENCE
    return listed


@dataclass(frozen=True)
class Cut:
    """Where a fence-based indicator cuts: the fence (or configured threshold) and how it was found."""

    value: Decimal
    source: str  # "tukey" | "configured"
    fences: Fences | None = None

    def facts(self) -> list:
        rows = [["threshold_source", self.source]]
        if self.fences is not None:
            rows += [[key, value] for key, value in self.fences.as_evidence().items()]
        return rows

    def flags_low(self, value: Decimal) -> bool:
        if self.fences is not None and self.fences.iqr == 0:
            return value < self.value
        return value <= self.value

    def flags_high(self, value: Decimal) -> bool:
        if self.fences is not None and self.fences.iqr == 0:
            return value > self.value
        return value >= self.value


def _cut(values: list[Decimal], threshold, minimum: int, side: str) -> Cut | None:
    if threshold is not None:
        return Cut(Decimal(str(threshold)), "configured")
    if len(values) < max(int(minimum or 1), 1):
        return None
    fences = tukey_fences(values)
    return Cut(fences.lower if side == "lower" else fences.upper, "tukey", fences)


# --- R003 Short submission period ---------------------------------------------------------------


def r003(lots: Iterable[LotFact], *, threshold: int) -> list[Raised]:
    raised = []
    for lot in lots:
        if lot.method in NOT_COMPARED_METHODS or lot.period is None:
            continue
        minimum, unit = lot.minimum_period, lot.period_unit
        if minimum is None:
            minimum, unit = threshold, "days"
        if lot.period < minimum:
            raised.append(
                _lot_flag(
                    "R003",
                    lot,
                    lot.period,
                    minimum,
                    [
                        ["method", lot.method],
                        ["tender_published_at", _iso(lot.tender_published_at)],
                        ["bid_deadline", _iso(lot.bid_deadline)],
                        ["period", lot.period],
                        ["unit", unit],
                        ["minimum", minimum],
                        ["threshold_source", "rulebook" if lot.minimum_period is not None else "default"],
                        ["rule", dict(lot.rule) or None],
                    ],
                )
            )
    return raised


# --- R018 Single bid received --------------------------------------------------------------------


def r018(lots: Iterable[LotFact], *, methods: Iterable[str]) -> list[Raised]:
    methods = frozenset(methods)
    raised = []
    for lot in lots:
        suppliers = {bid.supplier.id for bid in lot.bids}
        if lot.method in methods and len(suppliers) == 1:
            raised.append(
                _lot_flag(
                    "R018",
                    lot,
                    1,
                    None,
                    [["method", lot.method], ["bidders", 1], ["failed_at_opening", lot.failed_at_opening]],
                    bids=_bids(lot),
                )
            )
    return raised


# --- R024 / R058: the second-lowest valid bid against the winner ---------------------------------


@dataclass(frozen=True)
class SecondLowest:
    lot: LotFact
    ratio: Decimal
    winner: BidFact
    runner_up: BidFact


def second_lowest_ratios(lots: Iterable[LotFact]) -> list[SecondLowest]:
    """(lowest valid non-winning price − winning price) / winning price, for lots whose winner
    bid the lowest valid price (Cardinal: otherwise the award was not on price alone)."""
    found = []
    for lot in lots:
        winner = lot.winner
        if not lot.outcome_published or winner is None or winner.price is None or winner.disqualified:
            continue
        others = [
            bid
            for bid in lot.bids
            if bid.disqualified is False and bid.price is not None and bid.supplier.id != winner.supplier.id
        ]
        if not others or winner.price <= 0:
            continue
        runner_up = min(others, key=lambda b: (b.price, b.bid_id))
        if runner_up.price < winner.price:
            continue
        with localcontext() as context:
            context.prec = 28
            ratio = (runner_up.price - winner.price) / winner.price
        found.append(SecondLowest(lot, ratio, winner, runner_up))
    return found


def _ratio_flag(code: str, item: SecondLowest, cut: Cut) -> Raised:
    lot = item.lot
    return _lot_flag(
        code,
        lot,
        item.ratio,
        cut.value,
        [
            ["winner_price", item.winner.price],
            ["runner_up_price", item.runner_up.price],
            ["ratio", rounded(item.ratio)],
            *cut.facts(),
        ],
        bids=_bids(lot, [item.winner, item.runner_up]),
    )


def r024(ratios: list[SecondLowest], *, threshold, minimum_lots: int) -> list[Raised]:
    cut = _cut([item.ratio for item in ratios], threshold, minimum_lots, "lower")
    if cut is None:
        return []
    return [_ratio_flag("R024", item, cut) for item in ratios if cut.flags_low(item.ratio)]


def r058(ratios: list[SecondLowest], *, threshold, minimum_lots: int) -> list[Raised]:
    cut = _cut([item.ratio for item in ratios], threshold, minimum_lots, "upper")
    # The ratio is never negative: a fence at zero would flag most lots.
    if cut is None or cut.value <= 0:
        return []
    flagged = [item for item in ratios if cut.flags_high(item.ratio)]
    raised = [_ratio_flag("R058", item, cut) for item in flagged]
    by_winner: dict[int, list[SecondLowest]] = defaultdict(list)
    for item in flagged:
        by_winner[item.winner.supplier.id].append(item)
    for supplier_id, items in sorted(by_winner.items()):
        raised.append(
            Raised(
                code="R058",
                level=TENDERER,
                lot_id=None,
                organisation_id=supplier_id,
                value=Decimal(len(items)),
                threshold=rounded(cut.value),
                evidence={
                    "facts": [["lots", len(items)], *cut.facts()],
                    **_lot_list(
                        item.lot.lot_evidence(ratio=_text(item.ratio), price=_text(item.winner.price))
                        for item in sorted(items, key=lambda i: -i.lot.lot_id)
                    ),
                },
            )
        )
    return raised


# --- R025 Excessive unsuccessful bids ------------------------------------------------------------


def r025(lots: Iterable[LotFact], *, threshold, percentile_cut: int, minimum_tenderers: int) -> list[Raised]:
    valid: dict[int, set[int]] = defaultdict(set)
    wins: dict[int, set[int]] = defaultdict(set)
    lot_by_id = {}
    for lot in lots:
        winner = lot.winner
        if not lot.outcome_published or winner is None:
            continue
        lot_by_id[lot.lot_id] = lot
        for bid in lot.bids:
            if bid.disqualified is False:
                valid[bid.supplier.id].add(lot.lot_id)
                if bid.supplier.id == winner.supplier.id:
                    wins[bid.supplier.id].add(lot.lot_id)
    if not valid:
        return []
    counts = {supplier: Decimal(len(lot_ids)) for supplier, lot_ids in valid.items()}
    ratios = {supplier: Decimal(len(wins[supplier])) / counts[supplier] for supplier in valid}
    top_cut = percentile(counts.values(), percentile_cut)
    cut = _cut(list(ratios.values()), threshold, minimum_tenderers, "lower")
    if cut is None:
        return []
    raised = []
    for supplier in sorted(valid):
        ratio = ratios[supplier]
        below = ratio < cut.value
        if counts[supplier] > top_cut and below:
            raised.append(
                Raised(
                    code="R025",
                    level=TENDERER,
                    lot_id=None,
                    organisation_id=supplier,
                    value=rounded(ratio),
                    threshold=rounded(cut.value),
                    evidence={
                        "facts": [
                            ["valid_bids", int(counts[supplier])],
                            ["wins", len(wins[supplier])],
                            ["top_tenderer_cut", _text(top_cut)],
                            *[[k, _text(v) if isinstance(v, Decimal) else v] for k, v in cut.facts()],
                        ],
                        **_lot_list(
                            lot_by_id[lot_id].lot_evidence(won=lot_id in wins[supplier])
                            for lot_id in sorted(valid[supplier], reverse=True)
                        ),
                    },
                )
            )
    return raised


# --- R028 Identical bid prices -------------------------------------------------------------------


def r028(lots: Iterable[LotFact]) -> list[Raised]:
    raised = []
    for lot in lots:
        by_price: dict[Decimal, list[BidFact]] = defaultdict(list)
        for bid in lot.priced_bids:
            by_price[bid.price].append(bid)
        shared = {
            price: bids for price, bids in by_price.items() if len({bid.supplier.id for bid in bids}) >= 2
        }
        if not shared:
            continue
        involved = [bid for price in sorted(shared) for bid in shared[price]]
        raised.append(
            _lot_flag(
                "R028",
                lot,
                len(involved),
                None,
                [
                    ["price", ", ".join(str(price) for price in sorted(shared))],
                    ["bids_at_price", len(involved)],
                ],
                bids=_bids(lot, involved),
            )
        )
    return raised


# --- R030 Late bid won ---------------------------------------------------------------------------


def r030(lots: Iterable[LotFact]) -> list[Raised]:
    raised = []
    for lot in lots:
        winner = lot.winner
        if (
            not lot.outcome_published
            or winner is None
            or winner.disqualified
            or winner.received_at is None
            or lot.bid_deadline is None
            or winner.received_at <= lot.bid_deadline
        ):
            continue
        late = int((winner.received_at - lot.bid_deadline).total_seconds())
        raised.append(
            _lot_flag(
                "R030",
                lot,
                late,
                None,
                [
                    ["bid_deadline", _iso(lot.bid_deadline)],
                    ["received_at", _iso(winner.received_at)],
                    ["seconds_late", late],
                ],
                bids=_bids(lot, [winner]),
            )
        )
    return raised


# --- R035 All except winning bid disqualified ----------------------------------------------------


def r035(lots: Iterable[LotFact], *, threshold: int) -> list[Raised]:
    threshold = max(int(threshold), 1)
    raised = []
    for lot in lots:
        winner = lot.winner
        if not lot.outcome_published or winner is None:
            continue
        valid = {bid.supplier.id for bid in lot.bids if bid.disqualified is False}
        disqualified = {bid.supplier.id for bid in lot.bids if bid.disqualified is True} - valid
        if valid == {winner.supplier.id} and len(disqualified) >= threshold:
            raised.append(
                _lot_flag(
                    "R035",
                    lot,
                    len(disqualified),
                    threshold,
                    [["disqualified_suppliers", len(disqualified)]],
                    bids=_bids(lot),
                )
            )
    return raised


# --- R036 Lowest bid disqualified ----------------------------------------------------------------


def r036(lots: Iterable[LotFact]) -> list[Raised]:
    raised = []
    for lot in lots:
        if not lot.outcome_published or lot.winner is None:
            continue
        priced = lot.priced_bids
        if not priced:
            continue
        lowest = min(bid.price for bid in priced)
        at_lowest = [bid for bid in priced if bid.price == lowest]
        if any(bid.disqualified is True for bid in at_lowest):
            raised.append(_lot_flag("R036", lot, lowest, None, [["lowest_price", lowest]], bids=_bids(lot)))
    return raised


# --- R038 Excessive disqualified bids ------------------------------------------------------------


@dataclass
class _Tally:
    submitted: int = 0
    disqualified: int = 0
    lots: dict | None = None

    def add(self, lot: LotFact, submitted: int, disqualified: int) -> None:
        self.submitted += submitted
        self.disqualified += disqualified
        if self.lots is None:
            self.lots = {}
        entry = self.lots.setdefault(lot.lot_id, [lot, 0, 0])
        entry[1] += submitted
        entry[2] += disqualified

    @property
    def share(self) -> Decimal:
        return Decimal(self.disqualified) / Decimal(self.submitted)


def r038(
    lots: Iterable[LotFact],
    *,
    threshold,
    minimum_submitted_bids: int,
    minimum_contracting_processes: int,
    minimum_parties: int,
) -> list[Raised]:
    groups: dict[str, dict[int, _Tally]] = {BUYER: {}, PROCURING_ENTITY: {}, TENDERER: {}}
    for lot in lots:
        if not lot.outcome_complete:
            continue
        submitted = len(lot.bids)
        disqualified = sum(1 for bid in lot.bids if bid.disqualified)
        groups[BUYER].setdefault(lot.buyer.id, _Tally()).add(lot, submitted, disqualified)
        if lot.procuring_entity is not None:
            groups[PROCURING_ENTITY].setdefault(lot.procuring_entity.id, _Tally()).add(
                lot, submitted, disqualified
            )
        for bid in lot.bids:
            groups[TENDERER].setdefault(bid.supplier.id, _Tally()).add(lot, 1, 1 if bid.disqualified else 0)
    raised = []
    for level, tallies in groups.items():
        if level == TENDERER:
            eligible = {k: t for k, t in tallies.items() if t.submitted >= minimum_submitted_bids}
        else:
            eligible = {
                k: t for k, t in tallies.items() if len(t.lots or {}) >= minimum_contracting_processes
            }
        cut = _cut([t.share for t in eligible.values()], threshold, minimum_parties, "upper")
        if cut is None:
            continue
        for organisation_id in sorted(eligible):
            tally = eligible[organisation_id]
            if tally.share > 0 and cut.flags_high(tally.share):
                raised.append(
                    Raised(
                        code="R038",
                        level=level,
                        lot_id=None,
                        organisation_id=organisation_id,
                        value=rounded(tally.share),
                        threshold=rounded(cut.value),
                        evidence={
                            "facts": [
                                ["submitted_bids", tally.submitted],
                                ["disqualified_bids", tally.disqualified],
                                ["share", _text(tally.share)],
                                ["lots", len(tally.lots)],
                                *[[k, _text(v) if isinstance(v, Decimal) else v] for k, v in cut.facts()],
                            ],
                            # The lots with the most disqualified bids first, then the newest.
                            **_lot_list(
                                lot.lot_evidence(submitted_bids=submitted, disqualified_bids=disqualified)
                                for lot, submitted, disqualified in sorted(
                                    tally.lots.values(), key=lambda entry: (-entry[2], -entry[0].lot_id)
                                )
                            ),
                        },
                    )
                )
    return raised


# --- R048 Heterogeneous supplier -----------------------------------------------------------------


def r048(
    lots: Iterable[LotFact],
    *,
    threshold,
    digits: int,
    minimum_contracting_processes: int,
    minimum_parties: int,
) -> list[Raised]:
    codes: dict[int, set[str]] = defaultdict(set)
    won: dict[int, list[LotFact]] = defaultdict(list)
    for lot in lots:
        winner = lot.winner
        if not lot.outcome_published or winner is None or not lot.classification:
            continue
        codes[winner.supplier.id].add(lot.classification[:digits])
        won[winner.supplier.id].append(lot)
    eligible = {s: Decimal(len(codes[s])) for s in codes if len(won[s]) >= minimum_contracting_processes}
    if threshold is not None:
        cut = Cut(Decimal(str(threshold)), "configured")
    else:
        cut = _cut(list(eligible.values()), None, minimum_parties, "upper")
        if cut is not None:
            # Cardinal rounds the fence up: the variety is a whole number.
            cut = Cut(Decimal(math.ceil(cut.value)), cut.source, cut.fences)
    if cut is None:
        return []
    raised = []
    for supplier in sorted(eligible):
        variety = eligible[supplier]
        if variety >= 2 and cut.flags_high(variety):
            raised.append(
                Raised(
                    code="R048",
                    level=TENDERER,
                    lot_id=None,
                    organisation_id=supplier,
                    value=variety,
                    threshold=cut.value,
                    evidence={
                        "facts": [
                            ["categories", ", ".join(sorted(codes[supplier]))],
                            ["awards", len(won[supplier])],
                            *[[k, _text(v) if isinstance(v, Decimal) else v] for k, v in cut.facts()],
                        ],
                        **_lot_list(
                            lot.lot_evidence(category=lot.classification)
                            for lot in sorted(won[supplier], key=lambda lot: -lot.lot_id)
                        ),
                    },
                )
            )
    return raised


# --- Bid-rigging screens -------------------------------------------------------------------------

SCREEN_SIDES = {"CV": ("cv", "lower"), "RD": ("rd", "upper"), "SPREAD": ("spread", "lower")}


def lot_screens(lots: Iterable[LotFact], *, minimum_bids: int) -> list[tuple[LotFact, dict]]:
    """The price screens of each lot with prices from at least `minimum_bids` suppliers (one price
    per supplier: its lowest)."""
    found = []
    for lot in lots:
        prices: dict[int, Decimal] = {}
        for bid in lot.priced_bids:
            prices[bid.supplier.id] = min(bid.price, prices.get(bid.supplier.id, bid.price))
        if len(prices) >= max(minimum_bids, 3):
            found.append((lot, price_screens(prices.values())))
    return found


def screens(screened: list[tuple[LotFact, dict]], code: str, *, threshold, minimum_lots: int) -> list[Raised]:
    key, side = SCREEN_SIDES[code]
    values = [(lot, result) for lot, result in screened if result[key] is not None]
    cut = _cut([result[key] for _, result in values], threshold, minimum_lots, side)
    if cut is None:
        return []
    raised = []
    for lot, result in values:
        value = result[key]
        if cut.flags_low(value) if side == "lower" else cut.flags_high(value):
            raised.append(
                _lot_flag(
                    code,
                    lot,
                    value,
                    cut.value,
                    [
                        ["count", result["count"]],
                        ["mean", rounded(result["mean"], 2)],
                        ["std", rounded(result["std"], 2)],
                        ["cv", rounded(result["cv"])],
                        ["rd", rounded(result["rd"])],
                        ["spread", rounded(result["spread"])],
                        ["diffp", rounded(result["diffp"])],
                        *cut.facts(),
                    ],
                    bids=_bids(lot, lot.priced_bids),
                )
            )
    return raised


# --- Collusion screens at opening ---------------------------------------------------------------


def _collusion_value(evidence: Mapping) -> str:
    """What the suppliers share, as one line (the screen's own evidence)."""
    if evidence.get("value"):
        return str(evidence["value"])
    if evidence.get("progression"):
        step = evidence.get("step") or evidence.get("ratio") or ""
        return f"{evidence['progression']} {step}".strip()
    if evidence.get("cv"):
        return f"CV {evidence['cv']}"
    return ""


def collusion(lots: Iterable[LotFact], *, prefix: str) -> list[Raised]:
    raised = []
    for lot in lots:
        by_kind: dict[str, list[CollusionFact]] = defaultdict(list)
        for fact in lot.collusion:
            by_kind[fact.kind].append(fact)
        for kind in sorted(by_kind):
            facts = by_kind[kind]
            suppliers = {party.id for fact in facts for party in fact.suppliers}
            raised.append(
                _lot_flag(
                    f"{prefix}{kind}",
                    lot,
                    len(suppliers),
                    None,
                    [["suppliers", len(suppliers)]],
                    groups=[
                        {
                            "value": _collusion_value(fact.evidence),
                            "suppliers": [party.as_evidence() for party in fact.suppliers],
                            "screen": dict(fact.evidence),
                        }
                        for fact in facts
                    ],
                )
            )
    return raised


# --- Expert scoring deviations -------------------------------------------------------------------

TOTAL = -1


def _with_totals(scores: tuple[ScoreFact, ...]) -> list[ScoreFact]:
    """The scores, and per member and bid their total over the criteria they scored."""
    totals: dict[tuple[int, int], list[ScoreFact]] = defaultdict(list)
    for score in scores:
        totals[(score.seat_id, score.bid_id)].append(score)
    rows = list(scores)
    for items in totals.values():
        if len(items) < 2:
            continue
        first = items[0]
        rows.append(
            ScoreFact(
                seat_id=first.seat_id,
                expert=first.expert,
                bid_id=first.bid_id,
                supplier=first.supplier,
                criterion=TOTAL,
                criterion_zh="非价格因素合计",
                criterion_en="Total of the non-price criteria",
                maximum=sum((item.maximum for item in items), Decimal(0)),
                points=sum((item.points for item in items), Decimal(0)),
            )
        )
    return rows


def expert_deviations(evaluations: Iterable[EvaluationFact], *, code: str) -> list[Raised]:
    by_lot: dict[int, list[dict]] = defaultdict(list)
    thresholds: dict[int, Decimal] = {}
    compared: dict[int, int] = defaultdict(int)
    for evaluation in evaluations:
        share = evaluation.deviation_percent / HUNDRED
        groups: dict[tuple[int, int], list[ScoreFact]] = defaultdict(list)
        for score in _with_totals(evaluation.scores):
            groups[(score.bid_id, score.criterion)].append(score)
        # Each criterion of a bid, then the bid's total.
        for (_, _), items in sorted(
            groups.items(), key=lambda entry: (entry[0][0], entry[0][1] == TOTAL, entry[0][1])
        ):
            if len({item.seat_id for item in items}) < 3:
                continue
            compared[evaluation.lot_id] += len(items)
            for item in sorted(items, key=lambda i: i.seat_id):
                # Against the other members only: a stray score must not drag its own fences.
                others = [other.points for other in items if other.seat_id != item.seat_id]
                fences = tukey_fences(others)
                middle = median(others)
                outside = item.points < fences.lower or item.points > fences.upper
                if outside and abs(item.points - middle) > share * item.maximum:
                    by_lot[evaluation.lot_id].append(
                        {
                            "expert": item.seat_id,
                            "name_zh": item.expert.name_zh,
                            "name_en": item.expert.name_en,
                            "bid": item.bid_id,
                            "supplier_zh": item.supplier.name_zh,
                            "supplier_en": item.supplier.name_en,
                            "criterion": item.criterion,
                            "criterion_zh": item.criterion_zh,
                            "criterion_en": item.criterion_en,
                            "points": _text(item.points),
                            "median": _text(middle),
                            "lower_fence": _text(fences.lower),
                            "upper_fence": _text(fences.upper),
                            "maximum": _text(item.maximum),
                            "reason": item.reason,
                        }
                    )
        thresholds[evaluation.lot_id] = evaluation.deviation_percent
    raised = []
    for lot_id in sorted(by_lot):
        rows = by_lot[lot_id]
        raised.append(
            Raised(
                code=code,
                level=LOT,
                lot_id=lot_id,
                organisation_id=None,
                value=Decimal(len(rows)),
                threshold=rounded(thresholds[lot_id]),
                evidence={
                    "facts": [
                        ["scores", compared[lot_id]],
                        ["deviation_percent", _text(thresholds[lot_id])],
                    ],
                    "deviations": rows,
                },
            )
        )
    return raised


# --- Everything ----------------------------------------------------------------------------------


def compute(
    lots: list[LotFact], evaluations: list[EvaluationFact], parameter: Parameters, *, collusion_prefix: str
) -> list[Raised]:
    """Every flag over the facts; `parameter(code, name)` gives each indicator's parameters."""
    ratios = second_lowest_ratios(lots)
    screened = lot_screens(lots, minimum_bids=int(parameter("CV", "minimum_bids") or 3))
    raised = [
        *r003(lots, threshold=int(parameter("R003", "threshold"))),
        *r018(lots, methods=parameter("R018", "methods")),
        *r024(
            ratios, threshold=parameter("R024", "threshold"), minimum_lots=parameter("R024", "minimum_lots")
        ),
        *r025(
            lots,
            threshold=parameter("R025", "threshold"),
            percentile_cut=parameter("R025", "percentile"),
            minimum_tenderers=parameter("R025", "minimum_tenderers"),
        ),
        *r028(lots),
        *r030(lots),
        *r035(lots, threshold=parameter("R035", "threshold")),
        *r036(lots),
        *r038(
            lots,
            threshold=parameter("R038", "threshold"),
            minimum_submitted_bids=parameter("R038", "minimum_submitted_bids"),
            minimum_contracting_processes=parameter("R038", "minimum_contracting_processes"),
            minimum_parties=parameter("R038", "minimum_parties"),
        ),
        *r048(
            lots,
            threshold=parameter("R048", "threshold"),
            digits=parameter("R048", "digits"),
            minimum_contracting_processes=parameter("R048", "minimum_contracting_processes"),
            minimum_parties=parameter("R048", "minimum_parties"),
        ),
        *r058(
            ratios, threshold=parameter("R058", "threshold"), minimum_lots=parameter("R058", "minimum_lots")
        ),
        *[
            flag
            for code in SCREEN_SIDES
            for flag in screens(
                screened,
                code,
                threshold=parameter(code, "threshold"),
                minimum_lots=parameter(code, "minimum_lots"),
            )
        ],
        *collusion(lots, prefix=collusion_prefix),
        *expert_deviations(evaluations, code="EXPERT-DEV"),
    ]
    return raised
