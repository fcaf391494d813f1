"""The words of the search (DESIGN §7): CJK bigrams and Latin words, the same for texts and queries.

A text is NFKC-normalised (full-width letters and digits become half-width, compatibility forms
their plain letters) and cut into runs:

- every run of CJK characters gives all its overlapping two-character bigrams ("采购项目" gives
  采购 购项 项目); a run of one CJK character gives itself;
- every run of other letters and digits gives one lower-cased word ("ISO-9001" gives iso, 9001);
- everything else (spaces, punctuation, symbols, emoji) separates runs and gives nothing.

A query is cut the same way and every token must match (AND), so any substring of two or more
Chinese characters of a text is found: its bigrams are among the text's bigrams. A query of one
CJK character matches as a prefix (the bigrams that start with it, or the character alone).

Plain functions without the ORM: the indexing, the search and the benchmark share them, and the
tests run them on plain strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

# The longest word kept (longer ones are cut, in texts and queries alike: Postgres refuses
# lexemes over 2 KB, and nobody searches for 64 letters at once).
MAX_WORD_LENGTH = 64
# Postgres keeps positions 1..16383 and at most 255 per lexeme; a few suffice for the ranking.
MAX_POSITION = 16383
MAX_POSITIONS_PER_TOKEN = 8

_CJK_RANGES = (
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs (NFKC maps most of them away)
    (0x20000, 0x323AF),  # CJK extensions B to H
)


_CJK_CLASS = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _CJK_RANGES)
# A run of CJK characters, or a run of other letters and digits (str.isalnum(), less CJK): in
# Python's re, [^\W_] is exactly isalnum().
_RUNS = re.compile(f"([{_CJK_CLASS}]+)|([^\\W_{_CJK_CLASS}]+)")


class Token(NamedTuple):
    text: str
    start: int  # span in the text as given (after NFC), for highlighting
    end: int


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """The NFKC text and, for each of its characters, the index in `text` it came from (None when
    the text is already NFKC: then they are the same). NFKC is applied one character at a time,
    so that every normalised character knows where it came from ("Ａ" stays one character, "㈱"
    gives three)."""
    if unicodedata.is_normalized("NFKC", text):
        return text, None
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        normalised = unicodedata.normalize("NFKC", char) if not char.isascii() else char
        chars.append(normalised)
        origin.extend([index] * len(normalised))
    return "".join(chars), origin


def token_spans(text: str) -> list[Token]:
    """The tokens of `text` with their spans. Callers pass NFC text (see `prepare`), so a letter
    and its combining accent are one character."""
    normalised, origin = _normalised(text)

    def span(start: int, end: int) -> tuple[int, int]:
        return (start, end) if origin is None else (origin[start], origin[end - 1] + 1)

    found: list[Token] = []
    for match in _RUNS.finditer(normalised):
        run = match.group()
        at = match.start()
        if match.group(1) is not None:  # CJK
            if len(run) == 1:
                found.append(Token(run, *span(at, at + 1)))
            else:
                found.extend(Token(run[i : i + 2], *span(at + i, at + i + 2)) for i in range(len(run) - 1))
        else:
            found.append(Token(run.lower()[:MAX_WORD_LENGTH], *span(at, match.end())))
    return found


def _token_texts(text: str) -> list[str]:
    """The tokens of `text` without spans: the indexing's hot path, so the whole text is
    normalised at once (C speed). That differs from one character at a time only where NFKC
    composes across characters (half-width kana with a separate voiced mark): texts and queries
    go through this same function, so they still match; only such a highlight may be missed."""
    normalised = unicodedata.normalize("NFKC", text)
    found: list[str] = []
    for cjk, word in _RUNS.findall(normalised):
        if cjk:
            if len(cjk) == 1:
                found.append(cjk)
            else:
                found.extend([cjk[i : i + 2] for i in range(len(cjk) - 1)])
        else:
            found.append(word.lower()[:MAX_WORD_LENGTH])
    return found


def prepare(text: str) -> str:
    """The form of a text the spans refer to: NFC (composed accents), unchanged to the eye."""
    return unicodedata.normalize("NFC", text or "")


def tokens(text: str) -> list[str]:
    """Every token of `text` in order, repeats included."""
    return _token_texts(prepare(text))


def query_tokens(query: str, *, limit: int = 64) -> list[str]:
    """The distinct tokens of a query in their order, at most `limit` of them."""
    seen: dict[str, None] = {}
    for token in tokens(query):
        seen.setdefault(token, None)
        if len(seen) >= limit:
            break
    return list(seen)


def is_prefix_token(token: str) -> bool:
    """A lone CJK character in a query matches the bigrams that start with it."""
    return len(token) == 1 and is_cjk(token)


def _quote(token: str) -> str:
    if "'" in token or "\\" in token:
        token = token.replace("\\", "\\\\").replace("'", "''")
    return f"'{token}'"


def tsquery_text(query_tokens_: Iterable[str]) -> str:
    """The tsquery (in Postgres' input syntax, cast without parsing) that needs every token."""
    parts = [_quote(token) + (":*" if is_prefix_token(token) else "") for token in query_tokens_]
    return " & ".join(parts)


def tsvector_text(weighted_texts: Iterable[tuple[str, str]]) -> str:
    """The tsvector (Postgres' input syntax, cast without parsing) of several texts, each with its
    weight ("A" for titles, "B" for bodies): positions count on across the texts and stop at
    MAX_POSITION; each token keeps its first MAX_POSITIONS_PER_TOKEN positions."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in weighted_texts:
        for token in tokens(text):
            if position < MAX_POSITION:
                position += 1
            kept = positions.get(token)
            if kept is None:
                positions[token] = [f"{position}{weight}"]
            elif len(kept) < MAX_POSITIONS_PER_TOKEN:
                kept.append(f"{position}{weight}")
        if position < MAX_POSITION:
            position += 1  # texts do not run into each other
    # Tokens are letters, digits and CJK characters only (the _RUNS classes): no quote or
    # backslash to escape; _quote still guards the rule.
    return " ".join(f"{_quote(token)}:{','.join(kept)}" for token, kept in positions.items())
