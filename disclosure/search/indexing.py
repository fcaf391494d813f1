"""The search index: one SearchEntry per notice, rebuilt from the notice and what it names.

An entry holds the notice's words (tokenizer.tsvector_text of its titles and the project's
reference, weight A, and of its texts, weight B) and copies of the fields the filters need: kind,
category, method, region, the project's purchaser, the suppliers the notice names as winner or
contract party, and its amount (the award or contract amount, else the budgets of the project's
lots).

Every notice is indexed on commit of its save (the receiver in disclosure.search.signals queues
index_notice), and the beat sweep index_pending catches any notice whose job was lost. Both are
idempotent: an entry is written with an upsert. Scheduled notices (published in the future) are
indexed like the others; the search never returns them before their time (selectors).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast

from procurement.models import Lot, Notice

from ..models import SearchEntry
from .tokenizer import tsvector_text

BATCH_SIZE = 500
# The part of a notice's text that is indexed, per language: beyond it a text adds nothing, which
# keeps every tsvector far below Postgres' 1 MB (notices run to a few thousand characters).
BODY_MAX_CHARS = 50_000

_UPDATED_FIELDS = [
    "published_at",
    "kind",
    "category",
    "method",
    "region_code",
    "purchaser",
    "suppliers",
    "amount",
    "words",
]


def _notices() -> QuerySet[Notice]:
    """Notices with everything an entry needs, in one query: the project and the records that
    name a supplier (reverse one-to-one links of the award, contract, supplement, acceptance and
    breach), and the budgets of the project's live lots."""
    return Notice.objects.select_related(
        "project",
        "award__winner",
        "contract",
        "supplementary_agreement__contract",
        "acceptance__milestone__contract",
        "breach__contract",
    ).annotate(
        lots_budget=Subquery(
            Lot.objects.filter(project_id=OuterRef("project_id"))
            .exclude(status=Lot.Status.CANCELLED)
            .order_by()
            .values("project_id")
            .annotate(total=Sum("budget"))
            .values("total")
        )
    )


def _related(notice: Notice, path: str):
    """notice.a.b... or None when a link on the way does not exist."""
    obj = notice
    for name in path.split("."):
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:
            return None
        if obj is None:
            return None
    return obj


def parties_and_amount(notice: Notice) -> tuple[list[int], Decimal | None]:
    """The suppliers a notice names as winner or contract party, and the amount it stands for."""
    award = _related(notice, "award")
    if award is not None:
        suppliers = [award.winner.supplier_id] if award.winner_id else []
        return suppliers, award.amount
    supplement = _related(notice, "supplementary_agreement")
    if supplement is not None:
        return [supplement.contract.supplier_id], supplement.amount
    for path in ("contract", "acceptance.milestone.contract", "breach.contract"):
        contract = _related(notice, path)
        if contract is not None:
            return [contract.supplier_id], contract.amount
    budget = getattr(notice, "lots_budget", None)
    return [], budget if budget is not None else notice.project.budget


def words_of(notice: Notice) -> str:
    """The notice's tsvector, in Postgres' input syntax."""
    return tsvector_text(
        [
            (notice.title_zh, "A"),
            (notice.title_en, "A"),
            (notice.project.reference, "A"),
            (notice.body_zh[:BODY_MAX_CHARS], "B"),
            (notice.body_en[:BODY_MAX_CHARS], "B"),
        ]
    )


def entry_for(notice: Notice) -> SearchEntry:
    suppliers, amount = parties_and_amount(notice)
    return SearchEntry(
        notice_id=notice.pk,
        published_at=notice.published_at,
        kind=notice.kind,
        category=notice.category,
        method=notice.method,
        region_code=notice.region_code,
        purchaser_id=notice.project.purchaser_id,
        suppliers=sorted(set(suppliers)),
        amount=amount,
        words=Cast(Value(words_of(notice)), output_field=SearchVectorField()),
    )


def _write(notices: Iterable[Notice]) -> int:
    entries = [entry_for(notice) for notice in notices]
    if entries:
        SearchEntry.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["notice"], update_fields=_UPDATED_FIELDS
        )
    return len(entries)


def index_notice(notice_id: int) -> bool:
    """(Re)write the entry of one notice; False when the notice does not exist (any more)."""
    return _write(_notices().filter(pk=notice_id)) == 1


def index_pending(*, batch_size: int = BATCH_SIZE) -> int:
    """Index every notice that has no entry yet, in batches; the number indexed."""
    done = 0
    last = 0
    while True:
        batch = list(_notices().filter(pk__gt=last, search_entry__isnull=True).order_by("pk")[:batch_size])
        if not batch:
            return done
        done += _write(batch)
        last = batch[-1].pk


def reindex_all(*, batch_size: int = BATCH_SIZE) -> int:
    """Rewrite every entry (after a change of the tokenizer); the number written."""
    done = 0
    last = 0
    while True:
        batch = list(_notices().filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return done
        done += _write(batch)
        last = batch[-1].pk
