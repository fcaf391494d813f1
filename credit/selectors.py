"""Reads of credit records for pages, the API, services and eligibility."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.policies import acting_membership, jurisdiction_prefix
from rulebook.exceptions import CalendarNotCovered
from rulebook.selectors import add_working_days, rule_int, rule_value

from . import policies, scoring
from .exceptions import CreditAppealNotFound, CreditEventNotFound, CreditImportNotFound, CreditRecordNotFound
from .models import (
    GRADES,
    AppealDocument,
    BlacklistEntry,
    CreditAppeal,
    CreditEvent,
    CreditImport,
    CreditRecord,
    CreditRule,
    PartyKind,
)

# Organisation kinds that are credit parties, and the kind of record they get.
ORGANISATION_PARTY_KINDS = {
    Organisation.Kind.PURCHASER: PartyKind.PURCHASER,
    Organisation.Kind.AGENCY: PartyKind.AGENCY,
    Organisation.Kind.SUPPLIER: PartyKind.SUPPLIER,
}

_RECORD_JOINS = ("organisation", "person")


def today() -> datetime.date:
    return timezone.localdate()


# --- The rulebook numbers of credit -------------------------------------------------------------


def score_bands(*, on: datetime.date) -> scoring.Bands:
    return scoring.Bands(
        stars_5=rule_value("credit.stars_5_min_score", on=on),
        stars_4=rule_value("credit.stars_4_min_score", on=on),
        stars_3=rule_value("credit.stars_3_min_score", on=on),
        stars_2=rule_value("credit.stars_2_min_score", on=on),
    )


def base_score(*, on: datetime.date) -> Decimal:
    return rule_value("credit.base_score", on=on).quantize(scoring.CENT, ROUND_HALF_UP)


# --- Records ------------------------------------------------------------------------------------


def record_of(party) -> CreditRecord | None:
    """The credit record of an Organisation or an expert (User), or None if it has none yet."""
    qs = CreditRecord.objects.select_related(*_RECORD_JOINS)
    if isinstance(party, CreditRecord):
        return party
    if isinstance(party, Organisation):
        return qs.filter(organisation=party).first()
    if isinstance(party, User):
        return qs.filter(person=party).first()
    raise TypeError(f"not a credit party: {party!r}")


def own_record(user: User) -> CreditRecord | None:
    """The record the user's acting membership answers for: its organisation's, or an expert's own."""
    membership = acting_membership(user)
    if membership is None:
        return None
    if membership.role == Role.EXPERT:
        return record_of(user)
    if membership.organisation.kind not in ORGANISATION_PARTY_KINDS:
        return None
    return record_of(membership.organisation)


def public_records(query: str = "") -> QuerySet[CreditRecord]:
    """Every record, searchable by name (either language) or unified social credit code."""
    qs = CreditRecord.objects.select_related(*_RECORD_JOINS)
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(organisation__name_zh__icontains=query)
            | Q(organisation__name_en__icontains=query)
            | Q(organisation__uscc__iexact=query)
            | Q(person__first_name__icontains=query)
            | Q(person__name_en__icontains=query)
        )
    return qs.order_by("-score", "pk")


@dataclass(frozen=True)
class StarsBar:
    stars: int
    count: int
    share: float  # of the largest bar, 0..1, for drawing


def stars_distribution() -> list[StarsBar]:
    """How many parties have each number of stars (5 down to 1), in one query."""
    counts = dict(CreditRecord.objects.values_list("stars").annotate(n=Count("pk")).order_by())
    largest = max(counts.values(), default=0) or 1
    return [
        StarsBar(stars=n, count=counts.get(n, 0), share=counts.get(n, 0) / largest) for n in range(5, 0, -1)
    ]


def access_public_record(pk) -> CreditRecord:
    try:
        return CreditRecord.objects.select_related(*_RECORD_JOINS).get(pk=pk)
    except (CreditRecord.DoesNotExist, ValueError, TypeError):
        raise CreditRecordNotFound() from None


def supervised_records(user: User, query: str = "") -> QuerySet[CreditRecord]:
    """The records of the regulator's region (none for anyone else)."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.REGULATOR:
        return CreditRecord.objects.none()
    prefix = jurisdiction_prefix(membership.organisation.region_code)
    return public_records(query).filter(region_code__startswith=prefix)


def access_supervised_record(user: User, pk, *, lock: bool = False) -> CreditRecord:
    """A record the regulator supervises, or 404 (another region's looks like a missing one)."""
    qs = CreditRecord.objects.select_related(*_RECORD_JOINS)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        record = qs.get(pk=pk)
    except (CreditRecord.DoesNotExist, ValueError, TypeError):
        raise CreditRecordNotFound() from None
    if not policies.can_supervise_record(user, record):
        raise CreditRecordNotFound()
    return record


# --- Events -------------------------------------------------------------------------------------


def events_of(record: CreditRecord) -> QuerySet[CreditEvent]:
    """All events of a record with what the pages show of them (rule, evidence type, appeals)."""
    return (
        CreditEvent.objects.filter(record=record)
        .select_related("rule", "evidence_type", "recorded_by")
        .prefetch_related(
            Prefetch(
                "appeals",
                queryset=CreditAppeal.objects.select_related("decided_by").prefetch_related("documents"),
            ),
            Prefetch("blacklist_entry"),
        )
        .order_by("-occurred_on", "-pk")
    )


def published_penalties(record: CreditRecord) -> QuerySet[CreditEvent]:
    return events_of(record).filter(is_published=True)


def access_own_event(user: User, pk, *, lock: bool = False) -> CreditEvent:
    """An event of the user's own record, or 404."""
    record = own_record(user)
    if record is None:
        raise CreditEventNotFound()
    qs = CreditEvent.objects.select_related("rule", "record", "record__organisation", "record__person")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk, record=record)
    except (CreditEvent.DoesNotExist, ValueError, TypeError):
        raise CreditEventNotFound() from None


def access_event_document(user: User, pk) -> CreditEvent:
    """An event whose decision document the user may download: published, own or supervised."""
    try:
        event = CreditEvent.objects.select_related("record", "record__organisation", "record__person").get(
            pk=pk
        )
    except (CreditEvent.DoesNotExist, ValueError, TypeError):
        raise CreditEventNotFound() from None
    if not event.document or not policies.can_read_event_document(user, event):
        raise CreditEventNotFound()
    return event


def appeal_deadline_of(event: CreditEvent) -> datetime.date | None:
    """The last day to appeal: stored when recorded, else counted now (None if the working-day
    calendar does not yet cover the period; an administrator must declare the year)."""
    if event.appeal_deadline is not None:
        return event.appeal_deadline
    recorded_on = timezone.localdate(event.created_at)
    try:
        return add_working_days(recorded_on, rule_int("credit.appeal_working_days", on=recorded_on))
    except CalendarNotCovered:
        return None


@dataclass(frozen=True)
class EventLine:
    event: CreditEvent
    current_points: Decimal
    counts: bool
    can_appeal: bool


@dataclass(frozen=True)
class ScoreExplanation:
    """A score as the sum of its parts, for the party's own page."""

    day: datetime.date
    base: Decimal
    lines: list[EventLine]
    score: Decimal
    stars: int
    grade: str

    @property
    def counting_lines(self) -> list[EventLine]:
        return [line for line in self.lines if line.counts]


def as_scored(event: CreditEvent) -> scoring.ScoredEvent:
    return scoring.ScoredEvent(
        points=event.points,
        decay=event.decay,
        occurred_on=event.occurred_on,
        counts_until=event.counts_until,
        reversed=event.status == CreditEvent.Status.REVERSED,
    )


def explain_score(
    record: CreditRecord, events: list[CreditEvent], *, user: User | None = None
) -> ScoreExplanation:
    """The score of `record` today, line by line (events as loaded by events_of)."""
    day = today()
    base = base_score(on=day)
    lines = []
    for event in events:
        scored = as_scored(event)
        lines.append(
            EventLine(
                event=event,
                current_points=scoring.current_points(scored, day),
                counts=scoring.counts_on(scored, day),
                can_appeal=user is not None and policies.can_appeal_event(user, event, record, on=day),
            )
        )
    value = scoring.score(base, [as_scored(e) for e in events], day)
    stars = scoring.stars_for(value, score_bands(on=day))
    return ScoreExplanation(day=day, base=base, lines=lines, score=value, stars=stars, grade=GRADES[stars])


# --- Lists --------------------------------------------------------------------------------------


def active_bans(*, on: datetime.date | None = None) -> QuerySet[BlacklistEntry]:
    day = on or today()
    return BlacklistEntry.objects.filter(
        status=BlacklistEntry.Status.ACTIVE, starts_on__lte=day, ends_on__gte=day
    )


def public_blacklist(query: str = "") -> QuerySet[BlacklistEntry]:
    qs = active_bans().select_related("record__organisation", "record__person", "event__rule")
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(record__organisation__name_zh__icontains=query)
            | Q(record__organisation__name_en__icontains=query)
            | Q(record__organisation__uscc__iexact=query)
            | Q(record__person__first_name__icontains=query)
            | Q(record__person__name_en__icontains=query)
        )
    return qs.order_by("-starts_on", "-pk")


def bans_of(record: CreditRecord) -> QuerySet[BlacklistEntry]:
    """The record's bans, with what the pages and the API show of them (the API nests the record)."""
    return (
        BlacklistEntry.objects.filter(record=record)
        .select_related("event__rule", *(f"record__{join}" for join in _RECORD_JOINS))
        .order_by("-starts_on", "-pk")
    )


def bans_in_force(bans, *, on: datetime.date | None = None) -> list[BlacklistEntry]:
    """Of bans already loaded, those that ban on the day: what active_bans() selects."""
    day = on or today()
    return [
        ban
        for ban in bans
        if ban.status == BlacklistEntry.Status.ACTIVE and ban.starts_on <= day <= ban.ends_on
    ]


def red_list(query: str = "") -> QuerySet[CreditRecord]:
    return public_records(query).filter(is_red_listed=True)


def rule_catalogue() -> QuerySet[CreditRule]:
    return CreditRule.objects.filter(is_active=True).order_by("party_kind", "points", "code")


def penalty_rules() -> QuerySet[CreditRule]:
    """Rules a regulator may record a penalty under: bad conduct, in use."""
    return rule_catalogue().filter(points__lt=0)


# --- Appeals and imports (regulator) ------------------------------------------------------------


def supervised_appeals(user: User) -> QuerySet[CreditAppeal]:
    records = supervised_records(user)
    return (
        CreditAppeal.objects.filter(event__record__in=records)
        .select_related("event__rule", "event__record__organisation", "event__record__person", "appellant")
        .prefetch_related("documents")
        .order_by("status", "created_at")
    )


def access_supervised_appeal(user: User, pk, *, lock: bool = False) -> CreditAppeal:
    qs = CreditAppeal.objects.select_related(
        "event__rule", "event__record__organisation", "event__record__person", "appellant"
    ).prefetch_related("documents")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        appeal = qs.get(pk=pk)
    except (CreditAppeal.DoesNotExist, ValueError, TypeError):
        raise CreditAppealNotFound() from None
    if not policies.can_supervise_record(user, appeal.event.record):
        raise CreditAppealNotFound()
    return appeal


def access_appeal_document(user: User, pk) -> AppealDocument:
    try:
        document = AppealDocument.objects.select_related(
            "appeal__event__record__organisation", "appeal__event__record__person"
        ).get(pk=pk)
    except (AppealDocument.DoesNotExist, ValueError, TypeError):
        raise CreditAppealNotFound() from None
    record = document.appeal.event.record
    if not (policies.can_supervise_record(user, record) or policies.is_own_record(user, record)):
        raise CreditAppealNotFound()
    return document


def imports_for(user: User) -> QuerySet[CreditImport]:
    """Imports a regulator may read: the folder's (all regions) and those of its region."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.REGULATOR:
        return CreditImport.objects.none()
    return CreditImport.objects.filter(
        Q(region_code="") | Q(region_code=membership.organisation.region_code)
    ).select_related("imported_by")


def access_import(user: User, pk) -> CreditImport:
    try:
        return imports_for(user).get(pk=pk)
    except (CreditImport.DoesNotExist, ValueError, TypeError):
        raise CreditImportNotFound() from None


def import_rows(batch: CreditImport):
    return batch.rows.select_related("event").order_by("line")
