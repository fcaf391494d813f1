"""Audit action labels of bidding.evaluation, registered by BiddingConfig.ready()."""

from django.utils.translation import gettext_lazy as _  # noqa: F401

LABELS: dict = {}
