"""The platform's two languages: which one a text is being rendered in."""

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import get_language


def in_english() -> bool:
    """True while English is active (pages, e-mails, tasks under translation.override); else Chinese."""
    return (get_language() or "").startswith("en")


def in_both_languages[T](render: Callable[[], T]) -> tuple[T, T]:
    """render() once in Chinese and once in English: (Chinese, English). For texts stored in both
    languages (notices, notifications, import reports) from one lazy message or one template."""
    with translation.override("zh-hans"):
        zh = render()
    with translation.override("en"):
        en = render()
    return zh, en
