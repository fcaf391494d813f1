"""The credit score maths, as plain functions of plain data (no ORM).

score = base + Σ current_points(event) over the events that count on the day:
- an event counts on day d if it is not reversed, occurred_on <= d and d < counts_until;
- with no decay it counts its full points; with linear decay its points fade evenly,
  points × (counts_until − d) / (counts_until − occurred_on), rounded to the cent
  (half away from zero, as PostgreSQL's round() on numeric does);
- stars come from the score bands (the lowest score for 5, 4, 3 and 2 stars; below: 1 star);
- a party is on the red list with five stars, no ban, and no negative event counting that
  occurred within the red list window.

credit.services.recompute_scores runs the same maths as one SQL statement (RECOMPUTE_SQL); a test
holds the two to the same answers.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScoredEvent:
    points: Decimal
    decay: str  # "none" | "linear"
    occurred_on: datetime.date
    counts_until: datetime.date
    reversed: bool = False


@dataclass(frozen=True)
class Bands:
    """The lowest score for 5, 4, 3 and 2 stars, in that order (descending)."""

    stars_5: Decimal
    stars_4: Decimal
    stars_3: Decimal
    stars_2: Decimal

    def __post_init__(self):
        if not (self.stars_5 >= self.stars_4 >= self.stars_3 >= self.stars_2):
            raise ValueError("credit score bands must descend from five stars to two")


def counts_on(event: ScoredEvent, day: datetime.date) -> bool:
    return not event.reversed and event.occurred_on <= day < event.counts_until


def current_points(event: ScoredEvent, day: datetime.date) -> Decimal:
    """What the event adds to the score on `day` (0 when it does not count)."""
    if not counts_on(event, day):
        return Decimal("0.00")
    if event.decay == "none":
        return Decimal(event.points).quantize(CENT, ROUND_HALF_UP)
    remaining = (event.counts_until - day).days
    total = (event.counts_until - event.occurred_on).days
    return (Decimal(event.points) * remaining / total).quantize(CENT, ROUND_HALF_UP)


def score(base: Decimal, events: list[ScoredEvent], day: datetime.date) -> Decimal:
    return (Decimal(base) + sum((current_points(e, day) for e in events), Decimal("0"))).quantize(CENT)


def stars_for(value: Decimal, bands: Bands) -> int:
    if value >= bands.stars_5:
        return 5
    if value >= bands.stars_4:
        return 4
    if value >= bands.stars_3:
        return 3
    if value >= bands.stars_2:
        return 2
    return 1


def is_red_listed(
    stars: int, events: list[ScoredEvent], day: datetime.date, *, window_days: int, banned: bool
) -> bool:
    if stars != 5 or banned:
        return False
    window_start = day - datetime.timedelta(days=window_days)
    return not any(e.points < 0 and counts_on(e, day) and e.occurred_on > window_start for e in events)


def counts_until(occurred_on: datetime.date, counts_for_days: int) -> datetime.date:
    return occurred_on + datetime.timedelta(days=counts_for_days)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def ban_ends_on(starts_on: datetime.date, years: int) -> datetime.date:
    """The last day of a ban of `years` years starting on `starts_on` (inclusive)."""
    return add_years(starts_on, years) - datetime.timedelta(days=1)
