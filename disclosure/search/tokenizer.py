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

import unicodedata
from collections.abc import Iterable, Iterator
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


class Token(NamedTuple):
    text: str
    start: int  # span in the text as given (after NFC), for highlighting
    end: int


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _normalised_chars(text: str) -> Iterator[tuple[str, int]]:
    """(normalised character, index in `text`): NFKC one character at a time, so every normalised
    character knows where it came from ("ｱ" or "Ａ" stays one character; "㈱" gives three)."""
    for index, char in enumerate(text):
        if char.isascii():
            yield char, index
            continue
        for normalised in unicodedata.normalize("NFKC", char):
            yield normalised, index


def token_spans(text: str) -> list[Token]:
    """The tokens of `text` with their spans. Callers pass NFC text (see `prepare`), so a letter
    and its combining accent are one character."""
    found: list[Token] = []
    run: list[tuple[str, int]] = []
    run_is_cjk = False

    def flush() -> None:
        if not run:
            return
        if run_is_cjk:
            if len(run) == 1:
                found.append(Token(run[0][0], run[0][1], run[0][1] + 1))
            else:
                for (first, first_at), (second, second_at) in zip(run, run[1:], strict=False):
                    found.append(Token(first + second, first_at, second_at + 1))
        else:
            word = "".join(char for char, _index in run).lower()[:MAX_WORD_LENGTH]
            found.append(Token(word, run[0][1], run[-1][1] + 1))
        run.clear()

    for char, index in _normalised_chars(text):
        if is_cjk(char):
            if run and not run_is_cjk:
                flush()
            run_is_cjk = True
            run.append((char, index))
        elif char.isalnum():
            if run and run_is_cjk:
                flush()
            run_is_cjk = False
            run.append((char, index))
        else:
            flush()
    flush()
    return found


def prepare(text: str) -> str:
    """The form of a text the spans refer to: NFC (composed accents), unchanged to the eye."""
    return unicodedata.normalize("NFC", text or "")


def tokens(text: str) -> list[str]:
    """Every token of `text` in order, repeats included."""
    return [token.text for token in token_spans(prepare(text))]


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
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


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
            position = min(position + 1, MAX_POSITION)
            kept = positions.setdefault(token, [])
            if len(kept) < MAX_POSITIONS_PER_TOKEN:
                kept.append(f"{position}{weight}")
        position = min(position + 1, MAX_POSITION)  # texts do not run into each other
    return " ".join(f"{_quote(token)}:{','.join(kept)}" for token, kept in positions.items())
