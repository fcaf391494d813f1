"""Which procurement method a project's category and amount lead to (pure functions, no ORM).

The bands come from the rulebook (procurement.<category>.threshold_amount and
.public_tender_amount), read by the caller as of the project's rules date:
- below the threshold: direct purchase (below-threshold purchasing is outside the tender rules);
- from the threshold: a non-tender method (inquiry for goods, competitive consultation for
  services and works) — public tender may always be chosen instead;
- from the public tender amount: public tender.
Any method other than the default needs a written justification and the regulator's approval;
direct purchase is never allowed from the threshold up.
"""

from dataclasses import dataclass
from decimal import Decimal

from .models import Category, Method


@dataclass(frozen=True)
class Bands:
    threshold: Decimal
    public_tender: Decimal

    def __post_init__(self):
        if not (0 < self.threshold <= self.public_tender):
            raise ValueError(
                "the procurement threshold must be positive and at most the public tender amount"
            )


def default_method(category: str, amount: Decimal, bands: Bands) -> str:
    if amount < bands.threshold:
        return Method.DIRECT_PURCHASE
    if amount < bands.public_tender:
        return Method.INQUIRY if category == Category.GOODS else Method.COMPETITIVE_CONSULTATION
    return Method.PUBLIC_TENDER


def allowed_methods(category: str, amount: Decimal, bands: Bands) -> frozenset[str]:
    """Every method that may be used at all (the default without approval, the others with it)."""
    methods = set(Method.values)
    if amount >= bands.threshold:
        methods.discard(Method.DIRECT_PURCHASE)
    return frozenset(methods)


def needs_regulator_approval(method: str, category: str, amount: Decimal, bands: Bands) -> bool:
    """A method other than the default needs the regulator's approval (and a justification);
    choosing public tender where a lesser method would do never does."""
    return method not in (default_method(category, amount, bands), Method.PUBLIC_TENDER)


def approval_levels(
    amount: Decimal, bands: Bands, *, below: int, from_threshold: int, from_public_tender: int
) -> int:
    """How many levels of the purchaser's approval the amount needs."""
    if amount < bands.threshold:
        return below
    if amount < bands.public_tender:
        return from_threshold
    return from_public_tender
