"""Reads of the draw: the candidates of a draw in a few set-based queries, a panel's seats, and
the public draw record."""

import datetime

from django.db import connection
from django.db.models import QuerySet

from .avoidance import Candidate, DeclarationRow, specialty_prefixes
from .models import DrawExclusion, ExpertProfile, Panel, PanelSeat

# Approved experts of a matching specialty: the GIN index on specialties answers `&&`.
_MATCHING_SQL = """
SELECT e.id, e.user_id, e.employer_uscc
  FROM experts_expertprofile e
 WHERE e.status = %(approved)s AND e.specialties && %(prefixes)s::varchar[]
 ORDER BY e.id
"""
# Their declarations naming a bidder or the purchaser (the credit-code index picks the few rows).
_DECLARATIONS_SQL = """
SELECT d.expert_id, d.kind, d.organisation_uscc, d.organisation_name, d.started_on, d.ended_on
  FROM experts_declaration d
  JOIN experts_expertprofile e ON e.id = d.expert_id
 WHERE d.organisation_uscc = ANY(%(codes)s)
   AND e.status = %(approved)s AND e.specialties && %(prefixes)s::varchar[]
 ORDER BY d.expert_id, d.id
"""
# Their unavailable periods covering the day.
_UNAVAILABLE_SQL = """
SELECT DISTINCT u.expert_id
  FROM experts_unavailability u
  JOIN experts_expertprofile e ON e.id = u.expert_id
 WHERE u.starts_on <= %(day)s AND u.ends_on >= %(day)s
   AND e.status = %(approved)s AND e.specialties && %(prefixes)s::varchar[]
"""


PROCEDURE = (
    "seed_sha256 = SHA-256(seed bytes); candidates_sha256 = SHA-256(ascending ids joined by a line feed); "
    'draw order = candidates sorted by SHA-256("<seed hex>:<candidates_sha256>:<id>"); the first '
    "expert_seats are invited, the next are reserves called in order."
)


def matching_candidates(
    specialties, *, organisation_codes, evaluation_on: datetime.date
) -> tuple[list[Candidate], list[DeclarationRow], set[int]]:
    """(experts, declarations naming one of `organisation_codes`, ids unavailable on the day) of
    every approved expert with a specialty equal to or a prefix of a required code. Three queries."""
    params = {
        "approved": ExpertProfile.Status.APPROVED,
        "prefixes": specialty_prefixes(specialties),
        "codes": sorted({code for code in organisation_codes if code}),
        "day": evaluation_on,
    }
    with connection.cursor() as cursor:
        cursor.execute(_MATCHING_SQL, params)
        candidates = [Candidate(*row) for row in cursor.fetchall()]
        declarations = []
        if params["codes"]:
            cursor.execute(_DECLARATIONS_SQL, params)
            declarations = [DeclarationRow(*row) for row in cursor.fetchall()]
        cursor.execute(_UNAVAILABLE_SQL, params)
        unavailable = {row[0] for row in cursor.fetchall()}
    return candidates, declarations, unavailable


def seats_of(panel: Panel) -> QuerySet[PanelSeat]:
    """Every seat of the panel, experts in draw order then the purchaser's representatives."""
    return (
        PanelSeat.objects.filter(panel=panel)
        .select_related("member", "expert")
        .order_by("kind", "position", "pk")
    )


def exclusion_counts(panel: Panel) -> dict[str, int]:
    counts: dict[str, int] = {}
    for reason in panel.exclusions.values_list("reason", flat=True):
        counts[reason] = counts.get(reason, 0) + 1
    return counts


def draw_record(panel: Panel) -> dict:
    """What the public draw record shows (JSON-ready): the commitment, the seed (once published),
    the frozen candidate list and its SHA-256, the exclusions by reason, the draw order, the seats
    with their answers, and the panel members' names once the record is published with the result
    notice (the others — reserves, decliners — stay ids). Before publication the seed and the names
    are left out. Three queries."""
    published = panel.published_at is not None
    exclusions = list(
        DrawExclusion.objects.filter(panel=panel)
        .order_by("reason", "expert_id")
        .values_list("reason", "expert_id")
    )
    by_reason: dict[str, list[int]] = {}
    for reason, expert_id in exclusions:
        by_reason.setdefault(reason, []).append(expert_id)
    seats = []
    for seat in seats_of(panel):
        row = {
            "kind": seat.kind,
            "position": seat.position,
            "expert_id": seat.expert_id,
            "status": seat.status,
            "invited_at": seat.invited_at.isoformat() if seat.invited_at else None,
            "replied_at": seat.replied_at.isoformat() if seat.replied_at else None,
            "declared_at": seat.declared_at.isoformat() if seat.declared_at else None,
            # Only the panel is published by name (Implementing Regulations art. 43): a reserve
            # never called, a decliner or an expert who declared a conflict stays an id of the list.
            "decline_reason": "",
        }
        if published and seat.status == PanelSeat.Status.SEATED:
            row["name"] = (
                seat.expert.name_zh if seat.expert_id else seat.member.get_full_name() or seat.member.username
            )
            row["name_en"] = seat.expert.name_en if seat.expert_id else seat.member.name_en
        seats.append(row)
    return {
        "panel": panel.pk,
        "lot": panel.lot_id,
        "status": panel.status,
        "size": panel.size,
        "expert_seats": panel.expert_seats,
        "purchaser_seats": panel.purchaser_seats,
        "reserves": panel.reserves,
        "specialties": list(panel.specialties),
        "evaluation_on": panel.evaluation_on.isoformat(),
        "seed_sha256": panel.seed_sha256,
        "seed": panel.seed if published else None,
        "candidates": list(panel.candidates),
        "candidates_sha256": panel.candidates_sha256,
        "exclusions": {reason: ids for reason, ids in by_reason.items()},
        "draw_order": list(panel.draw_order),
        "seats": seats,
        "drawn_at": panel.drawn_at.isoformat() if panel.drawn_at else None,
        "published_at": panel.published_at.isoformat() if published else None,
        "procedure": PROCEDURE,
    }


def published_panel(panel_id) -> Panel | None:
    """A panel whose draw record is public (published with the result notice), or None."""
    try:
        pk = int(panel_id)
    except (TypeError, ValueError):
        return None
    return Panel.objects.select_related("lot__project").filter(pk=pk, published_at__isnull=False).first()
