"""Audit action labels of the expert pool and the draw, registered by ExpertsConfig.ready()."""

from django.utils.translation import gettext_lazy as _  # noqa: F401

LABELS: dict = {}
