"""The set-based SQL recomputation (services.RECOMPUTE_SQL) gives the answers of credit.scoring."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from credit import scoring, selectors, services
from credit.models import BlacklistEntry, CreditEvent, CreditRecord, CreditRule
from rulebook.models import Rule
from rulebook.selectors import rule_int

from .factories import BlacklistEntryFactory, CreditEventFactory, CreditRecordFactory

DB_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

event_specs = st.fixed_dictionaries(
    {
        "points": st.decimals(min_value=Decimal("-40"), max_value=Decimal("40"), places=2).filter(
            lambda p: p != 0
        ),
        "decay": st.sampled_from(["none", "linear"]),
        "occurred_days_ago": st.integers(min_value=-30, max_value=900),
        "counts_for_days": st.integers(min_value=1, max_value=1100),
        "status": st.sampled_from(list(CreditEvent.Status.values)),
        "ban": st.none()
        | st.fixed_dictionaries(
            {
                "status": st.sampled_from(list(BlacklistEntry.Status.values)),
                "days": st.integers(min_value=0, max_value=800),
            }
        ),
    }
)
days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2026, 11, 1))
EXAMPLE_DAY = datetime.date(2025, 6, 30)


def _spec(points, *, ago=0, days=730, decay="linear", status="in_force", ban=None) -> dict:
    return {
        "points": Decimal(points),
        "decay": decay,
        "occurred_days_ago": ago,
        "counts_for_days": days,
        "status": status,
        "ban": ban,
    }


def _make_record(specs: list[dict], day: datetime.date) -> CreditRecord:
    """A record with the events (and bans) of `specs`, its cached score deliberately stale."""
    record = CreditRecordFactory(score=Decimal("0"), stars=1, is_red_listed=True)
    rule = CreditRule.objects.get(code="supplier.late_delivery")
    for spec in specs:
        occurred_on = day - datetime.timedelta(days=spec["occurred_days_ago"])
        event = CreditEvent.objects.create(
            record=record,
            rule=rule,
            source=CreditEvent.Source.SYSTEM,
            points=spec["points"],
            decay=spec["decay"],
            occurred_on=occurred_on,
            counts_until=scoring.counts_until(occurred_on, spec["counts_for_days"]),
            status=spec["status"],
        )
        if spec["ban"] is not None:
            BlacklistEntry.objects.create(
                record=record,
                event=event,
                starts_on=occurred_on,
                ends_on=occurred_on + datetime.timedelta(days=spec["ban"]["days"]),
                legal_basis_zh="测试",
                legal_basis_en="Test",
                status=spec["ban"]["status"],
            )
    return record


def _python_answer(record: CreditRecord, day: datetime.date) -> tuple[Decimal, int, bool]:
    events = [selectors.as_scored(e) for e in CreditEvent.objects.filter(record=record)]
    value = scoring.score(selectors.base_score(on=day), events, day)
    stars = scoring.stars_for(value, selectors.score_bands(on=day))
    banned = selectors.active_bans(on=day).filter(record=record).exists()
    red = scoring.is_red_listed(
        stars, events, day, window_days=rule_int("credit.red_list_window_days", on=day), banned=banned
    )
    return value, stars, red


def _stored(record: CreditRecord) -> tuple[Decimal, int, bool]:
    record.refresh_from_db()
    return record.score, record.stars, record.is_red_listed


@pytest.mark.django_db
@DB_SETTINGS
@given(specs=st.lists(event_specs, max_size=6), day=days)
@example(specs=[_spec("15"), _spec("-1", ago=400, decay="none")], day=EXAMPLE_DAY)  # red list
@example(specs=[_spec("15"), _spec("-1", ago=100)], day=EXAMPLE_DAY)  # recent negative event
@example(specs=[_spec("15"), _spec("-1", ago=400, ban={"status": "active", "days": 800})], day=EXAMPLE_DAY)
@example(specs=[_spec("-50", status="reversed"), _spec("-45.55", ago=365)], day=EXAMPLE_DAY)
def test_recomputing_a_record_in_sql_gives_the_python_score_stars_and_red_list(specs, day):
    record = _make_record(specs, day)
    services.recompute_records([record.pk], on=day)
    assert _stored(record) == _python_answer(record, day)


@pytest.mark.django_db
@DB_SETTINGS
@given(parties=st.lists(st.lists(event_specs, max_size=4), min_size=1, max_size=4), day=days)
def test_the_nightly_recomputation_gives_every_record_the_python_answer(parties, day):
    records = [_make_record(specs, day) for specs in parties]
    services.recompute_scores(on=day)
    for record in records:
        assert _stored(record) == _python_answer(record, day)


def test_recomputing_a_few_records_leaves_the_others_alone(db):
    mine, other = CreditEventFactory(points=Decimal("-30")), CreditEventFactory(points=Decimal("-30"))
    services.recompute_records([mine.record_id])
    assert CreditRecord.objects.get(pk=mine.record_id).score == Decimal("70.00")
    assert CreditRecord.objects.get(pk=other.record_id).score == Decimal("100.00")


def test_a_second_recomputation_on_the_same_day_changes_no_row(db):
    CreditEventFactory(points=Decimal("-30"))
    assert services.recompute_scores() >= 1
    assert services.recompute_scores() == 0


def test_the_nightly_recomputation_is_audited_with_the_number_of_changed_records(db):
    CreditEventFactory(points=Decimal("-30"))
    CreditEventFactory(points=Decimal("-20"))
    day = selectors.today()
    changed = services.recompute_scores(on=day)
    audit = AuditEvent.objects.filter(action="credit.scores_recomputed").latest()
    assert audit.data == {"day": day.isoformat(), "changed": changed}
    assert changed == 2


def _five_star_record_with_an_old_negative_event(*, banned: bool) -> CreditRecord:
    """120 points: +30 now, and -10 from 400 days ago (outside the red list window, still counting)."""
    long_ago = selectors.today() - datetime.timedelta(days=400)
    old = CreditEventFactory(occurred_on=long_ago, rule__points=Decimal("-10"), rule__counts_for_days=1095)
    CreditEventFactory(record=old.record, rule__points=Decimal("30"))
    if banned:
        BlacklistEntryFactory(event=old, ends_on=scoring.ban_ends_on(long_ago, 3))
    return old.record


@pytest.mark.parametrize("banned", [False, True])
def test_a_five_star_party_is_red_listed_unless_banned(db, banned):
    record = _five_star_record_with_an_old_negative_event(banned=banned)
    services.recompute_records([record.pk])
    assert _stored(record) == (Decimal("120.00"), 5, not banned)


def test_a_base_score_with_fractions_of_a_cent_is_rounded_alike_in_sql_and_python(db):
    Rule.objects.filter(key="credit.base_score").update(value=Decimal("100.0050"))
    record = _make_record([_spec("-10.01", decay="none")], EXAMPLE_DAY)
    services.recompute_records([record.pk], on=EXAMPLE_DAY)
    assert _stored(record) == _python_answer(record, EXAMPLE_DAY)


def test_the_explanation_of_a_score_adds_up_to_the_recomputed_score(db):
    first = CreditEventFactory(rule__points=Decimal("-20"), rule__decay="linear", rule__counts_for_days=730)
    record = first.record
    CreditEvent.objects.filter(pk=first.pk).update(
        occurred_on=selectors.today() - datetime.timedelta(days=100)
    )
    CreditEventFactory(record=record, rule__points=Decimal("3"))
    CreditEventFactory(record=record, rule__points=Decimal("-50"), status=CreditEvent.Status.REVERSED)
    services.recompute_records([record.pk])
    record.refresh_from_db()
    explanation = selectors.explain_score(record, list(selectors.events_of(record)))
    parts = explanation.base + sum(line.current_points for line in explanation.counting_lines)
    assert explanation.score == parts == record.score
    assert explanation.stars == record.stars
    assert len(explanation.counting_lines) == 2
