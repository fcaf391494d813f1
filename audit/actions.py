"""Translated names of audit actions, so that pages show "Logged in", not "accounts.login".

Each app registers the actions it records from its AppConfig.ready(); a test checks that every
action named in a record_event(...) call has a label.
"""

from collections.abc import Mapping

from django.utils.functional import Promise

_LABELS: dict[str, Promise] = {}


def register(labels: Mapping[str, Promise]) -> None:
    _LABELS.update(labels)


def action_label(action: str) -> str:
    """The action's translated label, or its dotted name if none is registered."""
    label = _LABELS.get(action)
    return str(label) if label is not None else action


def registered_actions() -> frozenset[str]:
    return frozenset(_LABELS)
