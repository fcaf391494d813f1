"""Audit action labels of bidding.panels, registered by BiddingConfig.ready()."""

from django.utils.translation import gettext_lazy as _  # noqa: F401

LABELS: dict = {}
