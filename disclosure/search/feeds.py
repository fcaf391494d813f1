"""Atom feeds of notices (RFC 4287), built with django.utils.feedgenerator.Atom1Feed: per kind of
notice and per saved search (the search page's query string), newest first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.i18n import in_english
from procurement.models import Notice

from . import selectors
from .selectors import Criteria

FEED_ITEMS = 50
SUMMARY_LENGTH = 300


def atom(request: HttpRequest, criteria: Criteria, *, title: str, page_url: str) -> HttpResponse:
    english = in_english()
    entries, _next = selectors.page(criteria, position=None, size=FEED_ITEMS, english=english)
    feed = Atom1Feed(
        title=title,
        link=request.build_absolute_uri(page_url),
        description=_("The newest public notices of the Sunlight procurement platform."),
        feed_url=request.build_absolute_uri(),
        language=get_language(),
    )
    kinds = {value: str(label) for value, label in Notice.Kind.choices}
    for entry in entries:
        notice = entry.notice
        body = " ".join((notice.body_en if english else notice.body_zh).split())
        summary = body[:SUMMARY_LENGTH] + ("…" if len(body) > SUMMARY_LENGTH else "")
        link = request.build_absolute_uri(reverse("notices:detail", args=[notice.pk]))
        feed.add_item(
            title=notice.title_en if english else notice.title_zh,
            link=link,
            # The summary is declared type="html": the text is escaped, so it stays text.
            description=escape(summary),
            unique_id=link,
            pubdate=entry.published_at,
            updateddate=entry.published_at,
            author_name=entry.purchaser.name,
            categories=[kinds.get(entry.kind, entry.kind)],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def invalid(request: HttpRequest, form) -> HttpResponse:
    """A feed asked with bad criteria: 400 with the translated errors as plain text."""
    lines = [str(message) for messages in form.errors.values() for message in messages]
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")
