"""Properties of the credit score maths (credit.scoring), on plain data."""

import datetime
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from credit import scoring
from credit.scoring import Bands, ScoredEvent

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
DAY_ZERO = datetime.date(2020, 1, 1)


def _day(offset: int) -> datetime.date:
    return DAY_ZERO + datetime.timedelta(days=offset)


points_values = st.decimals(min_value=Decimal("-100"), max_value=Decimal("50"), places=2).filter(
    lambda p: p != 0
)


@st.composite
def scored_events(draw, decays=("none", "linear"), reversed_=None):
    occurred = draw(st.integers(min_value=0, max_value=1500))
    return ScoredEvent(
        points=draw(points_values),
        decay=draw(st.sampled_from(decays)),
        occurred_on=_day(occurred),
        counts_until=_day(occurred + draw(st.integers(min_value=1, max_value=1200))),
        reversed=draw(st.booleans()) if reversed_ is None else reversed_,
    )


days = st.integers(min_value=-10, max_value=3000).map(_day)
bases = st.decimals(min_value=Decimal("0"), max_value=Decimal("200"), places=2)


@st.composite
def bands(draw):
    lowest = sorted(draw(st.lists(st.integers(min_value=0, max_value=20000), min_size=4, max_size=4)))
    s2, s3, s4, s5 = (Decimal(value) / 100 for value in lowest)
    return Bands(stars_5=s5, stars_4=s4, stars_3=s3, stars_2=s2)


def _round_half_away(value: Fraction) -> Decimal:
    """To the cent, halves away from zero, computed on exact fractions."""
    cents = math.floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(cents if value >= 0 else -cents) / 100


def _expected_points(event: ScoredEvent, day: datetime.date) -> Decimal:
    """The rule of the module docstring, written out independently with exact fractions."""
    if event.reversed or not (event.occurred_on <= day < event.counts_until):
        return Decimal("0")
    if event.decay == "none":
        return event.points
    remaining = (event.counts_until - day).days
    total = (event.counts_until - event.occurred_on).days
    return _round_half_away(Fraction(event.points) * remaining / total)


@PROPERTY_SETTINGS
@given(base=bases, events=st.lists(scored_events(), max_size=12), day=days)
def test_score_is_the_base_plus_the_current_points_of_the_events_that_count(base, events, day):
    expected = base + sum((_expected_points(e, day) for e in events), Decimal("0"))
    assert scoring.score(base, events, day) == expected


@PROPERTY_SETTINGS
@given(
    base=bases,
    events=st.lists(scored_events(), max_size=8),
    extra=scored_events(),
    why=st.sampled_from(["not yet", "expired", "reversed"]),
    offset=st.integers(min_value=0, max_value=1000),
)
def test_an_event_that_does_not_count_on_the_day_leaves_the_score_unchanged(base, events, extra, why, offset):
    if why == "not yet":
        day = extra.occurred_on - datetime.timedelta(days=offset + 1)
    elif why == "expired":
        day = extra.counts_until + datetime.timedelta(days=offset)
    else:
        day = extra.occurred_on + datetime.timedelta(days=offset)
        extra = ScoredEvent(extra.points, extra.decay, extra.occurred_on, extra.counts_until, reversed=True)
    assert scoring.score(base, [*events, extra], day) == scoring.score(base, events, day)


@PROPERTY_SETTINGS
@given(event=scored_events(), day=days)
def test_a_reversed_event_never_counts(event, day):
    reversed_event = ScoredEvent(
        event.points, event.decay, event.occurred_on, event.counts_until, reversed=True
    )
    assert not scoring.counts_on(reversed_event, day)
    assert scoring.current_points(reversed_event, day) == 0


@PROPERTY_SETTINGS
@given(
    event=scored_events(),
    after=st.integers(min_value=0, max_value=3000),
    later_by=st.integers(min_value=1, max_value=3000),
)
def test_once_an_event_stops_counting_it_never_counts_again(event, after, later_by):
    first = event.occurred_on + datetime.timedelta(days=after)
    assume(not scoring.counts_on(event, first))
    assert not scoring.counts_on(event, first + datetime.timedelta(days=later_by))


@PROPERTY_SETTINGS
@given(
    event=scored_events(),
    after=st.integers(min_value=0, max_value=3000),
    later_by=st.integers(min_value=0, max_value=3000),
)
def test_current_points_never_grow_in_size_with_time(event, after, later_by):
    first = event.occurred_on + datetime.timedelta(days=after)
    later = first + datetime.timedelta(days=later_by)
    assert abs(scoring.current_points(event, later)) <= abs(scoring.current_points(event, first))


@PROPERTY_SETTINGS
@given(event=scored_events(), day=days)
def test_current_points_keep_the_sign_and_never_exceed_the_full_points(event, day):
    current = scoring.current_points(event, day)
    assert abs(current) <= abs(event.points)
    assert current == 0 or (current > 0) == (event.points > 0)


@PROPERTY_SETTINGS
@given(event=scored_events(decays=("linear",), reversed_=False))
def test_a_decaying_event_counts_in_full_on_its_first_day(event):
    assert scoring.current_points(event, event.occurred_on) == event.points


@PROPERTY_SETTINGS
@given(
    event=scored_events(decays=("none",), reversed_=False),
    fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_without_decay_an_event_counts_in_full_until_it_expires(event, fraction):
    span = (event.counts_until - event.occurred_on).days
    day = event.occurred_on + datetime.timedelta(days=int(span * fraction))
    assert scoring.current_points(event, day) == event.points


def test_linear_decay_halves_the_points_halfway_and_rounds_halves_away_from_zero():
    event = ScoredEvent(Decimal("-0.05"), "linear", _day(0), _day(10))
    assert scoring.current_points(event, _day(5)) == Decimal("-0.03")  # -0.025 exactly
    assert scoring.current_points(event, _day(9)) == Decimal("-0.01")  # -0.005 exactly
    assert scoring.current_points(event, _day(10)) == 0


@PROPERTY_SETTINGS
@given(
    band=bands(),
    low=st.decimals(min_value=Decimal("-300"), max_value=Decimal("400"), places=2),
    more=st.decimals(min_value=Decimal("0"), max_value=Decimal("400"), places=2),
)
def test_stars_never_fall_as_the_score_rises(band, low, more):
    assert scoring.stars_for(low, band) <= scoring.stars_for(low + more, band)


@PROPERTY_SETTINGS
@given(band=bands(), value=st.decimals(min_value=Decimal("-300"), max_value=Decimal("400"), places=2))
def test_stars_are_one_to_five_and_a_band_lowest_score_earns_its_stars(band, value):
    stars = scoring.stars_for(value, band)
    assert 1 <= stars <= 5
    assert scoring.stars_for(band.stars_5, band) == 5
    assert scoring.stars_for(band.stars_2, band) >= 2


def test_bands_that_do_not_descend_are_refused():
    with pytest.raises(ValueError):
        Bands(stars_5=Decimal("90"), stars_4=Decimal("95"), stars_3=Decimal("80"), stars_2=Decimal("60"))


@PROPERTY_SETTINGS
@given(
    events=st.lists(scored_events(), max_size=8),
    day=days,
    window=st.integers(min_value=1, max_value=730),
    stars=st.integers(min_value=1, max_value=5),
    banned=st.booleans(),
)
def test_red_list_needs_five_stars_no_ban_and_no_recent_negative_event_in_force(
    events, day, window, stars, banned
):
    window_start = day - datetime.timedelta(days=window)
    recent_negative = any(
        e.points < 0 and scoring.counts_on(e, day) and e.occurred_on > window_start for e in events
    )
    expected = stars == 5 and not banned and not recent_negative
    assert scoring.is_red_listed(stars, events, day, window_days=window, banned=banned) is expected


@PROPERTY_SETTINGS
@given(start=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 12, 31)))
def test_a_ban_of_more_years_ends_later_and_never_before_it_starts(start):
    ends = [scoring.ban_ends_on(start, years) for years in (1, 2, 3)]
    assert start <= ends[0] < ends[1] < ends[2]


def test_a_ban_from_29_february_ends_on_27_february():
    assert scoring.ban_ends_on(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 27)
    assert scoring.ban_ends_on(datetime.date(2024, 3, 1), 1) == datetime.date(2025, 2, 28)
