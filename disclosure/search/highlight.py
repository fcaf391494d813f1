"""Matched words in a title or a snippet of a notice, wrapped in <mark>.

The text is escaped piece by piece and only our own <mark> tags are added around the escaped
pieces: whatever a title or a body holds (or a query asks), it is shown as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .tokenizer import is_cjk, is_prefix_token, prepare, token_spans

SNIPPET_LENGTH = 160
SNIPPET_LEAD = 30  # characters shown before the first match
# Only the start of a long body is scanned for the snippet (bodies of tens of thousands of
# characters exist; the words are still found by the index, the snippet then shows the start).
SNIPPET_SCAN_LENGTH = 20_000


def _spans(text: str, query_tokens: Iterable[str]) -> list[tuple[int, int]]:
    wanted = set(query_tokens)
    prefixes = {token for token in wanted if is_prefix_token(token)}
    spans = []
    for token in token_spans(text):
        if token.text in wanted:
            spans.append((token.start, token.end))
        elif prefixes and is_cjk(token.text[0]) and token.text[0] in prefixes:
            spans.append((token.start, token.start + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    pieces = []
    at = 0
    for start, end in spans:
        pieces.append(escape(text[at:start]))
        pieces.append("<mark>" + escape(text[start:end]) + "</mark>")
        at = end
    pieces.append(escape(text[at:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of the text is escaped above


def highlight(text: str, query_tokens: Iterable[str]) -> SafeString:
    """`text`, escaped, with every matched token in <mark>."""
    text = prepare(text)
    return _marked(text, _spans(text, query_tokens))


def snippet(text: str, query_tokens: Iterable[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """About `length` characters of `text` around its first match (its start when nothing
    matches), on one line, escaped, with the matches in <mark>."""
    text = " ".join(prepare(text[:SNIPPET_SCAN_LENGTH]).split())
    spans = _spans(text, query_tokens)
    start = max(0, spans[0][0] - SNIPPET_LEAD) if spans else 0
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    window = text[start:end]
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = _marked(window, inside)
    lead = "… " if start > 0 else ""
    tail = " …" if end < len(text) else ""
    return mark_safe(lead + body + tail)  # noqa: S308 - body is escaped by _marked, the rest is ours
