"""A supplier's bid receipt, as the verification page reads it: parsed and checked for shape, its
own SHA-256 recomputed, and compared with the audit event it names. Plain functions over plain
data (no ORM): disclosure.portal.trail fetches the event and the bid.

A receipt is the JSON the bid pages and the API give (bidding.services.receipt_of plus
receipt_sha256):

    {"bid": uuid, "lot": int, "project": reference, "lot_number": int, "supplier": int,
     "status": "submitted"|"withdrawn"|"opened", "received_at": ISO time, "withdrawn_at": ISO time|null,
     "files": [{"document": key, "size": int, "sha256": hex}], "sealed_price_sha256": hex,
     "replaces": uuid|null, "audit_sequence": int, "receipt_sha256": hex}

receipt_sha256 is the SHA-256 of the canonical JSON (keys sorted, separators "," and ":") of every
field but audit_sequence and receipt_sha256, as written when the receipt was issued. A receipt
downloaded again after the opening says "opened" while its hash was made when it said
"submitted": both are accepted.
"""

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The largest receipt accepted (a receipt of a bid with many documents is a few kilobytes).
MAX_RECEIPT_BYTES = 64 * 1024

SUBMITTED_ACTION = "bidding.bid_submitted"
WITHDRAWN_ACTION = "bidding.bid_withdrawn"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_STATUSES = ("submitted", "withdrawn", "opened")
_FIELDS = {
    "bid",
    "lot",
    "project",
    "lot_number",
    "supplier",
    "status",
    "received_at",
    "withdrawn_at",
    "files",
    "sealed_price_sha256",
    "replaces",
    "audit_sequence",
    "receipt_sha256",
}


class InvalidReceipt(ValueError):
    """Not a receipt: the message says what is wrong, in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Receipt:
    content: dict  # every field as given, for the hash
    bid: uuid.UUID
    lot: int
    status: str
    received_at: dt.datetime
    withdrawn_at: dt.datetime | None
    files: dict[str, str]  # document key -> SHA-256
    sealed_price_sha256: str
    replaces: uuid.UUID | None
    audit_sequence: int
    receipt_sha256: str

    @property
    def action(self) -> str:
        """The audit action the receipt was issued for."""
        return WITHDRAWN_ACTION if self.status == "withdrawn" else SUBMITTED_ACTION


def _int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise InvalidReceipt(
            _("The receipt's field %(field)s must be a positive whole number.") % {"field": name}
        )
    return value


def _uuid(value, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value)) if isinstance(value, str) else _fail_uuid(name)
    except ValueError:
        return _fail_uuid(name)


def _fail_uuid(name: str):
    raise InvalidReceipt(_("The receipt's field %(field)s must be an identifier (UUID).") % {"field": name})


def _hex(value, name: str) -> str:
    if not isinstance(value, str) or not _HEX64.match(value):
        raise InvalidReceipt(
            _("The receipt's field %(field)s must be a SHA-256 (64 hexadecimal digits).") % {"field": name}
        )
    return value


def _time(value, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidReceipt(
            _("The receipt's field %(field)s must be a time with its zone (ISO 8601).") % {"field": name}
        )
    return parsed


def parse(text: str | bytes) -> Receipt:
    """The receipt in `text`, or InvalidReceipt saying what is wrong (never what is stored)."""
    if isinstance(text, bytes):
        if len(text) > MAX_RECEIPT_BYTES:
            raise InvalidReceipt(_("A receipt is a few kilobytes; this is too large."))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidReceipt(_("The receipt must be JSON text (UTF-8).")) from None
    if len(text.encode("utf-8", "surrogatepass")) > MAX_RECEIPT_BYTES:
        raise InvalidReceipt(_("A receipt is a few kilobytes; this is too large."))
    try:
        content = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidReceipt(
            _("This is not a bid receipt: paste the receipt's JSON exactly as you downloaded it.")
        ) from None
    if not isinstance(content, dict) or not _FIELDS <= set(content):
        raise InvalidReceipt(
            _("This is not a bid receipt: a receipt has the fields %(fields)s.")
            % {"fields": ", ".join(sorted(_FIELDS))}
        )
    if set(content) - _FIELDS:
        raise InvalidReceipt(_("This receipt has fields a bid receipt does not have."))
    status = content["status"]
    if status not in _STATUSES:
        raise InvalidReceipt(_("The receipt's status must be submitted, withdrawn or opened."))
    files = content["files"]
    if not isinstance(files, list) or not files:
        raise InvalidReceipt(_("The receipt must list the files of the bid."))
    by_document: dict[str, str] = {}
    for item in files:
        if (
            not isinstance(item, dict)
            or set(item) != {"document", "size", "sha256"}
            or not isinstance(item["document"], str)
            or not item["document"]
            or item["document"] in by_document
        ):
            raise InvalidReceipt(_("Each file of the receipt has a document, a size and a SHA-256."))
        _int(item["size"], "files.size")
        by_document[item["document"]] = _hex(item["sha256"], "files.sha256")
    for name in ("project",):
        if not isinstance(content[name], str) or not content[name]:
            raise InvalidReceipt(_("The receipt's field %(field)s must be text.") % {"field": name})
    _int(content["lot_number"], "lot_number")
    _int(content["supplier"], "supplier")
    withdrawn_at = content["withdrawn_at"]
    if status == "withdrawn" and withdrawn_at is None:
        raise InvalidReceipt(_("A withdrawal receipt says when the bid was withdrawn."))
    return Receipt(
        content=content,
        bid=_uuid(content["bid"], "bid"),
        lot=_int(content["lot"], "lot"),
        status=status,
        received_at=_time(content["received_at"], "received_at"),
        withdrawn_at=None if withdrawn_at is None else _time(withdrawn_at, "withdrawn_at"),
        files=by_document,
        sealed_price_sha256=_hex(content["sealed_price_sha256"], "sealed_price_sha256"),
        replaces=None if content["replaces"] is None else _uuid(content["replaces"], "replaces"),
        audit_sequence=_int(content["audit_sequence"], "audit_sequence"),
        receipt_sha256=_hex(content["receipt_sha256"], "receipt_sha256"),
    )


def receipt_hash(content: dict) -> str:
    """SHA-256 of a receipt's content, as the bidding service computes it when issuing one."""
    data = {key: value for key, value in content.items() if key not in ("audit_sequence", "receipt_sha256")}
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def is_intact(receipt: Receipt) -> bool:
    """Does the receipt's own SHA-256 match its content? (Any changed field breaks it.)"""
    if receipt_hash(receipt.content) == receipt.receipt_sha256:
        return True
    # Downloaded again after the opening: the status reads "opened", the hash was made on "submitted".
    return receipt.status == "opened" and (
        receipt_hash(receipt.content | {"status": "submitted"}) == receipt.receipt_sha256
    )


def _same_time(recorded, given: dt.datetime | None) -> bool:
    if recorded is None or given is None:
        return recorded is None and given is None
    try:
        return dt.datetime.fromisoformat(str(recorded).replace("Z", "+00:00")) == given
    except ValueError:
        return False


def matches_event(receipt: Receipt, *, action: str, data: dict) -> bool:
    """Does the audit event (its action and recorded data) say what the receipt says?"""
    if action != receipt.action or not isinstance(data, dict):
        return False
    if data.get("bid") != str(receipt.bid) or data.get("lot") != receipt.lot:
        return False
    if receipt.action == WITHDRAWN_ACTION:
        return _same_time(data.get("withdrawn_at"), receipt.withdrawn_at)
    return (
        _same_time(data.get("received_at"), receipt.received_at)
        and data.get("files") == receipt.files
        and data.get("sealed_price_sha256") == receipt.sealed_price_sha256
        and data.get("replaces") == (str(receipt.replaces) if receipt.replaces else None)
    )
