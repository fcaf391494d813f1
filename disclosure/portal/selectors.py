"""Reads of the portal pages: the home page's overview, the list of one kind of notice, and a
project's public timeline. Each runs a fixed number of queries, whatever the number of rows.

Only what is public is read (DESIGN §3): notices once published (never a scheduled one), the
documents of a published notice, an opening's bids once its record is published, the result with
its scores once the result notice is out, the draw's names with it, a contract, an acceptance or a
breach once its notice is.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from audit.selectors import latest_checkpoint
from bidding.award.letters import GROUNDS_EN, GROUNDS_ZH, reason_texts
from bidding.award.models import Award
from bidding.evaluation.models import BidAssessment
from bidding.models import Bid, BidFile, Opening
from common.i18n import in_english
from contracts.models import Contract, SupplementaryAgreement
from contracts.performance.models import Acceptance, Breach
from experts.models import Panel, PanelSeat
from procurement import selectors as procurement_selectors
from procurement.exceptions import ProjectNotFound
from procurement.models import Lot, Notice, Project, TenderDocument

from . import kinds, trail

LATEST_PER_KIND = 3


def _now() -> dt.datetime:
    return timezone.now()


# --- The home page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRow:
    """A notice as a list shows it (both languages kept: the overview is cached for both)."""

    pk: int
    kind: str
    title_zh: str
    title_en: str
    published_at: dt.datetime
    reference: str
    purchaser_zh: str
    purchaser_en: str

    @property
    def title(self) -> str:
        return self.title_en if in_english() and self.title_en else self.title_zh

    @property
    def purchaser(self) -> str:
        return self.purchaser_en if in_english() and self.purchaser_en else self.purchaser_zh


_LATEST_SQL = """
SELECT n.id, n.kind, n.title_zh, n.title_en, n.published_at, p.reference, o.name_zh, o.name_en
  FROM unnest(%(kinds)s::varchar[]) WITH ORDINALITY AS k(kind, position)
 CROSS JOIN LATERAL (
       SELECT id, kind, title_zh, title_en, published_at, project_id
         FROM procurement_notice
        WHERE kind = k.kind AND published_at <= %(now)s
        ORDER BY published_at DESC, id DESC
        LIMIT %(per_kind)s) AS n
  JOIN procurement_project p ON p.id = n.project_id
  JOIN accounts_organisation o ON o.id = p.purchaser_id
 ORDER BY k.position, n.published_at DESC, n.id DESC
"""


def _overview_rows(now: dt.datetime) -> dict:
    counts = dict(
        Notice.objects.filter(published_at__lte=now).values_list("kind").annotate(n=Count("id")).order_by()
    )
    latest: dict[str, list[NoticeRow]] = defaultdict(list)
    with connection.cursor() as cursor:
        # One index range per kind (notice_kind_keyset), whatever the number of notices.
        cursor.execute(
            _LATEST_SQL, {"kinds": [k.value for k in kinds.KINDS], "now": now, "per_kind": LATEST_PER_KIND}
        )
        for row in cursor.fetchall():
            latest[row[1]].append(NoticeRow(*row))
    next_due = (
        Notice.objects.filter(published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
    ).first()
    return {"counts": counts, "latest": dict(latest), "next_due": next_due}


def home_overview() -> dict:
    """Per kind of notice (DESIGN §3 order): its count and its newest few; the kinds without a
    notice; the total; and when the next scheduled notice comes out. Three queries (the page that
    shows it is cached: disclosure.portal.views.home)."""
    data = _overview_rows(_now())
    sections = [
        {
            "kind": kind,
            "count": data["counts"].get(kind.value, 0),
            "latest": data["latest"].get(kind.value, []),
        }
        for kind in kinds.KINDS
    ]
    return {
        "sections": sections,
        "empty_kinds": [section["kind"] for section in sections if not section["count"]],
        "total": sum(data["counts"].values()),
        "next_due": data["next_due"],
    }


# --- One kind of notice ----------------------------------------------------------------------------

LIST_PAGE_SIZE = 50


def kind_page(kind: str, *, category: str = "", region: str = "", method: str = "", after=None) -> dict:
    """One page of the published notices of one kind, newest first (keyset by (published_at, id)),
    filtered, with the next page's cursor and when the page goes stale: at the next scheduled
    notice (None if none is scheduled). One query (procurement's notice_list_rows)."""
    qs = procurement_selectors.notice_list_rows(kind=kind, category=category, region=region, method=method)
    notices, next_cursor = procurement_selectors.notices_page(qs, after=after, size=LIST_PAGE_SIZE)
    return {
        "rows": [
            NoticeRow(
                n.pk,
                n.kind,
                n.title_zh,
                n.title_en,
                n.published_at,
                n.project.reference,
                n.project.purchaser.name_zh,
                n.project.purchaser.name_en,
            )
            for n in notices
        ],
        "next": f"{next_cursor[0].isoformat()}|{next_cursor[1]}" if next_cursor else None,
        "next_due": notices[0].next_due if notices else None,
    }


# --- A project's public timeline -------------------------------------------------------------------


@dataclass
class LotTimeline:
    lot: Lot
    opening: Opening | None = None  # only once its record is published
    bids: list[Bid] = field(default_factory=list)  # opened bids, with .public_files
    award: Award | None = None  # only a confirmed award whose result notice is out
    results: list[dict] = field(default_factory=list)
    panel: Panel | None = None
    panel_published: bool = False
    members: list[dict] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    acceptances: list[Acceptance] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    flags: list = field(default_factory=list)
    ocid: str = ""

    @property
    def sealed(self) -> bool:
        """No opening record yet: nothing of a bid is shown, not even how many there are."""
        return self.opening is None


@dataclass
class Timeline:
    project: Project
    notices: list[Notice]
    documents: list[TenderDocument]
    document_notice: dict[int, int]  # document id -> the notice that publishes it
    lots: list[LotTimeline]
    events: list[trail.TrailEvent]
    more_events: bool
    checkpoint: object | None

    @property
    def budget(self) -> Decimal:
        return self.project.budget


@dataclass(frozen=True)
class NoticeMarks:
    """Where a project's notices stand: its newest published one (what a cached timeline was made
    from) and when its next scheduled one comes out (when that timeline goes stale)."""

    newest: tuple[int, dt.datetime, int]  # id, published_at, how many are published
    next_due: dt.datetime | None


_MARKS_SQL = """
SELECT max(id) FILTER (WHERE published_at <= %(now)s),
       max(published_at) FILTER (WHERE published_at <= %(now)s),
       count(*) FILTER (WHERE published_at <= %(now)s),
       min(published_at) FILTER (WHERE published_at > %(now)s)
  FROM procurement_notice
 WHERE project_id = %(project)s
"""


def notice_marks(pk) -> NoticeMarks:
    """The project's NoticeMarks, or 404: a project without a published notice (only drafted, or
    all its notices scheduled) is not public. One query (the project's notices, by its index)."""
    try:
        project = int(pk)
    except (ValueError, TypeError):
        raise ProjectNotFound() from None
    if not 0 < project < 2**63:
        raise ProjectNotFound()
    with connection.cursor() as cursor:
        cursor.execute(_MARKS_SQL, {"now": _now(), "project": project})
        newest_id, newest_at, count, next_due = cursor.fetchone()
    if newest_id is None:
        raise ProjectNotFound()
    return NoticeMarks(newest=(newest_id, newest_at, count), next_due=next_due)


def public_project(pk) -> Project:
    """A project with at least one published notice, or 404 (a project only drafted, or whose
    notices are all scheduled, is not public yet)."""
    published = Notice.objects.filter(project=OuterRef("pk"), published_at__lte=_now())
    try:
        return Project.objects.select_related("purchaser", "agency").filter(Exists(published)).get(pk=int(pk))
    except (Project.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ProjectNotFound() from None


def public_project_by_reference(reference: str) -> Project:
    published = Notice.objects.filter(project=OuterRef("pk"), published_at__lte=_now())
    project = Project.objects.filter(Exists(published), reference=reference[:32]).only("pk").first()
    if project is None:
        raise ProjectNotFound()
    return project


def _published(prefix: str, now: dt.datetime) -> Q:
    return Q(**{f"{prefix}published_at__lte": now})


def _result_rows(award: Award, assessments: list[BidAssessment]) -> list[dict]:
    """The result notice's table: every assessed bid with its score and rank, the winner marked,
    and for the others why they did not win (passed over, or failed the qualification review)."""
    passed = {int(p["bid"]): p for p in award.passed_over or []}
    rows = []
    for assessment in assessments:
        bid = assessment.bid
        passed_over = passed.get(bid.pk)
        ground = ""
        if passed_over:
            ground = (GROUNDS_EN if in_english() else GROUNDS_ZH).get(passed_over.get("ground"), "")
        rows.append(
            {
                "supplier": bid.supplier,
                "price": assessment.price,
                "total_score": assessment.total_score,
                "rank": assessment.rank,
                "qualified": assessment.qualified,
                "is_winner": bid.pk == award.winner_id,
                "ground": ground,
                "reason": (passed_over or {}).get("reason", ""),
                "fail_reasons": reason_texts(assessment.fail_reasons) if not assessment.rank else [],
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["supplier"].name_zh))
    return rows


def timeline(project: Project) -> Timeline:
    """Everything the project's public page shows, in a fixed number of queries."""
    now = _now()
    notices = list(
        Notice.objects.filter(project=project, published_at__lte=now)
        .defer("body_zh", "body_en")
        .order_by("published_at", "id")
    )
    published_notice_ids = {n.pk for n in notices}
    documents = list(
        TenderDocument.objects.filter(
            project=project,
            status__in=[TenderDocument.Status.PUBLISHED, TenderDocument.Status.SUPERSEDED],
            published_at__lte=now,
        )
        .defer("sections", "lot_requirements", "criteria", "qualification_items", "response_documents")
        .order_by("version")
    )
    document_notice = {}
    for notice in notices:
        if notice.document_id and notice.document_id not in document_notice:
            document_notice[notice.document_id] = notice.pk
    for document in documents:
        # The notice that publishes it serves its PDF (procurement's notices:document).
        document.download_notice_id = document_notice.get(document.pk)

    lots = list(Lot.objects.filter(project=project).order_by("number"))
    by_lot = {lot.pk: LotTimeline(lot) for lot in lots}

    for opening in Opening.objects.filter(
        Q(lot__project=project, status=Opening.Status.OPENED) & _published("notice__", now)
    ).select_related("notice"):
        by_lot[opening.lot_id].opening = opening
    opened_lots = [lot_id for lot_id, item in by_lot.items() if item.opening is not None]
    bids = list(
        Bid.objects.filter(lot_id__in=opened_lots, status=Bid.Status.OPENED)
        .select_related("supplier")
        .only("pk", "lot_id", "supplier", "price", "received_at", "opened_at", "public_id")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=BidFile.objects.filter(status=BidFile.Status.COMPLETE)
                .only("pk", "bid_id", "document_key", "sha256", "opened_sha256", "hash_matches")
                .order_by("document_key", "pk"),
                to_attr="public_files",
            )
        )
        .order_by("received_at", "pk")
    )
    for bid in bids:
        by_lot[bid.lot_id].bids.append(bid)

    awards = list(
        Award.objects.filter(
            Q(lot__project=project, status=Award.Status.CONFIRMED) & _published("result_notice__", now)
        )
        .select_related("result_notice", "evaluation__panel")
        .order_by("lot_id", "-pk")
    )
    for award in awards:
        if by_lot[award.lot_id].award is None:
            by_lot[award.lot_id].award = award
    shown_awards = [item.award for item in by_lot.values() if item.award is not None]
    assessments: dict[int, list[BidAssessment]] = defaultdict(list)
    for assessment in (
        BidAssessment.objects.filter(evaluation_id__in=[a.evaluation_id for a in shown_awards])
        .select_related("bid__supplier")
        .order_by("rank", "pk")
    ):
        assessments[assessment.evaluation_id].append(assessment)
    for award in shown_awards:
        by_lot[award.lot_id].results = _result_rows(award, assessments[award.evaluation_id])

    # The panel: the awarded evaluation's, else the lot's current one (its commitment only).
    panels = list(
        Panel.objects.filter(lot__project=project)
        .only(
            "pk", "lot_id", "status", "seed_sha256", "seed", "candidates_sha256", "drawn_at", "published_at"
        )
        .order_by("lot_id", "-pk")
    )
    for panel in panels:
        item = by_lot[panel.lot_id]
        chosen = item.award.evaluation.panel_id if item.award else None
        if chosen == panel.pk or (
            chosen is None and item.panel is None and panel.status != Panel.Status.DISSOLVED
        ):
            if item.opening is not None:  # a panel is drawn after the opening; never shown before it
                item.panel = panel
                item.panel_published = panel.published_at is not None
    by_panel = {item.panel.pk: item for item in by_lot.values() if item.panel and item.panel_published}
    published_panels = list(by_panel)
    for seat in (
        PanelSeat.objects.filter(panel_id__in=published_panels, status=PanelSeat.Status.SEATED)
        .select_related("expert", "member")
        .order_by("panel_id", "kind", "position", "pk")
    ):
        item = by_panel[seat.panel_id]
        if seat.kind == PanelSeat.Kind.EXPERT and seat.expert is not None:
            name_zh, name_en = seat.expert.name_zh, seat.expert.name_en or seat.expert.name_zh
        else:
            name_zh = seat.member.get_full_name() or seat.member.username
            name_en = seat.member.name_en or name_zh
        item.members.append(
            {
                "name": name_en if in_english() else name_zh,
                "kind": seat.get_kind_display(),
                "leader": seat.is_leader,
            }
        )

    contracts = list(
        Contract.objects.filter(Q(lot__project=project) & _published("notice__", now))
        .select_related("supplier", "notice")
        .only(
            "pk",
            "lot_id",
            "reference",
            "status",
            "title_zh",
            "title_en",
            "amount",
            "sha256",
            "signed_at",
            "supplier__name_zh",
            "supplier__name_en",
            "notice__id",
            "notice__attachment_sha256",
            "notice__published_at",
            "notice__attachment",
        )
        .order_by("lot_id", "pk")
    )
    for contract in contracts:
        by_lot[contract.lot_id].contracts.append(contract)
    contract_lot = {c.pk: c.lot_id for c in contracts}
    acceptances = list(
        Acceptance.objects.filter(Q(milestone__contract_id__in=contract_lot) & _published("notice__", now))
        .select_related("milestone", "notice")
        .only(
            "pk",
            "outcome",
            "recorded_at",
            "inspection_sha256",
            "milestone__contract_id",
            "milestone__number",
            "milestone__title",
            "notice__id",
            "notice__published_at",
        )
        .order_by("recorded_at", "pk")
    )
    for acceptance in acceptances:
        by_lot[contract_lot[acceptance.milestone.contract_id]].acceptances.append(acceptance)
    breaches = list(
        Breach.objects.filter(Q(contract_id__in=contract_lot) & _published("notice__", now))
        .select_related("responsible", "notice")
        .only(
            "pk",
            "contract_id",
            "kind",
            "description",
            "evidence_sha256",
            "responsible__name_zh",
            "responsible__name_en",
            "notice__id",
            "notice__published_at",
        )
        .order_by("pk")
    )
    for breach in breaches:
        by_lot[contract_lot[breach.contract_id]].breaches.append(breach)
    supplements = list(
        SupplementaryAgreement.objects.filter(
            Q(contract_id__in=contract_lot) & _published("notice__", now)
        ).values_list("pk", flat=True)
    )

    # Which notice is about which lot: the records that publish them say so.
    for item in by_lot.values():
        linked = [item.opening.notice_id if item.opening else None]
        linked += [item.award.result_notice_id if item.award else None]
        linked += [c.notice_id for c in item.contracts]
        linked += [a.notice_id for a in item.acceptances] + [b.notice_id for b in item.breaches]
        wanted = {pk for pk in linked if pk in published_notice_ids}
        item.notices = [n for n in notices if n.pk in wanted]

    objects = {
        trail.PROJECT: [project.pk],
        trail.LOT: [lot.pk for lot in lots],
        trail.BID: [bid.pk for bid in bids],
        trail.AWARD: [a.pk for a in shown_awards],
        trail.EVALUATION: [a.evaluation_id for a in shown_awards],
        trail.PANEL: [panel.pk for panel in panels if panel.published_at is not None],
        trail.CONTRACT: [c.pk for c in contracts],
        trail.ACCEPTANCE: [a.pk for a in acceptances],
        trail.BREACH: [b.pk for b in breaches],
        trail.SUPPLEMENT: supplements,
    }
    events, more = trail.trail_events(objects, limit=trail.TRAIL_ON_TIMELINE)
    _add_optional_parts(project, by_lot)
    return Timeline(
        project=project,
        notices=notices,
        documents=documents,
        document_notice=document_notice,
        lots=[by_lot[lot.pk] for lot in lots],
        events=events,
        more_events=more,
        checkpoint=latest_checkpoint(),
    )


def _add_optional_parts(project: Project, by_lot: dict[int, LotTimeline]) -> None:
    """The lots' public red flags and OCDS ids, from the red-flag and OCDS parts of the portal
    (disclosure.redflags, disclosure.ocds) when they provide them: one query each."""
    try:
        from disclosure.redflags.selectors import public_flags_for_project
    except ImportError:  # pragma: no cover - the red-flag part not installed
        public_flags_for_project = None
    if public_flags_for_project is not None:
        for lot_id, flags in public_flags_for_project(project).items():
            if lot_id in by_lot:
                by_lot[lot_id].flags = list(flags)
    try:
        from disclosure.ocds.selectors import ocids_for_project
    except ImportError:  # pragma: no cover - the OCDS part not installed
        ocids_for_project = None
    if ocids_for_project is not None:
        for lot, ocid in ocids_for_project(project):
            lot_id = getattr(lot, "pk", lot)
            if lot_id in by_lot:
                by_lot[lot_id].ocid = ocid
