"""Reads of the red flags for the pages: the public project page's lot flags, the regulator's
worklist (region-scoped) and the detail of one lot or one party. Querysets come with what the
templates need, so no query runs in a loop or a template."""

from collections import defaultdict

from django.db.models import F, Q, QuerySet

from accounts.models import Organisation
from accounts.policies import jurisdiction_prefix
from disclosure.models import RedFlag
from procurement.models import Lot, Project

from .indicators import PUBLIC_CODES


def public_flags_for_project(project: Project) -> dict[int, list[RedFlag]]:
    """The public lot-level flags of a project's lots, by lot id (lots without a flag are absent),
    each lot's flags in code order. One query.

    Only indicators marked public: flags about a company or a person, the collusion screens and
    the expert deviations stay on the regulator's worklist. A flag exists only for a lot whose
    bids were opened (and, where it rests on the outcome, whose result is published), so nothing
    of a sealed bid can show here."""
    flags: dict[int, list[RedFlag]] = defaultdict(list)
    rows = RedFlag.objects.filter(
        lot__project=project, level=RedFlag.Level.LOT, code__in=sorted(PUBLIC_CODES)
    ).order_by("lot_id", "code", "pk")
    for flag in rows:
        flags[flag.lot_id].append(flag)
    return dict(flags)


def worklist(jurisdiction: str, *, code: str = "", level: str = "") -> QuerySet[RedFlag]:
    """The flags a regulator of region `jurisdiction` watches: lot flags of lots whose purchaser
    is in the region, party flags of organisations registered in it; newest lots (by opening)
    first, then the party flags, highest value first. Empty for a regulator without a region."""
    prefix = jurisdiction_prefix(jurisdiction or "")
    if not prefix:
        return RedFlag.objects.none()
    in_region = Q(level=RedFlag.Level.LOT, lot__project__purchaser__region_code__startswith=prefix) | (
        ~Q(level=RedFlag.Level.LOT) & Q(organisation__region_code__startswith=prefix)
    )
    qs = RedFlag.objects.filter(in_region)
    if code:
        qs = qs.filter(code=code)
    if level:
        qs = qs.filter(level=level)
    return qs.select_related("lot__project__purchaser", "lot__opening", "organisation").order_by(
        F("lot__opening__opened_at").desc(nulls_last=True),
        F("lot_id").desc(nulls_last=True),
        "level",
        "code",
        F("value").desc(nulls_last=True),
        "pk",
    )


def lot_for_regulator(jurisdiction: str, lot_id: int) -> Lot | None:
    """The lot with its project, purchaser and opening, if it is in the regulator's region."""
    prefix = jurisdiction_prefix(jurisdiction or "")
    if not prefix:
        return None
    return (
        Lot.objects.filter(pk=lot_id, project__purchaser__region_code__startswith=prefix)
        .select_related("project__purchaser", "project__agency", "opening")
        .first()
    )


def flags_of_lot(lot: Lot) -> list[RedFlag]:
    return list(RedFlag.objects.filter(lot=lot, level=RedFlag.Level.LOT).order_by("code", "pk"))


def party_for_regulator(jurisdiction: str, organisation_id: int) -> Organisation | None:
    prefix = jurisdiction_prefix(jurisdiction or "")
    if not prefix:
        return None
    return Organisation.objects.filter(pk=organisation_id, region_code__startswith=prefix).first()


def flags_of_party(organisation: Organisation) -> list[RedFlag]:
    return list(
        RedFlag.objects.filter(organisation=organisation)
        .exclude(level=RedFlag.Level.LOT)
        .order_by("level", "code")
    )
