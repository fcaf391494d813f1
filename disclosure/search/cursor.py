"""The opaque page cursor of the search: the position a page ends at and its order, signed.

A cursor that was altered, forged or made for another order does not load: InvalidCursor (the form
turns it into a translated 400). Signing keeps the cursor honest, not secret: it only holds a
time, a notice id and a rank of public results.
"""

from __future__ import annotations

import datetime

from django.core import signing

from .selectors import Position

SALT = "disclosure.search.cursor"


class InvalidCursor(ValueError):
    pass


def dump(position: Position, order: str) -> str:
    data = {"o": order, "t": position.published_at.isoformat(), "n": position.notice_id}
    if position.rank is not None:
        data["r"] = repr(position.rank)
    return signing.dumps(data, salt=SALT, compress=True)


def load(cursor: str, order: str) -> Position:
    try:
        data = signing.loads(cursor, salt=SALT)
        if not isinstance(data, dict) or data.get("o") != order:
            raise InvalidCursor("another order")
        published_at = datetime.datetime.fromisoformat(data["t"])
        notice_id = int(data["n"])
        rank = float(data["r"]) if "r" in data else None
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidCursor(str(exc)) from exc
    if published_at.tzinfo is None:
        raise InvalidCursor("naive time")
    return Position(published_at, notice_id, rank)
