"""The evaluation's arithmetic (pure: Decimal in, Decimal out; no ORM).

    evaluated price = price × (1 − deduction%)      for a small or micro enterprise (the deduction
                                                     is 0 on a lot reserved for SMEs)
    price score     = lowest evaluated price / evaluated price × price weight   (0.01, half up)
    criterion score = mean of the members' points    (0.01, half up)
    total           = price score + technical subtotal + commercial subtotal

Ranking: comprehensive scoring by total (higher first), ties by the lower price, then the higher
technical score; the lowest evaluated price method by evaluated price (lower first), ties by the
lower price. A last tie falls to the key (the bid id), so the order never depends on input order.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def evaluated_price(price: Decimal, *, small_or_micro: bool, deduction_percent: Decimal) -> Decimal:
    """The price the price score is computed from: the SME deduction taken off a small or micro
    enterprise's price (never raises a price: a negative or missing deduction counts as none)."""
    if not small_or_micro or deduction_percent is None or deduction_percent <= 0:
        return quantize(price)
    share = min(Decimal(deduction_percent), HUNDRED)
    return quantize(price * (HUNDRED - share) / HUNDRED)


def price_score(lowest: Decimal, evaluated: Decimal, weight: Decimal) -> Decimal:
    """lowest / evaluated × weight, to the cent (half up). The lowest evaluated price scores the
    whole weight; a price of zero (nothing to divide by) scores the whole weight too."""
    if evaluated <= 0:
        return quantize(weight)
    return min(quantize(lowest / evaluated * weight), quantize(weight))


def mean(values: Sequence[Decimal]) -> Decimal:
    if not values:
        return ZERO
    return quantize(sum(values, ZERO) / len(values))


def median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return ZERO
    middle = n // 2
    if n % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def subtotals(means: Mapping[int, Decimal], kinds: Mapping[int, str]) -> tuple[Decimal, Decimal]:
    """(technical, commercial): the criterion means summed by the criterion's kind."""
    technical = sum((v for c, v in means.items() if kinds.get(c) == "technical"), ZERO)
    commercial = sum((v for c, v in means.items() if kinds.get(c) != "technical"), ZERO)
    return quantize(technical), quantize(commercial)


def majority(marks: Iterable[bool]) -> bool:
    """A qualification item passes when more than half of the members passed it (a tie fails)."""
    marks = list(marks)
    return bool(marks) and sum(1 for m in marks if m) * 2 > len(marks)


def deviates(points: Decimal, panel_median: Decimal, criterion_points: Decimal, percent: Decimal) -> bool:
    """More than `percent` % of the criterion's points away from the panel's median."""
    return abs(points - panel_median) > Decimal(criterion_points) * Decimal(percent) / HUNDRED


def deviations(
    points_by_member: Mapping[Hashable, Decimal], criterion_points: Decimal, percent: Decimal
) -> tuple[Decimal, list[Hashable]]:
    """(the median, the members whose points deviate from it)."""
    middle = median(list(points_by_member.values()))
    return middle, sorted(
        (m for m, p in points_by_member.items() if deviates(p, middle, criterion_points, percent)),
        key=str,
    )


def identical_sheets(sheets: Mapping[Hashable, Mapping[Hashable, Decimal]]) -> list[list[Hashable]]:
    """Groups of two or more members whose whole (non-empty) sheets are identical."""
    groups: dict[tuple, list] = {}
    for member, scores in sheets.items():
        if not scores:
            continue
        key = frozenset(scores.items())  # equal Decimals hash alike (5 == 5.00)
        groups.setdefault(key, []).append(member)
    return sorted((sorted(g, key=str) for g in groups.values() if len(g) > 1), key=lambda g: str(g[0]))


def abnormally_low(prices: Mapping[Hashable, Decimal], percent: Decimal) -> list[Hashable]:
    """The bids whose price is more than `percent` % below the mean of the others' prices (a bid
    alone has no others, and is never abnormally low)."""
    if len(prices) < 2:
        return []
    total = sum(prices.values(), ZERO)
    others = len(prices) - 1
    low = []
    for key, price in prices.items():
        others_mean = (total - price) / others
        if price < others_mean * (HUNDRED - Decimal(percent)) / HUNDRED:
            low.append(key)
    return sorted(low, key=str)


@dataclass(frozen=True)
class Entry:
    """One qualified bid for ranking."""

    key: Hashable
    price: Decimal
    evaluated_price: Decimal
    total: Decimal = ZERO
    technical: Decimal = ZERO


def rank(entries: Iterable[Entry], *, comprehensive: bool) -> list[Hashable]:
    """The keys in rank order (first is rank 1)."""
    if comprehensive:
        ordered = sorted(entries, key=lambda e: (-e.total, e.price, -e.technical, str(e.key)))
    else:
        ordered = sorted(entries, key=lambda e: (e.evaluated_price, e.price, str(e.key)))
    return [e.key for e in ordered]


@dataclass(frozen=True)
class BidResult:
    evaluated_price: Decimal
    deduction_percent: Decimal
    price_score: Decimal | None
    technical: Decimal | None
    commercial: Decimal | None
    total: Decimal | None
    means: dict


def score_bids(
    bids: Mapping[Hashable, tuple[Decimal, bool]],
    points: Mapping[Hashable, Mapping[int, Sequence[Decimal]]],
    *,
    kinds: Mapping[int, str],
    deduction_percent: Decimal,
    price_weight: Decimal | None,
    comprehensive: bool,
) -> tuple[dict[Hashable, BidResult], list[Hashable]]:
    """Every qualified bid's evaluated price, price score, criterion means, subtotals and total,
    and the ranking. bids: key -> (price, small or micro); points: key -> criterion -> the
    members' points."""
    evaluated = {
        key: evaluated_price(price, small_or_micro=small, deduction_percent=deduction_percent)
        for key, (price, small) in bids.items()
    }
    lowest = min(evaluated.values()) if evaluated else ZERO
    results, entries = {}, []
    for key, (price, small) in bids.items():
        deduction = Decimal(deduction_percent) if small and deduction_percent > 0 else ZERO
        if comprehensive:
            means = {c: mean(list(v)) for c, v in points.get(key, {}).items()}
            technical, commercial = subtotals(means, kinds)
            p_score = price_score(lowest, evaluated[key], price_weight or ZERO)
            total = quantize(p_score + technical + commercial)
        else:
            means, technical, commercial, p_score, total = {}, None, None, None, None
        results[key] = BidResult(evaluated[key], deduction, p_score, technical, commercial, total, means)
        entries.append(Entry(key, price, evaluated[key], total or ZERO, technical or ZERO))
    return results, rank(entries, comprehensive=comprehensive)
