"""Every write of the credit app: events, penalties, imports, appeals, bans and scores.

Other apps record conduct with one call and never touch the models:

    from credit.services import record_event
    record_event(supplier_organisation, "supplier.refused_to_sign", evidence=contract, actor=None)

The subject is an Organisation (purchaser, agency, supplier) or an expert (User); the evidence is
any saved model instance, kept as a generic reference. Each call is one transaction: the event,
its ban if the rule bans, the audit event, and after commit the recomputation of the score.
"""

import csv
import datetime
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, Role, User, validate_uscc
from accounts.policies import acting_membership, jurisdiction_prefix, region_covers
from accounts.services import notify
from audit import services as audit
from audit.diff import changes, snapshot
from common.i18n import in_both_languages
from common.uploads import DOCUMENT_TYPES, FEED_TYPES, check_upload
from rulebook.exceptions import CalendarNotCovered
from rulebook.selectors import add_working_days, rule_int

from . import policies, scoring, selectors
from .exceptions import (
    AppealAlreadyDecided,
    AppealNotAllowed,
    AppealPeriodOver,
    CreditRuleNotFound,
    DateInFuture,
    DocumentRequired,
    FeedAlreadyImported,
    InvalidBan,
    InvalidFeed,
    NotACreditParty,
    NotRegulator,
    ReasonsRequired,
    RuleDoesNotApply,
)
from .models import (
    AppealDocument,
    BlacklistEntry,
    CreditAppeal,
    CreditEvent,
    CreditImport,
    CreditImportRow,
    CreditRecord,
    CreditRule,
    PartyKind,
)

logger = logging.getLogger(__name__)


# --- Records ------------------------------------------------------------------------------------


def _expert_region(user: User) -> str:
    """The region of the expert pool the person serves in; only experts have personal records."""
    membership = (
        user.memberships.filter(role=Role.EXPERT, is_active=True).select_related("organisation").first()
    )
    if membership is None:
        raise NotACreditParty()
    return membership.organisation.region_code


def ensure_credit_record(party) -> CreditRecord:
    """The party's record, created (score = base) the first time it is needed."""
    if isinstance(party, CreditRecord):
        return party
    if isinstance(party, Organisation):
        kind = selectors.ORGANISATION_PARTY_KINDS.get(party.kind)
        if kind is None:
            raise NotACreditParty()
        lookup, defaults = {"organisation": party}, {"kind": kind, "region_code": party.region_code}
    elif isinstance(party, User):
        lookup, defaults = {"person": party}, {"kind": PartyKind.EXPERT, "region_code": _expert_region(party)}
    else:
        raise NotACreditParty()
    day = selectors.today()
    base = selectors.base_score(on=day)
    defaults |= {"score": base, "stars": scoring.stars_for(base, selectors.score_bands(on=day))}
    try:
        with transaction.atomic():
            record, _created = CreditRecord.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:  # created meanwhile by a concurrent transaction
        record = CreditRecord.objects.get(**lookup)
    return record


def _rule(rule) -> CreditRule:
    if isinstance(rule, CreditRule):
        if not rule.is_active:
            raise CreditRuleNotFound()
        return rule
    found = CreditRule.objects.filter(code=rule, is_active=True).first()
    if found is None:
        raise CreditRuleNotFound()
    return found


def _check_rule_applies(rule: CreditRule, record: CreditRecord) -> None:
    # A purchaser's own procurement office acts as agency: agency rules apply to it too.
    if rule.party_kind == record.kind or (
        rule.party_kind == PartyKind.AGENCY and record.kind == PartyKind.PURCHASER
    ):
        return
    raise RuleDoesNotApply(
        format_lazy(
            _("The rule “{rule}” applies to {kind}, not to {party}."),
            rule=rule.lazy_name,
            kind=PartyKind(rule.party_kind).label,
            party=PartyKind(record.kind).label,
        )
    )


def _recipients(record: CreditRecord) -> list[User]:
    if record.kind == PartyKind.EXPERT:
        return [record.person]
    return list(
        User.objects.filter(
            memberships__organisation_id=record.organisation_id,
            memberships__is_active=True,
            is_active=True,
        ).distinct()
    )


def _schedule_recompute(record_ids: list[int]) -> None:
    from .tasks import recompute_records

    ids = sorted(set(record_ids))
    transaction.on_commit(lambda: recompute_records.delay(ids))


@dataclass(frozen=True)
class _Extras:
    source: str = CreditEvent.Source.SYSTEM
    occurred_on: datetime.date | None = None
    description: str = ""
    document: ContentFile | UploadedFile | None = None
    document_sha256: str = ""
    published: bool = False
    external_source: str = ""
    external_reference: str = ""
    ban_ends_on: datetime.date | None = None
    ban_years: int | None = None


def _create_event(record: CreditRecord, rule: CreditRule, *, evidence, actor, extras: _Extras) -> CreditEvent:
    """Insert the event (and its ban); the caller holds the transaction and appends the audit."""
    today = selectors.today()
    occurred_on = extras.occurred_on or today
    if occurred_on > today:
        raise DateInFuture()
    try:
        appeal_deadline = (
            add_working_days(today, rule_int("credit.appeal_working_days", on=today))
            if rule.points < 0
            else None
        )
    except CalendarNotCovered:
        appeal_deadline = None  # counted when asked (selectors.appeal_deadline_of)
    event = CreditEvent(
        record=record,
        rule=rule,
        source=extras.source,
        points=rule.points,
        decay=rule.decay,
        occurred_on=occurred_on,
        counts_until=scoring.counts_until(occurred_on, rule.counts_for_days),
        description=extras.description,
        is_published=extras.published,
        external_source=extras.external_source,
        external_reference=extras.external_reference,
        appeal_deadline=appeal_deadline,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        document_sha256=extras.document_sha256,
    )
    if evidence is not None:
        if evidence.pk is None:
            raise ValueError("credit evidence must be a saved object")
        event.evidence_type = ContentType.objects.get_for_model(evidence, for_concrete_model=True)
        event.evidence_id = str(evidence.pk)
        event.evidence_label = str(evidence)[:300]
    if extras.document is not None:
        event.document.save(extras.document.name, extras.document, save=False)
    event.save()
    ban_years = extras.ban_years if extras.ban_years is not None else rule.ban_years
    if rule.bans and (ban_years or extras.ban_ends_on):
        ends_on = extras.ban_ends_on or scoring.ban_ends_on(occurred_on, ban_years)
        if ends_on >= today:
            BlacklistEntry.objects.create(
                record=record,
                event=event,
                starts_on=occurred_on,
                ends_on=ends_on,
                legal_basis_zh=rule.legal_basis_zh,
                legal_basis_en=rule.legal_basis_en,
            )
    return event


def _notify_event(record: CreditRecord, event: CreditEvent) -> None:
    if event.points >= 0:
        return
    notify(
        _recipients(record),
        subject=format_lazy(_("A credit event was recorded: {rule}"), rule=event.rule.lazy_name),
        body=format_lazy(
            _("{points} points from {day}. See it with its evidence, and appeal it, on your credit record."),
            points=f"{event.points:+}",
            day=event.occurred_on.isoformat(),
        ),
        link="/credit/mine/",
    )


def _audit_event(event: CreditEvent, record: CreditRecord, *, actor) -> None:
    ban = getattr(event, "blacklist_entry", None)  # RelatedObjectDoesNotExist is an AttributeError
    audit.record_event(
        "credit.event_recorded",
        actor=actor,
        organisation=record.organisation,
        target=event,
        data={
            "record": record.pk,
            "rule": event.rule.code,
            "points": event.points,
            "source": event.source,
            "occurred_on": event.occurred_on,
            "evidence": f"{event.evidence_type.app_label}.{event.evidence_type.model}:{event.evidence_id}"
            if event.evidence_type_id
            else "",
            "external_reference": event.external_reference,
            "document_sha256": event.document_sha256,
            "ban_until": ban.ends_on if ban else None,
        },
    )


@transaction.atomic
def record_event(
    subject,
    rule,
    *,
    evidence=None,
    actor=None,
    occurred_on: datetime.date | None = None,
    description: str = "",
) -> CreditEvent:
    """Record conduct of a party (Organisation or expert User) under a catalogue rule (code or row).

    evidence: a saved model instance the event rests on (a contract, a challenge decision...).
    actor: the user who caused it, or None for the platform (a deadline sweep).
    """
    rule = _rule(rule)
    record = ensure_credit_record(subject)
    _check_rule_applies(rule, record)
    event = _create_event(
        record,
        rule,
        evidence=evidence,
        actor=actor,
        extras=_Extras(occurred_on=occurred_on, description=description),
    )
    _notify_event(record, event)
    _schedule_recompute([record.pk])
    _audit_event(event, record, actor=actor)
    return event


# --- Supervision: penalty decisions -------------------------------------------------------------


@transaction.atomic
def record_penalty(
    record_id: int,
    *,
    actor: User,
    rule_code: str,
    occurred_on: datetime.date,
    description: str,
    document: UploadedFile | None,
    ban_years: int | None = None,
) -> CreditEvent:
    """A regulator's penalty decision (行政处罚决定) against a party of its region, with the decision
    document; published. A banning rule bans for `ban_years` (1..rulebook credit.ban_max_years;
    default the rule's)."""
    if not policies.is_regulator(actor):
        raise NotRegulator()
    record = selectors.access_supervised_record(actor, record_id, lock=True)
    rule = _rule(rule_code)
    _check_rule_applies(rule, record)
    if rule.points >= 0:
        raise RuleDoesNotApply(_("A penalty is recorded under a rule of bad conduct."))
    if not description.strip():
        raise ReasonsRequired(_("Describe the conduct and the decision."))
    if document is None:
        raise DocumentRequired()
    sha256 = check_upload(document, types=DOCUMENT_TYPES)
    if rule.bans:
        max_years = rule_int("credit.ban_max_years", on=occurred_on)
        years = rule.ban_years if ban_years is None else ban_years
        if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= max_years:
            raise InvalidBan()
    elif ban_years:
        raise InvalidBan(_("This rule does not lead to a ban."))
    event = _create_event(
        record,
        rule,
        evidence=None,
        actor=actor,
        extras=_Extras(
            source=CreditEvent.Source.SUPERVISION,
            occurred_on=occurred_on,
            description=description.strip(),
            document=document,
            document_sha256=sha256,
            published=True,
            ban_years=ban_years,
        ),
    )
    _notify_event(record, event)
    _schedule_recompute([record.pk])
    _audit_event(event, record, actor=actor)
    return event


# --- External imports (joint reward and punishment) ---------------------------------------------

FEED_COLUMNS = ("uscc", "name", "rule", "reference", "decided_on", "ends_on", "authority", "description")
REQUIRED_COLUMNS = ("uscc", "rule", "reference", "decided_on")


def _csv_row(columns: list[str], values: list[str]) -> dict:
    """A CSV row as a dict of strings. Values beyond the header's columns (e.g. after an unquoted
    comma in a name) are kept under the key None, so that the row is rejected rather than read
    with its columns shifted; empty ones (a trailing comma) are ignored."""
    row = {column: value.strip() for column, value in zip(columns, values, strict=False)}
    extra = [value.strip() for value in values[len(columns) :] if value.strip()]
    if extra:
        row[None] = ", ".join(extra)
    return row


def parse_feed(content: bytes, format: str) -> list[tuple[int, dict]]:
    """The rows of a feed as (line, dict of strings): a CSV with a header row (the line in the file
    where the row starts, blank lines skipped), or a JSON list of objects (the record's number)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidFeed(_("The feed is not UTF-8 text.")) from None
    if format == CreditImport.Format.JSON:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidFeed(
                format_lazy(
                    _("The JSON cannot be read (line {line}: {msg})."), line=error.lineno, msg=error.msg
                )
            ) from None
        if isinstance(data, dict) and isinstance(data.get("records"), list):
            data = data["records"]
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise InvalidFeed()
        rows = [{k: "" if v is None else str(v).strip() for k, v in item.items()} for item in data]
        if not rows:
            raise InvalidFeed(_("The feed has no records."))
        # A JSON feed has no header: its columns are the fields its records have.
        columns = {key for row in rows for key in row}
        rows = list(enumerate(rows, start=1))
    else:
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header is None:
            raise InvalidFeed()
        header = [column.strip() for column in header]
        rows = []
        starts_on_line = reader.line_num + 1
        for values in reader:
            if values:  # [] is a blank line
                rows.append((starts_on_line, _csv_row(header, values)))
            starts_on_line = reader.line_num + 1  # a quoted value may span lines
        columns = set(header)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InvalidFeed(
            format_lazy(_("The feed lacks the column(s): {columns}."), columns=", ".join(missing))
        )
    if not rows:
        raise InvalidFeed(_("The feed has no records."))
    return rows


def _both_languages(message) -> tuple[str, str]:
    """A lazy message (or a ValidationError carrying one) rendered in Chinese and in English."""
    if isinstance(message, ValidationError):
        error = message.error_list[0]

        def render() -> str:
            return str(error.message) % error.params if error.params else str(error.message)
    else:

        def render() -> str:
            return str(message)

    return in_both_languages(render)


def _parse_date(value: str, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            format_lazy(
                _("“{value}” in column {column} is not a date (YYYY-MM-DD)."), value=value, column=column
            )
        ) from None


def _import_row(batch: CreditImport, line: int, row: dict, *, actor, jurisdiction: str) -> CreditImportRow:
    """Decide one row's outcome; record its event if it is valid, matched and new."""
    report = CreditImportRow(
        batch=batch,
        line=line,
        uscc=row.get("uscc", "")[:64],
        party_name=row.get("name", "")[:200],
        rule_code=row.get("rule", "")[:80],
        reference=row.get("reference", "")[:200],
    )

    def outcome(kind, message):
        report.outcome = kind
        report.message_zh, report.message_en = _both_languages(message)
        return report

    if row.get(None):
        return outcome(
            CreditImportRow.Outcome.REJECTED,
            _("The line has more values than the header has columns (a value with a comma must be quoted)."),
        )
    missing = [c for c in REQUIRED_COLUMNS if not row.get(c)]
    if missing:
        return outcome(
            CreditImportRow.Outcome.REJECTED,
            format_lazy(_("Missing value(s): {columns}."), columns=", ".join(missing)),
        )
    try:
        validate_uscc(report.uscc)
        decided_on = _parse_date(row["decided_on"], "decided_on")
        ends_on = _parse_date(row["ends_on"], "ends_on") if row.get("ends_on") else None
    except ValidationError as error:
        return outcome(CreditImportRow.Outcome.REJECTED, error)
    if decided_on > selectors.today():
        return outcome(
            CreditImportRow.Outcome.REJECTED,
            format_lazy(_("The decision date {day} lies in the future."), day=decided_on.isoformat()),
        )
    if ends_on is not None and ends_on < decided_on:
        return outcome(CreditImportRow.Outcome.REJECTED, _("The listing ends before it was decided."))
    rule = CreditRule.objects.filter(code=report.rule_code, is_active=True).first()
    if rule is None:
        return outcome(
            CreditImportRow.Outcome.REJECTED,
            format_lazy(_("“{code}” is not a credit rule in use."), code=report.rule_code),
        )
    if CreditEvent.objects.filter(
        external_source=batch.source_name, external_reference=report.reference
    ).exists():
        return outcome(
            CreditImportRow.Outcome.DUPLICATE, _("This record was imported before; nothing changed.")
        )
    organisation = Organisation.objects.filter(uscc=report.uscc).first()
    if organisation is None:
        return outcome(
            CreditImportRow.Outcome.UNMATCHED,
            _("No party on the platform has this unified social credit code."),
        )
    if jurisdiction and not organisation.region_code.startswith(jurisdiction):
        return outcome(CreditImportRow.Outcome.UNMATCHED, _("The party lies outside your region."))
    try:
        record = ensure_credit_record(organisation)
        _check_rule_applies(rule, record)
    except (NotACreditParty, RuleDoesNotApply) as error:
        return outcome(CreditImportRow.Outcome.UNMATCHED, error.message)
    authority = row.get("authority", "")
    description = " — ".join(part for part in (authority, row.get("description", "")) if part)
    event = _create_event(
        record,
        rule,
        evidence=batch,
        actor=actor,
        extras=_Extras(
            source=CreditEvent.Source.EXTERNAL,
            occurred_on=decided_on,
            description=description,
            external_source=batch.source_name,
            external_reference=report.reference,
            ban_ends_on=ends_on if rule.bans else None,
        ),
    )
    report.event = event
    _audit_event(event, record, actor=actor)
    return outcome(CreditImportRow.Outcome.RECORDED, _("Recorded."))


@transaction.atomic
def import_feed(
    upload: UploadedFile,
    *,
    actor: User | None,
    source_name: str,
    origin: str = CreditImport.Origin.UPLOAD,
) -> CreditImport:
    """Import a feed of other credit platforms' records, row by row, with a report.

    The whole feed is one transaction: a failure leaves nothing behind. Each row is recorded,
    reported as already imported (same source and reference), unmatched (no party with the code,
    outside the uploading regulator's region, or a kind the rule does not apply to) or rejected
    (malformed code or date, future date, unknown rule, missing value). The same file imported
    again is refused (FeedAlreadyImported) and changes nothing.
    """
    jurisdiction = ""
    region_code = ""
    if actor is not None:
        if not policies.can_import_feed(actor):
            raise NotRegulator()
        region_code = acting_membership(actor).organisation.region_code
        jurisdiction = jurisdiction_prefix(region_code)
    source_name = source_name.strip()
    if not source_name:
        raise ReasonsRequired(_("Name the source of the feed (e.g. Credit China)."))
    sha256 = check_upload(upload, types=FEED_TYPES)
    with connection.cursor() as cursor:  # the same file imported twice at once: the second waits
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"credit-feed:{sha256}"])
    previous = CreditImport.objects.filter(sha256=sha256).first()
    if previous is not None:
        raise FeedAlreadyImported(
            format_lazy(
                _(
                    "This feed was already imported on {day} (import {number}); "
                    "importing it again changes nothing."
                ),
                day=timezone.localdate(previous.created_at).isoformat(),
                number=previous.pk,
            )
        )
    name = upload.name or "feed"
    format = CreditImport.Format.JSON if name.lower().endswith(".json") else CreditImport.Format.CSV
    content = upload.read()
    upload.seek(0)
    rows = parse_feed(content, format)
    batch = CreditImport(
        origin=origin,
        source_name=source_name[:100],
        file_name=Path(name).name[:200],
        format=format,
        sha256=sha256,
        region_code=region_code,
        imported_by=actor,
    )
    batch.file.save(Path(name).name, ContentFile(content), save=False)
    batch.save()
    reports = []
    seen = set()
    for line, row in rows:
        key = row.get("reference", "")
        if key and key in seen:
            report = CreditImportRow(
                batch=batch, line=line, uscc=row.get("uscc", "")[:64], reference=key[:200]
            )
            report.outcome = CreditImportRow.Outcome.DUPLICATE
            report.message_zh, report.message_en = _both_languages(
                _("The same reference appears earlier in this feed.")
            )
            reports.append(report)
            continue
        seen.add(key)
        reports.append(_import_row(batch, line, row, actor=actor, jurisdiction=jurisdiction))
    CreditImportRow.objects.bulk_create(reports)
    counts = {outcome: 0 for outcome in CreditImportRow.Outcome.values}
    for report in reports:
        counts[report.outcome] += 1
    batch.recorded_count = counts["recorded"]
    batch.duplicate_count = counts["duplicate"]
    batch.unmatched_count = counts["unmatched"]
    batch.rejected_count = counts["rejected"]
    batch.save(update_fields=["recorded_count", "duplicate_count", "unmatched_count", "rejected_count"])
    recorded = [report.event for report in reports if report.event is not None]
    for event in recorded:
        _notify_event(event.record, event)
    _schedule_recompute([event.record_id for event in recorded])
    audit.record_event(
        "credit.feed_imported",
        actor=actor,
        organisation=acting_membership(actor).organisation if actor is not None else None,
        target=batch,
        data={"source": batch.source_name, "sha256": sha256, "rows": len(reports)} | counts,
    )
    return batch


def import_feed_folder(folder: Path | None = None) -> list[CreditImport]:
    """Import every *.csv / *.json file of CREDIT_IMPORT_DIR not imported before (by SHA-256).

    The source's name is the file's folder name below CREDIT_IMPORT_DIR, or "folder" for files at
    its top. A file that fails is logged and left for the next run; the others go on.
    """
    root = Path(folder or settings.CREDIT_IMPORT_DIR)
    if not root.is_dir():
        return []
    known = set(CreditImport.objects.values_list("sha256", flat=True))
    done = []
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in FEED_TYPES and p.is_file()):
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() in known:
            continue
        source = path.parent.name if path.parent != root else "folder"
        upload = ContentFile(content, name=path.name)
        try:
            done.append(
                import_feed(upload, actor=None, source_name=source, origin=CreditImport.Origin.FOLDER)
            )
        except (InvalidFeed, FeedAlreadyImported) as error:
            logger.warning("credit feed %s not imported: %s", path.name, error.code)
        except Exception:
            logger.exception("credit feed %s failed", path.name)
    return done


# --- Appeals ------------------------------------------------------------------------------------


@transaction.atomic
def appeal_event(
    event_id: int, *, actor: User, reasons: str, documents: list[UploadedFile] = ()
) -> CreditAppeal:
    """The party objects to an event of its own record within the appeal period."""
    event = selectors.access_own_event(actor, event_id, lock=True)
    if not reasons.strip():
        raise ReasonsRequired(_("Give the reasons for your appeal."))
    if event.points >= 0 or event.status != CreditEvent.Status.IN_FORCE or event.appeals.exists():
        raise AppealNotAllowed()
    deadline = selectors.appeal_deadline_of(event)
    if deadline is None:
        raise CalendarNotCovered(selectors.today())
    if selectors.today() > deadline:
        raise AppealPeriodOver(
            format_lazy(_("The time to appeal this event ended on {day}."), day=deadline.isoformat())
        )
    checked = [(upload, check_upload(upload, types=DOCUMENT_TYPES)) for upload in documents]
    appeal = CreditAppeal.objects.create(event=event, appellant=actor, reasons=reasons.strip())
    for upload, sha256 in checked:
        document = AppealDocument(appeal=appeal, name=Path(upload.name).name[:200], sha256=sha256)
        document.file.save(upload.name, upload, save=False)
        document.save()
    event.status = CreditEvent.Status.APPEALED
    event.save(update_fields=["status", "updated_at"])
    record = event.record
    notify(
        _regulators_of(record),
        subject=format_lazy(_("Credit appeal to decide: {party}"), party=record.lazy_name),
        link=f"/credit/supervision/appeals/{appeal.pk}/",
    )
    audit.record_event(
        "credit.event_appealed",
        actor=actor,
        organisation=record.organisation,
        target=appeal,
        data={"event": event.pk, "documents": [sha for _u, sha in checked]},
    )
    return appeal


def _regulators_of(record: CreditRecord) -> list[User]:
    """The regulators whose region covers the party's."""
    memberships = Membership.objects.filter(
        role=Role.REGULATOR, is_active=True, user__is_active=True, organisation__is_active=True
    ).select_related("user", "organisation")
    return list(
        {
            m.user_id: m.user
            for m in memberships
            if region_covers(m.organisation.region_code, record.region_code)
        }.values()
    )


@transaction.atomic
def decide_appeal(appeal_id: int, *, actor: User, reverse: bool, reasons: str) -> CreditAppeal:
    """A regulator upholds the event (it counts on) or reverses it: it stops counting, its ban is
    lifted, and the history stays. A published event's decision is published with it."""
    if not policies.is_regulator(actor):
        raise NotRegulator()
    appeal = selectors.access_supervised_appeal(actor, appeal_id, lock=True)
    if appeal.status != CreditAppeal.Status.PENDING:
        raise AppealAlreadyDecided()
    if not reasons.strip():
        raise ReasonsRequired(_("Give the reasons for the decision."))
    event = CreditEvent.objects.select_for_update().get(pk=appeal.event_id)
    now = timezone.now()
    appeal.status = CreditAppeal.Status.REVERSED if reverse else CreditAppeal.Status.UPHELD
    appeal.decided_by = actor
    appeal.decided_at = now
    appeal.decision_reasons = reasons.strip()
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_reasons", "updated_at"])
    event.status = CreditEvent.Status.REVERSED if reverse else CreditEvent.Status.IN_FORCE
    event.save(update_fields=["status", "updated_at"])
    lifted = None
    if reverse:
        lifted = (
            BlacklistEntry.objects.select_for_update()
            .filter(event=event, status=BlacklistEntry.Status.ACTIVE)
            .first()
        )
        if lifted is not None:
            lifted.status = BlacklistEntry.Status.LIFTED
            lifted.ended_at = now
            lifted.save(update_fields=["status", "ended_at", "updated_at"])
    record = appeal.event.record
    notify(
        [appeal.appellant],
        subject=format_lazy(
            _("Your credit appeal was decided: {outcome}"), outcome=CreditAppeal.Status(appeal.status).label
        ),
        body=appeal.decision_reasons,
        link="/credit/mine/",
    )
    _schedule_recompute([record.pk])
    audit.record_event(
        "credit.appeal_decided",
        actor=actor,
        organisation=record.organisation,
        target=appeal,
        data={
            "event": event.pk,
            "outcome": appeal.status,
            "published": event.is_published,
            "ban_lifted": lifted.pk if lifted else None,
        },
    )
    return appeal


# --- Bans and scores (jobs) ---------------------------------------------------------------------


@transaction.atomic
def expire_blacklist_entries(*, on: datetime.date | None = None) -> int:
    """End every active ban whose last day is before `on` (default today); each expiry audited."""
    day = on or selectors.today()
    entries = list(
        BlacklistEntry.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=BlacklistEntry.Status.ACTIVE, ends_on__lt=day)
        .select_related("record__organisation")
        .order_by("pk")
    )
    if not entries:
        return 0
    now = timezone.now()
    for entry in entries:
        entry.status = BlacklistEntry.Status.EXPIRED
        entry.ended_at = now
        entry.updated_at = now  # bulk_update does not run auto_now
    BlacklistEntry.objects.bulk_update(entries, ["status", "ended_at", "updated_at"])
    _schedule_recompute([entry.record_id for entry in entries])
    for entry in entries:
        audit.record_event(
            "credit.ban_expired",
            actor=None,
            organisation=entry.record.organisation,
            target=entry,
            data={"record": entry.record_id, "ends_on": entry.ends_on, "expired_on": day},
        )
    return len(entries)


# One statement for all records (or some): the maths of credit.scoring in SQL. Only rows whose
# score, stars or red-list membership change are written.
RECOMPUTE_SQL = """
WITH totals AS (
    SELECT e.record_id,
           SUM(CASE WHEN e.decay = 'none' THEN e.points
                    ELSE ROUND(e.points * (e.counts_until - %(day)s::date)
                               / (e.counts_until - e.occurred_on), 2) END) AS points,
           BOOL_OR(e.points < 0 AND e.occurred_on > %(window_start)s::date) AS recent_negative
      FROM credit_creditevent e
     WHERE e.status <> 'reversed' AND e.occurred_on <= %(day)s::date AND e.counts_until > %(day)s::date
       {event_filter}
     GROUP BY e.record_id
), banned AS (
    SELECT DISTINCT b.record_id
      FROM credit_blacklistentry b
     WHERE b.status = 'active' AND b.starts_on <= %(day)s::date AND b.ends_on >= %(day)s::date
       {ban_filter}
), scored AS (
    SELECT r.id,
           ROUND(%(base)s::numeric + COALESCE(t.points, 0), 2) AS score,
           COALESCE(t.recent_negative, FALSE) AS recent_negative,
           (b.record_id IS NOT NULL) AS banned
      FROM credit_creditrecord r
      LEFT JOIN totals t ON t.record_id = r.id
      LEFT JOIN banned b ON b.record_id = r.id
     WHERE TRUE {record_filter}
), starred AS (
    SELECT id, score, recent_negative, banned,
           CASE WHEN score >= %(s5)s THEN 5 WHEN score >= %(s4)s THEN 4
                WHEN score >= %(s3)s THEN 3 WHEN score >= %(s2)s THEN 2 ELSE 1 END AS stars
      FROM scored
)
UPDATE credit_creditrecord r
   SET score = s.score, stars = s.stars,
       is_red_listed = (s.stars = 5 AND NOT s.recent_negative AND NOT s.banned),
       scored_at = %(now)s, updated_at = %(now)s
  FROM starred s
 WHERE r.id = s.id
   AND (r.score, r.stars, r.is_red_listed)
       IS DISTINCT FROM (s.score, s.stars, (s.stars = 5 AND NOT s.recent_negative AND NOT s.banned))
"""


def _recompute(record_ids: list[int] | None, day: datetime.date) -> int:
    bands = selectors.score_bands(on=day)
    params = {
        "day": day,
        "window_start": day - datetime.timedelta(days=rule_int("credit.red_list_window_days", on=day)),
        "base": selectors.base_score(on=day),
        "s5": bands.stars_5,
        "s4": bands.stars_4,
        "s3": bands.stars_3,
        "s2": bands.stars_2,
        "now": timezone.now(),
        "ids": list(record_ids or []),
    }
    if record_ids is None:
        sql = RECOMPUTE_SQL.format(event_filter="", ban_filter="", record_filter="")
    else:
        sql = RECOMPUTE_SQL.format(
            event_filter="AND e.record_id = ANY(%(ids)s)",
            ban_filter="AND b.record_id = ANY(%(ids)s)",
            record_filter="AND r.id = ANY(%(ids)s)",
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@transaction.atomic
def recompute_records(record_ids: list[int], *, on: datetime.date | None = None) -> int:
    """Recompute the given records' scores, stars and red-list membership (after an event)."""
    if not record_ids:
        return 0
    return _recompute(sorted(set(record_ids)), on or selectors.today())


@transaction.atomic
def recompute_scores(*, on: datetime.date | None = None) -> int:
    """The nightly set-based recomputation of every record (decay moves scores daily); audited
    once with the number of records whose score, stars or list membership changed."""
    day = on or selectors.today()
    changed = _recompute(None, day)
    audit.record_event("credit.scores_recomputed", actor=None, data={"day": day, "changed": changed})
    return changed


# --- The rule catalogue (admin) -----------------------------------------------------------------

CREDIT_RULE_FIELDS = (
    "code",
    "party_kind",
    "name_zh",
    "name_en",
    "points",
    "counts_for_days",
    "decay",
    "severity",
    "ban_years",
    "legal_basis_zh",
    "legal_basis_en",
    "is_active",
)


@transaction.atomic
def save_credit_rule(rule: CreditRule, *, actor) -> CreditRule:
    """Add or change a catalogue rule; audited with the changes. Events already recorded keep the
    points, decay and period they were recorded with, so an edit never rewrites a record."""
    stored = CreditRule.objects.select_for_update().filter(pk=rule.pk).first() if rule.pk else None
    rule.full_clean()
    after = snapshot(rule, CREDIT_RULE_FIELDS)
    changed = changes(snapshot(stored, CREDIT_RULE_FIELDS), after) if stored else after
    if stored is not None and not changed:
        return rule
    rule.save()
    audit.record_event(
        "credit.rule_saved", actor=actor, target=rule, data={"added": stored is None, "changes": changed}
    )
    return rule
