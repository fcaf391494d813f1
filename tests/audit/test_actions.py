"""Every action the code records has a translated label."""

import re
from pathlib import Path

from django.utils import translation

from audit.actions import action_label, registered_actions

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "audit",
    "rulebook",
    "procurement",
    "suppliers",
    "experts",
    "bidding",
    "contracts",
    "credit",
    "disclosure",
    "common",
]
RECORDED = re.compile(r"""record_event\(\s*["']([a-z0-9_.]+)["']""")


def _recorded_actions() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            found.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_recorded_action_has_a_label():
    recorded = _recorded_actions()
    assert "accounts.login" in recorded  # the scan itself works
    assert recorded - registered_actions() == set()


def test_labels_are_translated():
    with translation.override("zh-hans"):
        assert action_label("accounts.login") == "登录"
    with translation.override("en"):
        assert action_label("accounts.login") == "Logged in"
    assert action_label("unknown.action") == "unknown.action"
