"""Helpers of the draw tests: a committed panel for the opened lot, and the draw with the lot's
own parties."""

import datetime

from django.db import transaction
from django.utils import timezone

from bidding.models import Bid
from experts import panels


def evaluation_day() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=2)


def commit(lot, officer, representatives, *, expert_seats=4, reserves=2, specialties=("A02",), **fields):
    with transaction.atomic():
        return panels.commit_panel(
            lot,
            actor=officer,
            size=expert_seats + len(representatives),
            expert_seats=expert_seats,
            purchaser_seats=len(representatives),
            reserves=reserves,
            specialties=list(specialties),
            evaluation_on=fields.pop("evaluation_on", evaluation_day()),
            answer_hours=fields.pop("answer_hours", 12),
            representatives=representatives,
        )


def bidder_codes(lot) -> list[str]:
    return list(
        Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).values_list("supplier__uscc", flat=True)
    )


def run_draw(panel, officer, *, preparers=()):
    lot = panel.lot
    return panels.draw(
        panel,
        actor=officer,
        bidder_credit_codes=bidder_codes(lot),
        purchaser_credit_code=lot.project.purchaser.uscc,
        preparer_user_ids=list(preparers),
    )
