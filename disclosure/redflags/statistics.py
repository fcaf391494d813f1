"""Order statistics for the red flags (pure functions over Decimals; no ORM, no floats).

Quartiles follow Hyndman and Fan's definition 8 (median-unbiased), which is what Cardinal's
statistics library (statrs `OrderStatistics::quantile`) computes, so a fence here is the fence
Cardinal would draw over the same values:

    h = (n + 1/3)·p + 1/3;  Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)   (1-based order statistics)

with Q(p) = min when ⌊h⌋ < 1 and max when ⌊h⌋ ≥ n. Tukey's fences are Q1 − 1.5·IQR and
Q3 + 1.5·IQR with IQR = Q3 − Q1.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

ONE_AND_A_HALF = Decimal("1.5")
PRECISION = 28


def quantile(values: Iterable[Decimal], p: Decimal) -> Decimal:
    """The p-quantile (0 <= p <= 1) of the values by Hyndman and Fan's definition 8.
    Raises ValueError for no values or p outside [0, 1]."""
    data = sorted(Decimal(value) for value in values)
    p = Decimal(p)
    if not data:
        raise ValueError("no values")
    if not (0 <= p <= 1):
        raise ValueError("p must be between 0 and 1")
    n = len(data)
    # h = (n + 1/3)·p + 1/3, kept exact as a fraction so that p = 1/2 gives the median exactly.
    h = (Fraction(3 * n + 1) * Fraction(p) + 1) / 3
    floor = int(h)
    if floor < 1 or p == 0:
        return data[0]
    if floor >= n or p == 1:
        return data[-1]
    low, high = data[floor - 1], data[floor]
    weight = h - floor
    with localcontext() as context:
        context.prec = PRECISION
        return low + Decimal(weight.numerator) * (high - low) / Decimal(weight.denominator)


def percentile(values: Iterable[Decimal], percent: int | Decimal) -> Decimal:
    return quantile(values, Decimal(percent) / 100)


@dataclass(frozen=True)
class Fences:
    q1: Decimal
    q3: Decimal
    lower: Decimal
    upper: Decimal
    count: int

    @property
    def iqr(self) -> Decimal:
        return self.q3 - self.q1

    def as_evidence(self) -> dict:
        return {
            "q1": _text(self.q1),
            "q3": _text(self.q3),
            "lower_fence": _text(self.lower),
            "upper_fence": _text(self.upper),
            "sample": self.count,
        }


def tukey_fences(values: Iterable[Decimal]) -> Fences:
    """Tukey's fences over the values (ValueError for none)."""
    data = [Decimal(value) for value in values]
    q1 = quantile(data, Decimal("0.25"))
    q3 = quantile(data, Decimal("0.75"))
    with localcontext() as context:
        context.prec = PRECISION
        iqr = q3 - q1
        return Fences(
            q1=q1, q3=q3, lower=q1 - ONE_AND_A_HALF * iqr, upper=q3 + ONE_AND_A_HALF * iqr, count=len(data)
        )


def median(values: Iterable[Decimal]) -> Decimal:
    data = sorted(Decimal(value) for value in values)
    if not data:
        raise ValueError("no values")
    middle = len(data) // 2
    if len(data) % 2:
        return data[middle]
    return (data[middle - 1] + data[middle]) / 2


def rounded(value: Decimal | None, places: int = 6) -> Decimal | None:
    """A value as the flag stores it (six decimal places, the model's precision)."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-places))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(rounded(value))
