from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiddingConfig(AppConfig):
    name = "bidding"
    verbose_name = _("Bidding")

    def ready(self):
        from audit.actions import register

        # Bid bonds (bidding/bonds.py).
        register(
            {
                "bidding.bond_required": _("Bid bond required"),
                "bidding.bond_lodged": _("Bid bond lodged"),
                "bidding.bond_verified": _("Bid bond verified"),
                "bidding.bond_rejected": _("Bid bond not accepted"),
                "bidding.bond_refundable": _("Bid bond to be refunded"),
                "bidding.bond_refunded": _("Bid bond refunded"),
                "bidding.bond_forfeited": _("Bid bond forfeited"),
                "bidding.bond_refund_overdue": _("Bid bond refund overdue (flagged to the regulator)"),
            }
        )
        # Sealed bids and their opening (bidding/services.py).
        register(
            {
                "bidding.bid_started": _("Bid preparation started"),
                "bidding.file_received": _("Bid file received (encrypted)"),
                "bidding.bid_submitted": _("Sealed bid submitted"),
                "bidding.bid_withdrawn": _("Bid withdrawn"),
                "bidding.opening_confirmed": _("Opening confirmed by an officer"),
                "bidding.bids_opened": _("Bids opened"),
                "bidding.sealed_read_refused": _("Refused attempt to read a sealed bid"),
            }
        )
        # Panels, evaluation, award, challenges and negotiation: each sub-domain names its actions.
        from .award.actions import LABELS as award_labels
        from .challenges.actions import LABELS as challenge_labels
        from .evaluation.actions import LABELS as evaluation_labels
        from .negotiation.actions import LABELS as negotiation_labels
        from .panels.actions import LABELS as panel_labels

        for labels in (panel_labels, evaluation_labels, award_labels, challenge_labels, negotiation_labels):
            register(labels)
        # Celery's autodiscovery imports bidding.tasks only: the bond sweep's task lives apart.
        from . import bond_tasks  # noqa: F401
        from .award import tasks as award_tasks  # noqa: F401
        from .challenges import tasks as challenge_tasks  # noqa: F401
        from .evaluation import tasks as evaluation_tasks  # noqa: F401
        from .negotiation import tasks as negotiation_tasks  # noqa: F401
        from .panels import tasks as panel_tasks  # noqa: F401
