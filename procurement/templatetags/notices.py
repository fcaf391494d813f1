"""Filters of the public notice pages."""

import re

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

register = template.Library()

# A path of this site written in a notice's text, e.g. the draw record "/experts/draws/12/" that a
# result notice names: a path of lower-case words, digits and slashes that starts with a slash,
# not inside a longer word or URL.
_SITE_PATH = re.compile(r"(?<![\w/:.])(/(?:[a-z0-9_-]+/)+)")


@register.filter(needs_autoescape=True)
def notice_text(text: str, autoescape: bool = True) -> str:
    """The notice's text as paragraphs (like linebreaks), its site paths made links."""
    escaped = escape(text) if autoescape else text
    linked = _SITE_PATH.sub(r'<a href="\1">\1</a>', escaped)
    return mark_safe(linebreaks(linked, autoescape=False))  # noqa: S308 - escaped above, then only our links
