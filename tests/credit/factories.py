"""factory_boy factories and upload helpers for the credit app's tests.

Records, events and bans made here are set-up data written straight to the tables (a record's
cached score is whatever the factory says until a recomputation); behaviour under test goes
through credit.services.
"""

import csv
import io
import json
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from accounts.models import Organisation
from credit import scoring, selectors
from credit.models import (
    BlacklistEntry,
    CreditAppeal,
    CreditEvent,
    CreditRecord,
    CreditRule,
    Decay,
    PartyKind,
    Severity,
)
from credit.services import FEED_COLUMNS
from tests.accounts.factories import OrganisationFactory, UserFactory

# The smallest file libmagic calls application/pdf.
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
# A 1x1 PNG.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5f1e0560000000049454e44ae426082"
)


def pdf_upload(name: str = "decision.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def disguised_pdf(name: str = "decision.pdf") -> SimpleUploadedFile:
    """A plain text file that calls itself a PDF."""
    return SimpleUploadedFile(name, b"This is not a PDF, only text.\n", content_type="application/pdf")


def csv_feed(rows: list[dict], *, name: str = "feed.csv", columns=FEED_COLUMNS) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def json_feed(rows, *, name: str = "feed.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, json.dumps(rows, ensure_ascii=False).encode(), content_type="application/json"
    )


def supplier(**fields) -> Organisation:
    return OrganisationFactory(kind=Organisation.Kind.SUPPLIER, **fields)


class CreditRuleFactory(DjangoModelFactory):
    class Meta:
        model = CreditRule

    code = factory.Sequence(lambda n: f"test.rule_{n}")
    party_kind = PartyKind.SUPPLIER
    name_zh = factory.Sequence(lambda n: f"测试信用规则{n}")
    name_en = factory.Sequence(lambda n: f"Test credit rule {n}")
    points = Decimal("-10")
    counts_for_days = 365
    decay = Decay.NONE
    severity = Severity.GENERAL
    ban_years = 0
    legal_basis_zh = "《中华人民共和国政府采购法》第七十七条（测试）"
    legal_basis_en = "Government Procurement Law, Article 77 (test)"


class CreditRecordFactory(DjangoModelFactory):
    """A supplier's record by default; pass organisation= for another kind of organisation."""

    class Meta:
        model = CreditRecord

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.SUPPLIER)
    kind = factory.LazyAttribute(lambda o: selectors.ORGANISATION_PARTY_KINDS[o.organisation.kind])
    region_code = factory.LazyAttribute(lambda o: o.organisation.region_code)
    score = Decimal("100.00")
    stars = 4


class ExpertRecordFactory(DjangoModelFactory):
    class Meta:
        model = CreditRecord

    person = factory.SubFactory(UserFactory)
    kind = PartyKind.EXPERT
    region_code = "330400"
    score = Decimal("100.00")
    stars = 4


class CreditEventFactory(DjangoModelFactory):
    """An event in force, occurred today, with its rule's points (a rule for the record's kind)."""

    class Meta:
        model = CreditEvent

    record = factory.SubFactory(CreditRecordFactory)
    rule = factory.SubFactory(CreditRuleFactory, party_kind=factory.SelfAttribute("..record.kind"))
    source = CreditEvent.Source.SYSTEM
    points = factory.LazyAttribute(lambda o: o.rule.points)
    decay = factory.LazyAttribute(lambda o: o.rule.decay)
    occurred_on = factory.LazyFunction(selectors.today)
    counts_until = factory.LazyAttribute(
        lambda o: scoring.counts_until(o.occurred_on, o.rule.counts_for_days)
    )


class BlacklistEntryFactory(DjangoModelFactory):
    """An active one-year ban from today, resting on an event of a banning rule."""

    class Meta:
        model = BlacklistEntry

    event = factory.SubFactory(
        CreditEventFactory,
        rule=factory.SubFactory(
            CreditRuleFactory,
            party_kind=factory.SelfAttribute("..record.kind"),
            points=Decimal("-40"),
            ban_years=1,
            severity=Severity.SERIOUS,
        ),
    )
    record = factory.SelfAttribute("event.record")
    starts_on = factory.SelfAttribute("event.occurred_on")
    ends_on = factory.LazyAttribute(lambda o: scoring.ban_ends_on(o.starts_on, 1))
    legal_basis_zh = factory.SelfAttribute("event.rule.legal_basis_zh")
    legal_basis_en = factory.SelfAttribute("event.rule.legal_basis_en")


class CreditAppealFactory(DjangoModelFactory):
    class Meta:
        model = CreditAppeal

    event = factory.SubFactory(CreditEventFactory)
    appellant = factory.SubFactory(UserFactory)
    reasons = "The delivery was late because the purchaser changed the address."
