"""import_feed / import_feed_folder: feeds of other credit platforms, row by row with a report."""

import datetime
import hashlib
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import Notification, Organisation, Role
from audit.models import AuditEvent
from common.uploads import UploadRejected
from credit import scoring, selectors, services
from credit.exceptions import FeedAlreadyImported, InvalidFeed, NotRegulator, ReasonsRequired
from credit.models import BlacklistEntry, CreditEvent, CreditImport, CreditImportRow, CreditRecord
from tests.accounts.factories import OrganisationFactory, make_uscc

from .factories import csv_feed, json_feed

SOURCE = "Credit China"
UNKNOWN_USCC = make_uscc(987_654)
Outcome = CreditImportRow.Outcome


def _days_ago(n: int) -> str:
    return (selectors.today() - datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def row(supplier):
    """row(**changes): a valid feed row about `supplier` (a dishonest judgment debtor, one-year ban)."""

    def make(**changes) -> dict:
        return {
            "uscc": supplier.uscc,
            "name": supplier.name_zh,
            "rule": "external.dishonest_judgment_debtor",
            "reference": "(2026)浙04执123号",
            "decided_on": _days_ago(10),
            "ends_on": "",
            "authority": "嘉兴市中级人民法院",
            "description": "Did not pay a judgment debt.",
        } | changes

    return make


def _import(feed, actor, source=SOURCE) -> CreditImport:
    return services.import_feed(feed, actor=actor, source_name=source)


def _only_row(batch: CreditImport) -> CreditImportRow:
    (report,) = batch.rows.all()
    return report


def _state() -> tuple[int, int, int, int, int]:
    return (
        CreditImport.objects.count(),
        CreditImportRow.objects.count(),
        CreditEvent.objects.count(),
        BlacklistEntry.objects.count(),
        AuditEvent.objects.count(),
    )


# --- Recorded ---------------------------------------------------------------------------------------


def test_a_valid_row_is_recorded_as_an_external_event(regulator, supplier, row):
    batch = _import(csv_feed([row()]), regulator)
    report = _only_row(batch)
    assert report.outcome == Outcome.RECORDED
    event = report.event
    assert event.record == CreditRecord.objects.get(organisation=supplier)
    assert event.rule.code == "external.dishonest_judgment_debtor"
    assert event.source == CreditEvent.Source.EXTERNAL
    assert (event.external_source, event.external_reference) == (SOURCE, "(2026)浙04执123号")
    assert event.occurred_on.isoformat() == _days_ago(10)
    assert event.description == "嘉兴市中级人民法院 — Did not pay a judgment debt."


def test_the_feed_is_the_evidence_of_its_events(regulator, row):
    batch = _import(csv_feed([row()]), regulator)
    event = _only_row(batch).event
    assert event.evidence_type == ContentType.objects.get_for_model(CreditImport)
    assert event.evidence_id == str(batch.pk)


def test_a_recorded_row_of_a_banning_rule_bans_for_the_rules_years(regulator, row):
    event = _only_row(_import(csv_feed([row()]), regulator)).event
    entry = BlacklistEntry.objects.get(event=event)
    assert entry.ends_on == scoring.ban_ends_on(event.occurred_on, 1)


def test_the_feeds_end_date_of_a_listing_is_the_end_of_the_ban(regulator, row):
    ends_on = _days_ago(-200)
    event = _only_row(_import(csv_feed([row(ends_on=ends_on)]), regulator)).event
    assert BlacklistEntry.objects.get(event=event).ends_on.isoformat() == ends_on


def test_a_json_list_of_records_is_imported(regulator, row):
    batch = _import(json_feed([row(), row(reference="R-2")]), regulator)
    assert batch.format == CreditImport.Format.JSON
    assert [r.outcome for r in batch.rows.order_by("line")] == [Outcome.RECORDED, Outcome.RECORDED]
    assert [r.line for r in batch.rows.order_by("line")] == [1, 2]


def test_a_json_object_with_records_is_imported(regulator, row):
    batch = _import(json_feed({"source": "creditchina.gov.cn", "records": [row()]}), regulator)
    assert _only_row(batch).outcome == Outcome.RECORDED


def test_the_import_counts_its_outcomes_and_keeps_the_file(regulator, row):
    feed = csv_feed(
        [row(), row(), row(reference="R-9", uscc=UNKNOWN_USCC), row(reference="R-10", rule="no.such_rule")]
    )
    content = feed.read()
    feed.seek(0)
    batch = _import(feed, regulator)
    counts = (batch.recorded_count, batch.duplicate_count, batch.unmatched_count, batch.rejected_count)
    assert counts == (1, 1, 1, 1)
    assert batch.row_count == 4
    assert batch.sha256 == hashlib.sha256(content).hexdigest()
    assert (batch.origin, batch.source_name, batch.region_code) == (
        CreditImport.Origin.UPLOAD,
        SOURCE,
        "330400",
    )
    assert batch.imported_by == regulator
    with batch.file.open("rb") as stored:
        assert stored.read() == content


def test_the_import_is_audited_with_its_counts(regulator, row):
    batch = _import(csv_feed([row(), row(reference="R-9", uscc=UNKNOWN_USCC)]), regulator)
    audit = AuditEvent.objects.get(action="credit.feed_imported")
    assert audit.object_id == str(batch.pk)
    assert audit.actor_id == regulator.pk
    assert audit.data == {
        "source": SOURCE,
        "sha256": batch.sha256,
        "rows": 2,
        "recorded": 1,
        "duplicate": 0,
        "unmatched": 1,
        "rejected": 0,
    }
    assert AuditEvent.objects.filter(action="credit.event_recorded").count() == 1


def test_the_parties_of_recorded_rows_are_notified(regulator, row, supplier_rep):
    _import(csv_feed([row()]), regulator)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [supplier_rep.pk]


def test_the_import_schedules_the_recomputation_after_commit(
    regulator, row, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        batch = _import(csv_feed([row()]), regulator)
    assert callbacks
    assert _only_row(batch).event.record.score == 100


# --- Duplicates ---------------------------------------------------------------------------------------


def test_a_reference_repeated_in_the_feed_is_a_duplicate(regulator, row):
    batch = _import(csv_feed([row(), row(decided_on=_days_ago(5))]), regulator)
    first, second = batch.rows.order_by("line")
    assert (first.line, first.outcome) == (2, Outcome.RECORDED)
    assert (second.line, second.outcome) == (3, Outcome.DUPLICATE)
    assert second.message_en == "The same reference appears earlier in this feed."
    assert CreditEvent.objects.count() == 1


def test_a_reference_imported_before_is_a_duplicate_and_records_nothing(regulator, row):
    _import(csv_feed([row()]), regulator)
    events = CreditEvent.objects.count()
    batch = _import(csv_feed([row(), row(reference="R-2")], name="next-week.csv"), regulator)
    first, second = batch.rows.order_by("line")
    assert first.outcome == Outcome.DUPLICATE
    assert first.message_en == "This record was imported before; nothing changed."
    assert second.outcome == Outcome.RECORDED
    assert CreditEvent.objects.count() == events + 1


def test_the_same_reference_from_another_source_is_another_record(regulator, row):
    _import(csv_feed([row()]), regulator)
    tax_feed = csv_feed([row(authority="国家税务总局")], name="tax.csv")
    batch = _import(tax_feed, regulator, source="State Taxation Administration")
    assert _only_row(batch).outcome == Outcome.RECORDED


def test_reimporting_the_same_file_is_refused_and_changes_nothing(regulator, row):
    content = csv_feed([row(), row(reference="R-2", uscc=UNKNOWN_USCC)]).read()
    _import(SimpleUploadedFile("feed.csv", content), regulator)
    before = _state()
    with pytest.raises(FeedAlreadyImported) as error:
        _import(SimpleUploadedFile("renamed.csv", content), regulator)
    assert error.value.status == 409
    assert _state() == before


# --- Unmatched ------------------------------------------------------------------------------------


def test_an_unknown_credit_code_is_unmatched(regulator, row):
    report = _only_row(_import(csv_feed([row(uscc=UNKNOWN_USCC)]), regulator))
    assert report.outcome == Outcome.UNMATCHED
    assert report.message_en == "No party on the platform has this unified social credit code."
    assert report.event is None
    assert not CreditEvent.objects.exists()


def test_a_party_outside_the_regulators_region_is_unmatched(regulator, row):
    elsewhere = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, region_code="330100")
    report = _only_row(_import(csv_feed([row(uscc=elsewhere.uscc)]), regulator))
    assert report.outcome == Outcome.UNMATCHED
    assert report.message_en == "The party lies outside your region."
    assert not CreditEvent.objects.exists()


def test_a_party_the_rule_does_not_apply_to_is_unmatched(regulator, row):
    purchaser = OrganisationFactory(kind=Organisation.Kind.PURCHASER)
    report = _only_row(_import(csv_feed([row(uscc=purchaser.uscc)]), regulator))
    assert report.outcome == Outcome.UNMATCHED
    assert report.message_en == "The rule “Dishonest judgment debtor” applies to Supplier, not to Purchaser."
    assert not CreditEvent.objects.exists()


def test_an_organisation_that_is_not_a_credit_party_is_unmatched(regulator, row):
    bank = OrganisationFactory(kind=Organisation.Kind.BANK)
    report = _only_row(_import(csv_feed([row(uscc=bank.uscc)]), regulator))
    assert report.outcome == Outcome.UNMATCHED
    assert not CreditRecord.objects.exists()


# --- Rejected -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message_en"),
    [
        (
            {"uscc": "91330400MA2B3C4D5X"},
            "“91330400MA2B3C4D5X” is not a valid unified social credit code (the check digit is wrong).",
        ),
        ({"uscc": "9133"}, "“9133” is not a valid unified social credit code (it must have 18 characters)."),
        ({"rule": "supplier.tax_evasion"}, "“supplier.tax_evasion” is not a credit rule in use."),
        # Far enough ahead that a run crossing midnight after collection still finds it in the future.
        ({"decided_on": _days_ago(-30)}, f"The decision date {_days_ago(-30)} lies in the future."),
        ({"reference": ""}, "Missing value(s): reference."),
        ({"uscc": "", "decided_on": " "}, "Missing value(s): uscc, decided_on."),
        ({"decided_on": "2026/01/05"}, "“2026/01/05” in column decided_on is not a date (YYYY-MM-DD)."),
        ({"ends_on": "soon"}, "“soon” in column ends_on is not a date (YYYY-MM-DD)."),
        ({"ends_on": _days_ago(20)}, "The listing ends before it was decided."),
    ],
    ids=[
        "check-digit",
        "short-code",
        "unknown-rule",
        "future-date",
        "missing-reference",
        "missing-two",
        "bad-date",
        "bad-end-date",
        "ends-before-decided",
    ],
)
def test_a_malformed_row_is_rejected_with_its_reason(regulator, row, changes, message_en):
    report = _only_row(_import(csv_feed([row(**changes)]), regulator))
    assert report.outcome == Outcome.REJECTED
    assert report.message_en == message_en
    assert not CreditEvent.objects.exists()


def test_a_rejected_row_does_not_stop_the_rows_after_it(regulator, row):
    batch = _import(csv_feed([row(reference="R-1", rule="nope"), row(reference="R-2")]), regulator)
    assert [r.outcome for r in batch.rows.order_by("line")] == [Outcome.REJECTED, Outcome.RECORDED]


def test_a_row_with_more_values_than_columns_is_rejected(regulator, supplier):
    text = (
        "uscc,name,rule,reference,decided_on\n"
        f"{supplier.uscc},Jiaxing Widgets, Ltd,external.dishonest_judgment_debtor,R-1,{_days_ago(3)}\n"
    )
    report = _only_row(_import(SimpleUploadedFile("feed.csv", text.encode()), regulator))
    assert report.outcome == Outcome.REJECTED
    assert report.message_en == (
        "The line has more values than the header has columns (a value with a comma must be quoted)."
    )
    assert not CreditEvent.objects.exists()


def test_empty_values_after_the_last_column_are_ignored(regulator, supplier):
    text = (
        "uscc,rule,reference,decided_on\n"
        f"{supplier.uscc},external.dishonest_judgment_debtor,R-1,{_days_ago(3)},,\n"
    )
    report = _only_row(_import(SimpleUploadedFile("feed.csv", text.encode()), regulator))
    assert report.outcome == Outcome.RECORDED


def test_the_report_gives_each_rows_line_in_the_file(regulator, supplier):
    text = (
        "uscc,rule,reference,decided_on,description\n"
        f'{supplier.uscc},external.dishonest_judgment_debtor,R-1,{_days_ago(3)},"Two lines\nof text"\n'
        "\n"
        f"{supplier.uscc},no.such_rule,R-2,{_days_ago(3)},\n"
    )
    batch = _import(SimpleUploadedFile("feed.csv", text.encode()), regulator)
    assert [(r.line, r.outcome) for r in batch.rows.order_by("line")] == [
        (2, Outcome.RECORDED),
        (5, Outcome.REJECTED),
    ]


# --- The report in both languages -------------------------------------------------------------------


def test_the_report_message_is_kept_in_chinese_and_in_english(regulator, row):
    report = _only_row(_import(csv_feed([row(uscc="91330400MA2B3C4D5X")]), regulator))
    assert report.message_zh == "“91330400MA2B3C4D5X”不是有效的统一社会信用代码（校验码错误）。"
    assert report.message_en.startswith("“91330400MA2B3C4D5X” is not a valid unified social credit code")
    with translation.override("en"):
        assert report.message == report.message_en
    with translation.override("zh-hans"):
        assert report.message == report.message_zh


def test_every_outcome_has_a_message_in_both_languages(regulator, row):
    batch = _import(
        csv_feed([row(), row(), row(reference="R-3", uscc=UNKNOWN_USCC), row(reference="R-4", rule="x.y")]),
        regulator,
    )
    for report in batch.rows.all():
        assert report.message_zh and report.message_en
    with translation.override("zh-hans"):
        expected_zh = str(
            translation.gettext_lazy("No party on the platform has this unified social credit code.")
        )
    unmatched = batch.rows.get(outcome=Outcome.UNMATCHED)
    assert unmatched.message_zh == expected_zh


# --- Refused feeds --------------------------------------------------------------------------------


def test_a_csv_without_the_required_columns_is_refused_and_leaves_nothing(regulator, supplier):
    feed = csv_feed(
        [{"uscc": supplier.uscc, "rule": "external.dishonest_judgment_debtor"}], columns=["uscc", "rule"]
    )
    before = _state()
    with pytest.raises(InvalidFeed) as error:
        _import(feed, regulator)
    with translation.override("en"):
        assert str(error.value) == "The feed lacks the column(s): reference, decided_on."
    assert _state() == before
    assert not CreditImport.objects.exists()


def test_a_json_feed_whose_records_lack_a_required_field_is_refused_and_leaves_nothing(regulator, row):
    records = [{k: v for k, v in row(reference=f"R-{n}").items() if k != "decided_on"} for n in (1, 2)]
    before = _state()
    with pytest.raises(InvalidFeed) as error:
        _import(json_feed(records), regulator)
    with translation.override("en"):
        assert str(error.value) == "The feed lacks the column(s): decided_on."
    assert _state() == before


def test_a_json_record_without_a_field_the_others_have_is_rejected_alone(regulator, row):
    sparse = {k: v for k, v in row(reference="R-2").items() if k != "decided_on"}
    batch = _import(json_feed([row(), sparse]), regulator)
    assert [r.outcome for r in batch.rows.order_by("line")] == [Outcome.RECORDED, Outcome.REJECTED]
    assert batch.rows.get(line=2).message_en == "Missing value(s): decided_on."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("feed.csv", b"uscc,name,rule,reference,decided_on\n"),
        ("feed.json", b"[]"),
        ("feed.json", b'{"records": "none"}'),
        ("feed.json", b"[1, 2, 3]"),
        ("feed.json", b'[{"uscc": "x"'),
        ("feed.csv", "uscc,rule,reference,decided_on\n".encode("utf-16")),
    ],
    ids=["header-only", "empty-list", "records-not-a-list", "not-objects", "broken-json", "not-utf8"],
)
def test_an_unreadable_feed_is_refused_and_leaves_nothing(regulator, name, content):
    before = _state()
    with pytest.raises((InvalidFeed, UploadRejected)):
        _import(SimpleUploadedFile(name, content), regulator)
    assert _state() == before


def test_a_file_that_is_not_a_feed_is_refused(regulator):
    with pytest.raises(UploadRejected) as error:
        _import(SimpleUploadedFile("feed.xlsx", b"PK\x03\x04" + b"\0" * 64), regulator)
    assert error.value.code == "file_type_not_allowed"
    assert not CreditImport.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPPLIER_REPRESENTATIVE, Role.OPERATOR, Role.BANK_OFFICER])
def test_only_a_regulator_imports_feeds(make_member, row, role):
    with pytest.raises(NotRegulator):
        _import(csv_feed([row()]), make_member(role))
    assert not CreditImport.objects.exists()


def test_a_feed_needs_the_name_of_its_source(regulator, row):
    with pytest.raises(ReasonsRequired):
        _import(csv_feed([row()]), regulator, source="  ")
    assert not CreditImport.objects.exists()


# --- The import folder ----------------------------------------------------------------------------


@pytest.fixture
def folder(settings, tmp_path):
    settings.CREDIT_IMPORT_DIR = tmp_path / "credit-feeds"
    settings.CREDIT_IMPORT_DIR.mkdir()
    return settings.CREDIT_IMPORT_DIR


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_bytes(csv_feed(rows).read())


def test_the_folder_import_reads_every_feed_of_the_configured_folder(folder, row):
    _write(folder / "creditchina" / "2026-11.csv", [row()])
    _write(folder / "tax.json", [row(reference="T-1")])
    batches = services.import_feed_folder()
    assert sorted((b.source_name, b.file_name) for b in batches) == [
        ("creditchina", "2026-11.csv"),
        ("folder", "tax.json"),
    ]
    assert {b.origin for b in batches} == {CreditImport.Origin.FOLDER}
    assert {b.imported_by_id for b in batches} == {None}
    assert {b.region_code for b in batches} == {""}
    assert CreditEvent.objects.filter(source=CreditEvent.Source.EXTERNAL).count() == 2


def test_the_folder_import_matches_parties_of_every_region(folder, row):
    elsewhere = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, region_code="110105")
    _write(folder / "feed.csv", [row(uscc=elsewhere.uscc)])
    (batch,) = services.import_feed_folder()
    assert _only_row(batch).outcome == Outcome.RECORDED


def test_the_folder_import_imports_each_file_once(folder, row):
    _write(folder / "feed.csv", [row()])
    services.import_feed_folder()
    before = _state()
    assert services.import_feed_folder() == []
    assert _state() == before


def test_a_bad_file_in_the_folder_is_skipped_and_the_others_imported(folder, row):
    (folder / "a-broken.csv").write_text("uscc,name\nx,y\n", encoding="utf-8")
    (folder / "b-broken.json").write_text("{not json", encoding="utf-8")
    (folder / "readme.txt").write_text("not a feed", encoding="utf-8")
    _write(folder / "c-good.csv", [row()])
    batches = services.import_feed_folder()
    assert [b.file_name for b in batches] == ["c-good.csv"]
    assert CreditImport.objects.count() == 1


def test_a_missing_folder_imports_nothing(settings, tmp_path):
    settings.CREDIT_IMPORT_DIR = tmp_path / "nowhere"
    assert services.import_feed_folder() == []
