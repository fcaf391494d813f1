"""Sealed bids and their opening: every write of a bid, one transaction each (bonds: bidding/bonds.py).

    start_bid ─▶ begin_file / receive_file_data (chunks, resumable) ─▶ submit_bid ─▶ (withdraw_bid)
    close (procurement.close_bidding at the deadline) ─▶ confirm_opening × 2 officers ─▶ open_lot

The deadline is the database clock's (`clock_timestamp()`), read inside the submitting
transaction: the receipt time is that reading, and a bid whose reading is after the deadline is
refused. The lot's private key is unwrapped in one place only: `_open_lot`, after the deadline.
"""

import datetime
import hashlib
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import magic
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role, User
from accounts.policies import acting_membership
from audit import services as audit
from common.exceptions import Conflict, InvalidInput
from common.uploads import UploadRejected
from credit.eligibility import Action, check_eligibility
from procurement import services as procurement_services
from procurement.models import Lot, Notice, Project, TenderDocument
from rulebook.selectors import rule_int
from suppliers.selectors import bidding_obstacles

from . import collusion, document_metadata, policies, sealing, uploads
from .exceptions import (
    BiddingClosed,
    BidNotFound,
    IncompleteBid,
    LateBid,
    NotEligibleToBid,
    OpeningRefused,
    UploadConflict,
)
from .models import Bid, BidFile, Bond, CollusionFlag, LotKey, Opening


def _message(text, params: dict):
    return lazy(lambda: str(text) % params, str)()


def _db_now() -> datetime.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


# --- Who bids, and for what --------------------------------------------------------------------


def supplier_of(actor: User) -> Organisation:
    """The supplier organisation the actor represents, or 403 (agency staff, experts… cannot bid)."""
    membership = acting_membership(actor)
    if (
        membership is None
        or membership.role != Role.SUPPLIER_REPRESENTATIVE
        or membership.organisation.kind != Organisation.Kind.SUPPLIER
    ):
        raise NotEligibleToBid(_("Only a supplier's representative can prepare a bid."))
    return membership.organisation


def current_document(project: Project) -> TenderDocument:
    document = (
        project.tender_documents.filter(status=TenderDocument.Status.PUBLISHED).order_by("-version").first()
    )
    if document is None:
        raise BiddingClosed(_("The tender documents of this lot are not published."))
    return document


def bid_obstacles(supplier: Organisation, lot: Lot, document: TenderDocument) -> list:
    """Every reason why `supplier` may not bid for `lot` now (empty: it may): its registration and
    licences (suppliers), its credit (blacklist; commitment-letter grade), and its bid bond."""
    deadline_day = timezone.localdate(lot.project.bid_deadline)
    reasons = list(
        bidding_obstacles(
            supplier, required_qualifications=tuple(document.required_qualifications or ()), on=deadline_day
        )
    )
    answer = check_eligibility(supplier, Action.SUBMIT_BID)
    if not answer.allowed:
        reasons.extend(answer.reasons)
    return reasons


def _require_may_bid(supplier: Organisation, lot: Lot, document: TenderDocument) -> None:
    reasons = bid_obstacles(supplier, lot, document)
    if reasons:
        raise NotEligibleToBid(
            _message(
                _("Your organisation may not bid for this lot: %(reasons)s"), {"reasons": _Joined(reasons)}
            ),
            code="not_eligible_to_bid",
        )


class _Joined:
    def __init__(self, reasons):
        self.reasons = reasons

    def __str__(self) -> str:
        return "; ".join(str(reason) for reason in self.reasons)


def bond_required(lot: Lot, document: TenderDocument) -> Decimal:
    try:
        return Decimal(str((document.bonds or {}).get(str(lot.number)) or "0"))
    except InvalidOperation:
        return Decimal("0")


def _require_bond(supplier: Organisation, lot: Lot, document: TenderDocument) -> None:
    if bond_required(lot, document) <= 0:
        return
    lodged = Bond.objects.filter(
        lot=lot, supplier=supplier, status__in=[Bond.Status.LODGED, Bond.Status.VERIFIED]
    ).exists()
    if not lodged:
        raise IncompleteBid(
            _("Lodge the bid bond for this lot before submitting the bid."), code="bond_not_lodged"
        )


def _open_lot_for_bids(lot_id, *, lock: bool) -> Lot:
    qs = Lot.objects.select_related("project__purchaser", "project__agency")
    if lock:
        qs = qs.select_for_update(of=("self",))
    lot = qs.filter(pk=lot_id).first() if str(lot_id).isdigit() else None
    if lot is None or lot.project.status != Project.Status.TENDERING:
        raise BidNotFound(_("No such lot open for bids."))
    if lot.status != Lot.Status.OPEN_FOR_BIDS:
        raise BiddingClosed()
    return lot


def _lot_key(lot: Lot) -> LotKey:
    """The lot's key pair, made by the first bid. No lock on the lot row: bids only reference it
    (a key-share lock), and a row lock there queued them behind each other and, with the audit
    chain's lock, deadlocked a burst. Two first bids racing insert once (the unique lot); the
    later one waits for the earlier's transaction and then reads its key."""
    key = LotKey.objects.filter(lot=lot).first()
    if key is None:
        kek = sealing.key_encryption_key()
        public, wrapped = sealing.new_lot_key(lot.pk, kek)
        LotKey.objects.bulk_create(
            [LotKey(lot=lot, public_key=public, wrapped_private_key=wrapped, kek_id=sealing.key_id(kek))],
            ignore_conflicts=True,
        )
        key = LotKey.objects.get(lot=lot)
    return key


# --- Preparing a bid ---------------------------------------------------------------------------


@transaction.atomic
def start_bid(lot_id, *, actor: User) -> Bid:
    """The supplier's draft bid for the lot (made once: a second click returns the same draft).
    Its fresh data key is sealed to the lot's public key at once."""
    supplier = supplier_of(actor)
    lot = _open_lot_for_bids(lot_id, lock=False)
    if lot.project.bid_deadline <= _db_now():
        raise LateBid(_deadline_message(lot.project.bid_deadline), code="late_bid")
    document = current_document(lot.project)
    _require_may_bid(supplier, lot, document)
    draft = Bid.objects.filter(lot=lot, supplier=supplier, status=Bid.Status.DRAFT).first()
    if draft is not None:
        return draft
    key = _lot_key(lot)
    public_id = uuid.uuid4()
    data_key = sealing.new_data_key()
    kek = sealing.key_encryption_key()
    active = Bid.objects.filter(lot=lot, supplier=supplier, status=Bid.Status.SUBMITTED).first()
    if active is not None:
        _refuse_if_inquiry(lot)
    try:
        with transaction.atomic():  # a savepoint: two clicks at once make one draft
            bid = Bid.objects.create(
                public_id=public_id,
                lot=lot,
                supplier=supplier,
                prepared_by=actor,
                sealed_key=sealing.seal_to_lot(key.public_key, data_key, sealing.bid_key_aad(public_id)),
                draft_key=sealing.wrap(kek, data_key, sealing.draft_key_aad(public_id)),
                replaces=active,
            )
    except IntegrityError:
        return Bid.objects.get(lot=lot, supplier=supplier, status=Bid.Status.DRAFT)
    audit.record_event(
        "bidding.bid_started",
        actor=actor,
        organisation=supplier,
        target=bid,
        data={"bid": bid.public_id, "lot": lot.pk, "replaces": active.public_id if active else None},
    )
    return bid


def _draft_key(bid: Bid) -> bytes:
    return sealing.unwrap(sealing.key_encryption_key(), bid.draft_key, sealing.draft_key_aad(bid.public_id))


def _own_bid(public_id, actor: User, *, lock: bool = False) -> Bid:
    supplier = supplier_of(actor)
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise BidNotFound() from None
    qs = Bid.objects.select_related("lot__project")
    if lock:
        qs = qs.select_for_update(of=("self",))
    bid = qs.filter(public_id=key, supplier=supplier).first()
    if bid is None:
        raise BidNotFound()
    return bid


def _response_keys(document: TenderDocument) -> list[str]:
    return [item["key"] for item in (document.response_documents or [])]


def _segment_name(bid_file: BidFile, index: int) -> str:
    return f"{bid_file.storage_prefix}/{index:06d}.seg"


@transaction.atomic
def begin_file(
    bid_public_id, *, actor: User, upload_key, document_key: str, name: str, size, fingerprint: str = ""
) -> BidFile:
    """Announce one response document of a draft bid. The same upload key again (a retry, a
    resumed upload) returns the same file, if it is the same file; a new key for a document
    replaces the earlier file of that document."""
    bid = _own_bid(bid_public_id, actor, lock=True)
    if bid.status != Bid.Status.DRAFT:
        raise Conflict(_("Only a bid being prepared takes files; start a new version to change it."))
    try:
        upload_key = uuid.UUID(str(upload_key))
    except ValueError:
        raise InvalidInput(_("The upload key is not valid."), code="upload_key_invalid") from None
    try:
        size = int(size)
    except (TypeError, ValueError):
        raise InvalidInput(_("The file size is not a number."), code="size_invalid") from None
    fingerprint = str(fingerprint or "")[:64]
    existing = BidFile.objects.select_for_update().filter(upload_key=upload_key).first()
    if existing is not None:
        if (
            existing.bid_id != bid.pk
            or existing.size != size
            or existing.document_key != document_key
            or (existing.fingerprint != fingerprint)
        ):
            raise UploadConflict(
                _("This upload was started with another file. Start the upload again."), code="upload_changed"
            )
        if existing.status == BidFile.Status.DISCARDED:
            raise UploadConflict(
                _("This upload was discarded. Start the upload again."), code="upload_discarded"
            )
        return existing
    document = current_document(bid.lot.project)
    if document_key not in _response_keys(document):
        raise InvalidInput(
            _("The tender documents ask for no such response document."), code="document_unknown"
        )
    clean_name = uploads.check_name(name, size, max_bytes=settings.BID_FILE_MAX_BYTES)
    data_key = _draft_key(bid)
    for old in (
        BidFile.objects.select_for_update()
        .filter(bid=bid, document_key=document_key)
        .exclude(status=BidFile.Status.DISCARDED)
    ):
        old.status = BidFile.Status.DISCARDED
        old.save(update_fields=["status", "updated_at"])
        transaction.on_commit(lambda old=old: _delete_segments(old))
    bid_file = BidFile.objects.create(
        bid=bid,
        upload_key=upload_key,
        document_key=document_key,
        sealed_name=sealing.wrap(data_key, clean_name.encode(), sealing.name_aad(upload_key)),
        size=size,
        fingerprint=fingerprint,
        storage_prefix=f"bidding/sealed/{bid.lot_id}/{bid.public_id}/{upload_key}",
    )
    return bid_file


def _delete_segments(bid_file: BidFile) -> None:
    for index in range(bid_file.segments + 1):
        default_storage.delete(_segment_name(bid_file, index))


def _read_exactly(stream, n: int) -> bytes:
    parts, remaining = [], n
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _stored_segment(bid_file: BidFile, data_key: bytes, index: int) -> bytes:
    with default_storage.open(_segment_name(bid_file, index), "rb") as handle:
        return sealing.decrypt_segment(data_key, bid_file.upload_key, index, handle.read())


def _store_segment(bid_file: BidFile, data_key: bytes, index: int, plaintext: bytes) -> None:
    name = _segment_name(bid_file, index)
    if default_storage.exists(name):  # left by an attempt that stopped before it was counted
        default_storage.delete(name)
    default_storage.save(
        name, ContentFile(sealing.encrypt_segment(data_key, bid_file.upload_key, index, plaintext))
    )


class _Sealer:
    """Hashes, encrypts and stores a file's segments. For a file of several segments these are two
    helper threads — one hashing, one encrypting and storing — while the request thread reads the
    next segment from the network: hashlib, AES-GCM and file writes release the GIL on large
    buffers, so the three overlap and the slowest (SHA-256) sets the pace."""

    DEPTH = 3  # segments in flight at most (a few MiB of memory, whatever the file's size)

    def __init__(self, bid_file: BidFile, data_key: bytes, digest, *, threaded: bool):
        self.bid_file = bid_file
        self.data_key = data_key
        self.digest = digest
        self._hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hasher") if threaded else None
        self._sealer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sealer") if threaded else None
        self._pending: list = []

    def _store(self, index: int, plaintext: bytes) -> None:
        _store_segment(self.bid_file, self.data_key, index, plaintext)

    def put(self, index: int, plaintext: bytes) -> None:
        if self._hasher is None:
            self.digest.update(plaintext)
            self._store(index, plaintext)
            return
        while len(self._pending) >= 2 * self.DEPTH:  # the oldest segment's two stages
            self._pending.pop(0).result()
        # One worker per stage keeps the order: the digest sees the segments in sequence.
        self._pending.append(self._hasher.submit(self.digest.update, plaintext))
        self._pending.append(self._sealer.submit(self._store, index, plaintext))

    def wait(self) -> None:
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()  # a storage error surfaces here, in the request thread

    def close(self) -> None:
        try:
            self.wait()
        finally:
            for pool in (self._hasher, self._sealer):
                if pool is not None:
                    pool.shutdown()


@dataclass
class Received:
    file: BidFile
    complete: bool
    error: Exception | None = None


def receive_file_data(upload_key, *, actor: User, offset, stream) -> BidFile:
    """Take the bytes of a file from `offset` (a multiple of the segment size, at most what was
    received): each full segment is encrypted with the bid's data key and stored through the
    storage API as it arrives, so the file is never held in memory and a dropped connection keeps
    what was stored. A resumed upload re-sends the last stored segment first; if those bytes
    differ, the file changed and the upload is discarded. At the end the file's kind is sniffed
    and, for archives, their central directory checked; a refused file is discarded whole."""
    outcome = _receive(upload_key, actor=actor, offset=offset, stream=stream)
    if outcome.error is not None:
        raise outcome.error
    return outcome.file


@transaction.atomic
def _receive(upload_key, *, actor: User, offset, stream) -> Received:
    supplier = supplier_of(actor)
    try:
        key = uuid.UUID(str(upload_key))
        offset = int(offset)
    except (TypeError, ValueError):
        raise InvalidInput(_("The upload key or offset is not valid."), code="upload_invalid") from None
    bid_file = (
        BidFile.objects.select_for_update(of=("self",))
        .select_related("bid__lot__project")
        .filter(upload_key=key, bid__supplier=supplier)
        .first()
    )
    if bid_file is None:
        raise BidNotFound(_("No such upload."))
    bid = bid_file.bid
    if bid.status != Bid.Status.DRAFT or bid_file.status == BidFile.Status.DISCARDED:
        raise UploadConflict(
            _("This upload can no longer take data. Start the upload again."), code="upload_closed"
        )
    if bid_file.status == BidFile.Status.COMPLETE:
        return Received(bid_file, True)
    if bid.lot.project.bid_deadline <= _db_now():
        raise LateBid(_deadline_message(bid.lot.project.bid_deadline), code="late_bid")
    segment_bytes = settings.BID_UPLOAD_SEGMENT_BYTES
    resend = bid_file.segments > 0 and offset == bid_file.received - segment_bytes
    if offset != bid_file.received and not resend:
        raise UploadConflict(
            _message(
                _("The upload continues at byte %(offset)s, not %(asked)s."),
                {"offset": bid_file.received, "asked": offset},
            ),
            code="upload_offset",
        )
    data_key = _draft_key(bid)
    digest = hashlib.sha256()
    # A resumed upload: the hash of what is stored is read back (only then is anything decrypted),
    # and the re-sent last segment must be the stored one, byte for byte.
    stored = b""
    for index in range(bid_file.segments):
        stored = _stored_segment(bid_file, data_key, index)
        if not (resend and index == bid_file.segments - 1):
            digest.update(stored)
    if resend:
        again = _read_exactly(stream, segment_bytes)
        if again != stored:
            bid_file.status = BidFile.Status.DISCARDED
            bid_file.save(update_fields=["status", "updated_at"])
            transaction.on_commit(lambda: _delete_segments(bid_file))
            return Received(
                bid_file,
                False,
                UploadConflict(
                    _(
                        "The file changed since its upload began. "
                        "Choose it again to upload it from the start."
                    ),
                    code="upload_changed",
                ),
            )
        digest.update(again)
    dropped = False
    sealer = _Sealer(bid_file, data_key, digest, threaded=bid_file.size - bid_file.received > segment_bytes)
    try:
        while bid_file.received < bid_file.size:
            want = min(segment_bytes, bid_file.size - bid_file.received)
            try:
                plaintext = _read_exactly(stream, want)
            except OSError:  # the connection dropped (UnreadablePostError is an OSError)
                dropped = True
                break
            if len(plaintext) < want:  # the request ended early: what was stored stays
                dropped = True
                break
            if bid_file.segments == 0:
                try:
                    uploads.check_content(_file_name(bid_file, data_key), plaintext)
                except UploadRejected as exc:
                    return _discard(bid_file, exc)
            sealer.put(bid_file.segments, plaintext)
            bid_file.segments += 1
            bid_file.received += len(plaintext)
    finally:
        sealer.close()
    if not dropped and stream.read(1):
        return _discard(
            bid_file,
            UploadRejected(_("More bytes arrived than the file's declared size."), code="file_size_mismatch"),
        )
    complete = bid_file.received == bid_file.size and not dropped
    fields = ["segments", "received", "updated_at"]
    if complete:
        extension = _file_extension(bid_file, data_key)
        if extension in uploads.ZIP_KINDS:
            problem = _archive_problem(bid_file, data_key, extension)
            if problem:
                return _discard(bid_file, uploads.refuse_archive(_file_name(bid_file, data_key), problem))
        bid_file.sha256 = digest.hexdigest()
        bid_file.status = BidFile.Status.COMPLETE
        fields += ["sha256", "status"]
    bid_file.save(update_fields=fields)
    if complete:
        audit.record_event(
            "bidding.file_received",
            actor=actor,
            organisation=supplier,
            target=bid,
            data={
                "bid": bid.public_id,
                "document": bid_file.document_key,
                "sha256": bid_file.sha256,
                "size": bid_file.size,
            },
        )
    if dropped:
        return Received(
            bid_file,
            False,
            InvalidInput(
                _message(
                    _("The connection dropped; the upload can resume at byte %(offset)s."),
                    {"offset": bid_file.received},
                ),
                code="upload_incomplete",
            ),
        )
    return Received(bid_file, complete)


def _file_name(bid_file: BidFile, data_key: bytes) -> str:
    return sealing.unwrap(data_key, bid_file.sealed_name, sealing.name_aad(bid_file.upload_key)).decode()


def _file_extension(bid_file: BidFile, data_key: bytes) -> str:
    return uploads.extension(_file_name(bid_file, data_key))


def _archive_problem(bid_file: BidFile, data_key: bytes, extension: str) -> str | None:
    reader = uploads.SealedFileReader(
        bid_file.size,
        settings.BID_UPLOAD_SEGMENT_BYTES,
        lambda index: _stored_segment(bid_file, data_key, index),
    )
    problem = document_metadata.zip_is_safe(reader, max_total_bytes=settings.BID_FILE_MAX_BYTES * 5)
    if problem is None and extension in uploads.OFFICE_MARKERS:
        import zipfile

        try:
            names = zipfile.ZipFile(reader).namelist()
        except zipfile.BadZipFile:
            return "not_a_zip"
        if not any(name.startswith(uploads.OFFICE_MARKERS[extension]) for name in names):
            return "not_office"
    return problem


def _discard(bid_file: BidFile, error: Exception) -> Received:
    bid_file.status = BidFile.Status.DISCARDED
    bid_file.save(update_fields=["status", "segments", "received", "updated_at"])
    transaction.on_commit(lambda: _delete_segments(bid_file))
    return Received(bid_file, False, error)


# --- Submitting, withdrawing -------------------------------------------------------------------


def _deadline_message(deadline: datetime.datetime):
    shown = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M:%S")
    return _message(_("The bid deadline was %(deadline)s; no bid is accepted after it."), {"deadline": shown})


def _refuse_if_inquiry(lot: Lot) -> None:
    """Inquiry (询价): one sealed quotation per supplier, which cannot be changed or withdrawn."""
    from procurement.models import Method

    if lot.project.method == Method.INQUIRY:
        raise Conflict(
            _("An inquiry takes one sealed quotation per supplier: it cannot be replaced or withdrawn."),
            code="inquiry_quotation_final",
        )


def parse_price(value) -> Decimal:
    try:
        price = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("The price must be an amount in yuan, like 125000.00."), code="price_invalid"
        ) from None
    if not price.is_finite() or price <= 0:
        raise InvalidInput(_("The price must be more than zero."), code="price_invalid")
    if price != price.quantize(Decimal("0.01")) or price >= Decimal("1e16"):
        raise InvalidInput(
            _("The price must be an amount in yuan with at most two decimals."), code="price_invalid"
        )
    return price.quantize(Decimal("0.01"))


def receipt_of(bid: Bid, files) -> dict:
    """The receipt's content (its JSON), from the stored bid and its complete files."""
    return {
        "bid": str(bid.public_id),
        "lot": bid.lot_id,
        "project": bid.lot.project.reference,
        "lot_number": bid.lot.number,
        "supplier": bid.supplier_id,
        "status": bid.status,
        "received_at": bid.received_at.isoformat() if bid.received_at else None,
        "withdrawn_at": bid.withdrawn_at.isoformat() if bid.withdrawn_at else None,
        "files": [
            {"document": f.document_key, "size": f.size, "sha256": f.sha256}
            for f in sorted(files, key=lambda f: f.document_key)
        ],
        "sealed_price_sha256": bid.sealed_price_sha256,
        "replaces": str(bid.replaces.public_id) if bid.replaces_id else None,
        "audit_sequence": bid.audit_sequence,
    }


def _receipt_hash(receipt: dict) -> str:
    data = {k: v for k, v in receipt.items() if k != "audit_sequence"}
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


_SUBMIT_SQL = """
WITH clock AS (SELECT clock_timestamp() AS t)
UPDATE bidding_bid
   SET status = 'submitted', received_at = clock.t, sealed_price = %s, sealed_price_sha256 = %s,
       draft_key = NULL, ip_address = %s, user_agent = %s, updated_at = clock.t
  FROM clock
 WHERE bidding_bid.id = %s AND bidding_bid.status = 'draft' AND clock.t <= %s
RETURNING received_at
"""


@transaction.atomic
def submit_bid(
    bid_public_id, *, actor: User, price, ip_address: str | None = None, user_agent: str = ""
) -> Bid:
    """Seal the price and submit the draft: the receipt time is the database clock's, read in this
    transaction, and must not be after the deadline. A second click on the same draft returns the
    same receipt. A bid that replaces an earlier one withdraws it in the same transaction."""
    bid = _own_bid(bid_public_id, actor, lock=True)
    if bid.status == Bid.Status.SUBMITTED:
        return bid  # the same draft submitted twice (a double click): one receipt
    if bid.status != Bid.Status.DRAFT:
        raise Conflict(_("This bid has been withdrawn; prepare a new one."), code="bid_not_draft")
    lot = Lot.objects.select_related("project").get(pk=bid.lot_id)
    if lot.status != Lot.Status.OPEN_FOR_BIDS:
        raise LateBid(_deadline_message(lot.project.bid_deadline), code="late_bid")
    amount = parse_price(price)
    document = current_document(lot.project)
    _require_may_bid(bid.supplier, lot, document)
    files = list(BidFile.objects.filter(bid=bid).exclude(status=BidFile.Status.DISCARDED))
    done = {f.document_key for f in files if f.status == BidFile.Status.COMPLETE}
    missing = [item for item in document.response_documents or [] if item["key"] not in done]
    if missing or any(f.status != BidFile.Status.COMPLETE for f in files):
        raise IncompleteBid(
            _message(
                _("Upload every response document before submitting; missing: %(missing)s."),
                {"missing": ", ".join(item["name_zh"] for item in missing) or "—"},
            ),
            code="files_missing",
        )
    _require_bond(bid.supplier, lot, document)
    data_key = _draft_key(bid)
    sealed_price = sealing.wrap(
        data_key, sealing.price_text(amount).encode(), sealing.price_aad(bid.public_id)
    )
    sealed_price_sha256 = hashlib.sha256(sealed_price).hexdigest()
    if bid.replaces_id:
        Bid.objects.filter(pk=bid.replaces_id, status=Bid.Status.SUBMITTED).update(
            status=Bid.Status.WITHDRAWN, withdrawn_at=Now(), updated_at=Now()
        )
    _submit(bid, lot, sealed_price=sealed_price, ip_address=ip_address, user_agent=user_agent)
    bid.refresh_from_db()
    event = audit.record_event(
        "bidding.bid_submitted",
        actor=actor,
        organisation=bid.supplier,
        target=bid,
        data={
            "bid": bid.public_id,
            "lot": lot.pk,
            "received_at": bid.received_at,
            "files": {f.document_key: f.sha256 for f in files},
            "sealed_price_sha256": sealed_price_sha256,
            "replaces": bid.replaces.public_id if bid.replaces_id else None,
        },
    )
    bid.audit_sequence = event.sequence
    bid.receipt_sha256 = _receipt_hash(receipt_of(bid, files))
    bid.save(update_fields=["audit_sequence", "receipt_sha256", "updated_at"])
    return bid


def _submit(bid: Bid, lot: Lot, *, sealed_price: bytes, ip_address, user_agent) -> datetime.datetime:
    """The one statement that decides: the database clock, read once, must not be after the deadline."""
    with connection.cursor() as cursor:
        try:
            cursor.execute(
                _SUBMIT_SQL,
                [
                    sealed_price,
                    hashlib.sha256(sealed_price).hexdigest(),
                    ip_address or None,
                    (user_agent or "")[:500],
                    bid.pk,
                    lot.project.bid_deadline,
                ],
            )
        except IntegrityError:
            raise Conflict(
                _("Your organisation already has a submitted bid for this lot."), code="bid_exists"
            ) from None
        row = cursor.fetchone()
    if row is None:
        raise LateBid(_deadline_message(lot.project.bid_deadline), code="late_bid")
    return row[0]


# The largest file a one-request bid carries (larger files take the resumable upload).
ONE_REQUEST_FILE_MAX_BYTES = 4 * 1024 * 1024


@transaction.atomic
def submit_sealed_bid(
    lot_id, *, actor: User, price, files: dict, ip_address: str | None = None, user_agent: str = ""
) -> Bid:
    """A whole bid in one request (the API for suppliers' own tools, and small bids): the price and
    one file per response document (`files`: document key -> an uploaded file held in memory, at
    most ONE_REQUEST_FILE_MAX_BYTES). Every file is checked, encrypted and stored, the price sealed,
    and the bid submitted with its receipt in one transaction; an earlier bid of the supplier for
    the lot is withdrawn (replaced) in the same transaction."""
    supplier = supplier_of(actor)
    lot = _open_lot_for_bids(lot_id, lock=False)
    amount = parse_price(price)
    document = current_document(lot.project)
    if set(files) - set(_response_keys(document)):
        raise InvalidInput(
            _("The tender documents ask for no such response document."), code="document_unknown"
        )
    missing = [item for item in document.response_documents or [] if item["key"] not in files]
    if missing:
        raise IncompleteBid(
            _message(
                _("Upload every response document before submitting; missing: %(missing)s."),
                {"missing": ", ".join(item["name_zh"] for item in missing)},
            ),
            code="files_missing",
        )
    _require_may_bid(supplier, lot, document)
    _require_bond(supplier, lot, document)
    checked = {}
    for document_key, upload in files.items():
        name = uploads.check_name(upload.name or "", upload.size, max_bytes=ONE_REQUEST_FILE_MAX_BYTES)
        upload.seek(0)
        content = upload.read()
        uploads.check_content(name, content)
        checked[document_key] = (name, content)
    if Bid.objects.filter(lot=lot, supplier=supplier, status=Bid.Status.DRAFT).exists():
        raise Conflict(
            _("A bid for this lot is being prepared on the bid page: finish it there."),
            code="draft_exists",
        )
    key = _lot_key(lot)
    public_id = uuid.uuid4()
    data_key = sealing.new_data_key()
    active = (
        Bid.objects.select_for_update(of=("self",))
        .filter(lot=lot, supplier=supplier, status=Bid.Status.SUBMITTED)
        .first()
    )
    if active is not None:
        _refuse_if_inquiry(lot)
        Bid.objects.filter(pk=active.pk).update(
            status=Bid.Status.WITHDRAWN, withdrawn_at=Now(), updated_at=Now()
        )
    bid = Bid.objects.create(
        public_id=public_id,
        lot=lot,
        supplier=supplier,
        prepared_by=actor,
        sealed_key=sealing.seal_to_lot(key.public_key, data_key, sealing.bid_key_aad(public_id)),
        replaces=active,
    )
    segment_bytes = settings.BID_UPLOAD_SEGMENT_BYTES
    bid_files = []
    try:
        for document_key, (name, content) in checked.items():
            upload_key = uuid.uuid4()
            bid_file = BidFile(
                bid=bid,
                upload_key=upload_key,
                document_key=document_key,
                status=BidFile.Status.COMPLETE,
                sealed_name=sealing.wrap(data_key, name.encode(), sealing.name_aad(upload_key)),
                size=len(content),
                received=len(content),
                storage_prefix=f"bidding/sealed/{lot.pk}/{public_id}/{upload_key}",
                sha256=hashlib.sha256(content).hexdigest(),
            )
            for index, start in enumerate(range(0, len(content), segment_bytes)):
                _store_segment(bid_file, data_key, index, content[start : start + segment_bytes])
                bid_file.segments = index + 1
            bid_files.append(bid_file)
            if problem := (
                _archive_problem(bid_file, data_key, uploads.extension(name))
                if uploads.extension(name) in uploads.ZIP_KINDS
                else None
            ):
                raise uploads.refuse_archive(name, problem)
        BidFile.objects.bulk_create(bid_files)
        sealed_price = sealing.wrap(
            data_key, sealing.price_text(amount).encode(), sealing.price_aad(public_id)
        )
        bid.received_at = _submit(
            bid, lot, sealed_price=sealed_price, ip_address=ip_address, user_agent=user_agent
        )
    except Exception:
        # Refused (a late bid, a bad archive): what was stored of it goes too; nothing is half-written.
        for bid_file in bid_files:
            _delete_segments(bid_file)
        raise
    bid.status = Bid.Status.SUBMITTED
    bid.sealed_price = sealed_price
    bid.sealed_price_sha256 = hashlib.sha256(sealed_price).hexdigest()
    event = audit.record_event(
        "bidding.bid_submitted",
        actor=actor,
        organisation=supplier,
        target=bid,
        data={
            "bid": bid.public_id,
            "lot": lot.pk,
            "received_at": bid.received_at,
            "files": {f.document_key: f.sha256 for f in bid_files},
            "sealed_price_sha256": bid.sealed_price_sha256,
            "replaces": active.public_id if active else None,
        },
    )
    bid.audit_sequence = event.sequence
    bid.receipt_sha256 = _receipt_hash(receipt_of(bid, bid_files))
    Bid.objects.filter(pk=bid.pk).update(audit_sequence=bid.audit_sequence, receipt_sha256=bid.receipt_sha256)
    return bid


@transaction.atomic
def withdraw_bid(bid_public_id, *, actor: User) -> Bid:
    """Withdraw a submitted bid before the deadline (database clock); the bid is kept, marked
    withdrawn, and the supplier gets a withdrawal receipt."""
    bid = _own_bid(bid_public_id, actor, lock=True)
    if bid.status == Bid.Status.WITHDRAWN:
        return bid
    if bid.status != Bid.Status.SUBMITTED:
        raise Conflict(_("Only a submitted bid can be withdrawn."), code="bid_not_submitted")
    _refuse_if_inquiry(bid.lot)
    updated = Bid.objects.filter(
        pk=bid.pk,
        status=Bid.Status.SUBMITTED,
        lot__status=Lot.Status.OPEN_FOR_BIDS,
        lot__project__bid_deadline__gt=_ClockTimestamp(),
    ).update(status=Bid.Status.WITHDRAWN, withdrawn_at=_ClockTimestamp(), updated_at=Now())
    if not updated:
        raise LateBid(_deadline_message(bid.lot.project.bid_deadline), code="late_bid")
    bid.refresh_from_db()
    event = audit.record_event(
        "bidding.bid_withdrawn",
        actor=actor,
        organisation=bid.supplier,
        target=bid,
        data={"bid": bid.public_id, "lot": bid.lot_id, "withdrawn_at": bid.withdrawn_at},
    )
    bid.audit_sequence = event.sequence
    files = list(bid.files.filter(status=BidFile.Status.COMPLETE))
    bid.receipt_sha256 = _receipt_hash(receipt_of(bid, files))
    bid.save(update_fields=["audit_sequence", "receipt_sha256", "updated_at"])
    return bid


class _ClockTimestamp(Now):
    template = "clock_timestamp()"


# --- Opening -----------------------------------------------------------------------------------


def _fewest_valid(project: Project) -> int:
    from procurement.models import Method

    key = "bids.fewest_valid_single_source" if project.method == Method.SINGLE_SOURCE else "bids.fewest_valid"
    return rule_int(key, on=project.rules_date or timezone.localdate())


@transaction.atomic
def confirm_opening(lot_id, *, actor: User) -> Opening:
    """One of the two officers who open a lot confirms (each signed in with the second factor).
    The first confirmation waits for a second, different officer; the second opens the bids."""
    lot = (
        Lot.objects.select_for_update(of=("self",))
        .select_related("project__purchaser", "project__agency")
        .filter(pk=lot_id)
        .first()
        if str(lot_id).isdigit()
        else None
    )
    if lot is None or not policies.can_view_opening(actor, lot):
        raise BidNotFound(_("No such lot."))
    if not policies.can_open_bids(actor, lot):
        from common.exceptions import PermissionDenied

        raise PermissionDenied(
            _(
                "Opening needs an officer of the agency or an approver of the purchaser, "
                "signed in with the second factor."
            )
        )
    opening = Opening.objects.select_for_update().filter(lot=lot).first()
    if opening is not None and opening.status == Opening.Status.OPENED:
        raise OpeningRefused(_("The bids of this lot have already been opened."), code="already_opened")
    _close_if_due(lot)
    if lot.status != Lot.Status.CLOSED:
        raise OpeningRefused(
            _("The bids cannot be opened before the deadline (%(deadline)s).")
            % {"deadline": timezone.localtime(lot.project.bid_deadline).strftime("%Y-%m-%d %H:%M:%S")},
            code="before_deadline",
        )
    if opening is None:
        opening = Opening.objects.create(lot=lot, first_officer=actor)
        audit.record_event(
            "bidding.opening_confirmed", actor=actor, target=lot.project, data={"lot": lot.pk, "officer": 1}
        )
        return opening
    if opening.first_officer_id == actor.pk:
        raise OpeningRefused(
            _("You have confirmed already: a second, different officer must confirm the opening."),
            code="same_officer",
        )
    opening.second_officer = actor
    opening.save(update_fields=["second_officer", "updated_at"])
    return _open_lot(lot, opening, actor=actor)


def _close_if_due(lot: Lot) -> None:
    if lot.status == Lot.Status.OPEN_FOR_BIDS:
        procurement_services.close_bidding(lot.project_id)
        lot.refresh_from_db(fields=["status"])


@transaction.atomic
def open_automatically(lot_id) -> Opening | None:
    """The system opens a lot whose tender documents say so, once closed (the deadline job or the
    sweep; idempotent)."""
    lot = Lot.objects.select_for_update(of=("self",)).select_related("project").filter(pk=lot_id).first()
    if lot is None:
        return None
    _close_if_due(lot)
    if lot.status != Lot.Status.CLOSED or not current_document(lot.project).opens_automatically:
        return None
    opening, _created = Opening.objects.select_for_update().get_or_create(lot=lot)
    if opening.status == Opening.Status.OPENED:
        return opening
    opening.automatic = True
    opening.save(update_fields=["automatic", "updated_at"])
    return _open_lot(lot, opening, actor=None)


def open_due_lots() -> int:
    """The sweep: every closed lot whose documents open automatically, not yet opened."""
    due = Lot.objects.filter(
        status__in=[Lot.Status.OPEN_FOR_BIDS, Lot.Status.CLOSED],
        project__status=Project.Status.TENDERING,
        project__bid_deadline__lte=Now(),
        project__tender_documents__status=TenderDocument.Status.PUBLISHED,
        project__tender_documents__opens_automatically=True,
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if open_automatically(pk))


def _open_lot(lot: Lot, opening: Opening, *, actor: User | None) -> Opening:
    """Decrypt every submitted bid of the lot, verify each file against its receipt, reveal the
    prices, screen for collusion, publish the opening record (and the failed-procurement notice
    when too few bids remain). The only place that unwraps a lot's private key."""
    now = _db_now()
    if now < lot.project.bid_deadline:
        raise OpeningRefused(_("The bids cannot be opened before the deadline."), code="before_deadline")
    bids = list(
        Bid.objects.select_for_update(of=("self",))
        .select_related("supplier")
        .filter(lot=lot, status=Bid.Status.SUBMITTED)
        .order_by("pk")
    )
    key = LotKey.objects.filter(lot=lot).first()
    private = (
        sealing.unwrap_lot_key(lot.pk, key.wrapped_private_key, sealing.key_encryption_key()) if key else None
    )
    mismatches = []
    for bid in bids:
        data_key = sealing.open_from_lot(private, bid.sealed_key, sealing.bid_key_aad(bid.public_id))
        bid.price = Decimal(
            sealing.unwrap(data_key, bid.sealed_price, sealing.price_aad(bid.public_id)).decode()
        )
        bid.status = Bid.Status.OPENED
        bid.opened_at = now
        bid.save(update_fields=["price", "status", "opened_at", "updated_at"])
        for bid_file in bid.files.filter(status=BidFile.Status.COMPLETE).order_by("pk"):
            _open_file(bid_file, data_key)
            if not bid_file.hash_matches:
                mismatches.append({"bid": str(bid.public_id), "document": bid_file.document_key})
    needed = _fewest_valid(lot.project)
    failed = len(bids) < needed
    opening.status = Opening.Status.OPENED
    opening.opened_at = now
    opening.valid_bids = len(bids)
    opening.failed = failed
    opening.save(update_fields=["status", "opened_at", "valid_bids", "failed", "updated_at"])
    Lot.objects.filter(pk=lot.pk).update(
        status=Lot.Status.FAILED if failed else Lot.Status.OPENED, updated_at=now
    )
    lot.status = Lot.Status.FAILED if failed else Lot.Status.OPENED
    if failed:  # every bond held for the lot is to be refunded (bidding/bonds.py)
        from . import bonds

        bonds.make_refundable(lot.pk, event=bonds.LOT_FAILED, on=timezone.localdate(now))
    flags = _record_collusion_flags(lot, bids)
    from . import records

    records.publish_opening_record(lot, opening, bids, needed=needed)
    audit.record_event(
        "bidding.bids_opened",
        actor=actor,
        organisation=lot.project.agency,
        target=lot.project,
        data={
            "lot": lot.pk,
            "bids": {str(b.public_id): str(b.price) for b in bids},
            "hash_mismatches": mismatches,
            "failed": failed,
            "collusion_flags": [flag.kind for flag in flags],
            "automatic": actor is None,
            "officers": [opening.first_officer_id, opening.second_officer_id],
        },
    )
    return opening


def _open_file(bid_file: BidFile, data_key: bytes) -> None:
    digest = hashlib.sha256()
    name = _file_name(bid_file, data_key)
    head = tail = b""
    try:
        for index in range(bid_file.segments):
            plaintext = _stored_segment(bid_file, data_key, index)
            digest.update(plaintext)
            if index == 0:
                head = plaintext
            tail = plaintext
    except (sealing.SealBroken, OSError):
        # A stored segment altered (or lost) after submission no longer authenticates: the file
        # is recorded as not matching its receipt, and the opening goes on with the other files.
        bid_file.name = name
        bid_file.opened_sha256 = digest.hexdigest()
        bid_file.hash_matches = False
        bid_file.save(update_fields=["name", "opened_sha256", "hash_matches", "updated_at"])
        return
    bid_file.name = name
    bid_file.opened_sha256 = digest.hexdigest()
    bid_file.hash_matches = bid_file.opened_sha256 == bid_file.sha256
    extension = uploads.extension(name)
    reader = uploads.SealedFileReader(
        bid_file.size,
        settings.BID_UPLOAD_SEGMENT_BYTES,
        lambda index: _stored_segment(bid_file, data_key, index),
    )
    scanned = head if head is tail else head + tail  # a PDF's information is at its start or end
    bid_file.metadata = document_metadata.extract_metadata(extension, scanned, reader=reader)
    bid_file.content_type = magic.from_buffer(head[: uploads.SNIFF_BYTES], mime=True)
    bid_file.save(
        update_fields=["name", "opened_sha256", "hash_matches", "metadata", "content_type", "updated_at"]
    )


def _record_collusion_flags(lot: Lot, bids: list[Bid]) -> list[CollusionFlag]:
    from . import selectors

    facts = selectors.collusion_facts(lot, bids)
    created = []
    for flag in collusion.screen_bids(facts):
        row = CollusionFlag.objects.create(lot=lot, kind=flag.kind, evidence=flag.evidence)
        row.suppliers.set(flag.supplier_ids)
        created.append(row)
    return created


def notice_for(lot: Lot, kind: str) -> Notice | None:
    return lot.project.notices.filter(kind=kind).order_by("-published_at").first()
