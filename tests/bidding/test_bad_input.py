"""Bad input to sealed bids: each refused with a clear message and a stable code, nothing lost or
half-written. Uploads (disguised files, zip bombs, unsafe names, sizes, a changed file on
resume, a dropped connection resumed), submission (late by a second, double click), other
suppliers' ids, and the opening (twice, alone, early, by someone who may not)."""

import hashlib
import io
import uuid
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from audit.models import AuditEvent
from bidding import services
from bidding.exceptions import BidNotFound, LateBid, OpeningRefused, UploadConflict
from bidding.models import Bid, BidFile, Opening
from common.exceptions import InvalidInput, PermissionDenied
from common.uploads import UploadRejected
from tests.bidding.helpers import lodge_bond, pass_deadline, pdf_bytes, prepare_bid, upload, verified

pytestmark = pytest.mark.django_db

SEGMENT = 1024


@pytest.fixture(autouse=True)
def _small_segments(settings):
    settings.BID_UPLOAD_SEGMENT_BYTES = SEGMENT


@pytest.fixture
def lot(tendering_project):
    return tendering_project.lots.order_by("number").first()


@pytest.fixture
def supplier(supplier_factory):
    return supplier_factory().representative


@pytest.fixture
def draft(lot, supplier):
    lodge_bond(lot, supplier)
    return services.start_bid(lot.pk, actor=supplier)


@pytest.fixture
def document_key(lot):
    return services.current_document(lot.project).response_documents[0]["key"]


class Dropping(io.RawIOBase):
    """A request body whose connection drops after `limit` bytes: every later read raises
    OSError (as Django's UnreadablePostError does), or, with raises=False, the body just ends."""

    def __init__(self, data: bytes, limit: int, *, raises: bool = False):
        self.data, self.limit, self.position, self.raises = data, limit, 0, raises

    def read(self, n=-1):
        if self.position >= self.limit:
            if not self.raises:
                return b""
            raise OSError("connection reset by peer")
        n = len(self.data) if n is None or n < 0 else n
        chunk = self.data[self.position : min(self.position + n, self.limit)]
        self.position += len(chunk)
        return chunk


def _en(error) -> str:
    with translation.override("en"):
        return str(error.message)


def _begin(draft, actor, document_key, content, name="file.pdf"):
    key = uuid.uuid4()
    services.begin_file(
        draft.public_id, actor=actor, upload_key=key, document_key=document_key, name=name, size=len(content)
    )
    return key


def _stored(bid_file) -> list[str]:
    folder = bid_file.storage_prefix
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


# --- Submission --------------------------------------------------------------------------------


def test_a_bid_one_second_late_is_refused_and_stays_a_draft(lot, supplier):
    bid = prepare_bid(lot, supplier, submit=False)
    pass_deadline(lot.project, seconds=1)
    with pytest.raises(LateBid) as error:
        services.submit_bid(bid.public_id, actor=supplier, price="100.00")
    assert error.value.code == "late_bid" and "no bid is accepted after it" in _en(error.value)
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT and bid.sealed_price is None and bid.received_at is None
    assert not AuditEvent.objects.filter(action="bidding.bid_submitted").exists()


def test_a_double_click_submits_once_with_one_receipt(lot, supplier):
    bid = prepare_bid(lot, supplier, submit=False)
    first = services.submit_bid(bid.public_id, actor=supplier, price="100.00")
    second = services.submit_bid(bid.public_id, actor=supplier, price="100.00")
    assert first.pk == second.pk and first.received_at == second.received_at
    assert first.receipt_sha256 == second.receipt_sha256
    assert AuditEvent.objects.filter(action="bidding.bid_submitted").count() == 1


@pytest.mark.parametrize("price", ["0", "-5", "abc", "1.234", "NaN", "1e20"])
def test_a_bad_price_is_refused_and_the_bid_stays_a_draft(lot, supplier, price):
    bid = prepare_bid(lot, supplier, submit=False)
    with pytest.raises(InvalidInput) as error:
        services.submit_bid(bid.public_id, actor=supplier, price=price)
    assert error.value.code == "price_invalid"
    assert Bid.objects.get(pk=bid.pk).status == Bid.Status.DRAFT


# --- Uploads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("raises", [False, True], ids=["body-ends-early", "read-raises-oserror"])
def test_a_dropped_connection_resumes_and_the_hash_is_the_whole_files(draft, supplier, document_key, raises):
    content = pdf_bytes("resume", size=SEGMENT * 5 + 300)
    key = _begin(draft, supplier, document_key, content)
    with pytest.raises(InvalidInput) as error:
        services.receive_file_data(
            key, actor=supplier, offset=0, stream=Dropping(content, SEGMENT * 3 + 100, raises=raises)
        )
    assert error.value.code == "upload_incomplete"
    bid_file = BidFile.objects.get(upload_key=key)
    assert bid_file.received == SEGMENT * 3 and bid_file.status == BidFile.Status.UPLOADING
    resume_from = bid_file.received - SEGMENT
    done = services.receive_file_data(
        key, actor=supplier, offset=resume_from, stream=io.BytesIO(content[resume_from:])
    )
    assert done.status == BidFile.Status.COMPLETE
    assert done.sha256 == hashlib.sha256(content).hexdigest()
    assert len(_stored(done)) == 6


def test_a_resumed_upload_of_a_changed_file_is_discarded(
    draft, supplier, document_key, django_capture_on_commit_callbacks
):
    content = pdf_bytes("before", size=SEGMENT * 4)
    key = _begin(draft, supplier, document_key, content)
    with pytest.raises(InvalidInput):
        services.receive_file_data(key, actor=supplier, offset=0, stream=Dropping(content, SEGMENT * 2 + 10))
    changed = content[:SEGMENT] + b"1" * SEGMENT + content[2 * SEGMENT :]  # the re-sent segment differs
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(UploadConflict) as error:
        services.receive_file_data(key, actor=supplier, offset=SEGMENT, stream=io.BytesIO(changed[SEGMENT:]))
    assert error.value.code == "upload_changed" and "changed" in _en(error.value)
    bid_file = BidFile.objects.get(upload_key=key)
    assert bid_file.status == BidFile.Status.DISCARDED and _stored(bid_file) == []


def test_an_upload_from_the_wrong_offset_is_refused_and_keeps_what_was_stored(draft, supplier, document_key):
    content = pdf_bytes("offset", size=SEGMENT * 3)
    key = _begin(draft, supplier, document_key, content)
    with pytest.raises(InvalidInput):
        services.receive_file_data(key, actor=supplier, offset=0, stream=Dropping(content, SEGMENT * 2))
    with pytest.raises(UploadConflict) as error:
        services.receive_file_data(key, actor=supplier, offset=SEGMENT * 2 + 7, stream=io.BytesIO(b"x"))
    assert error.value.code == "upload_offset"
    bid_file = BidFile.objects.get(upload_key=key)
    assert bid_file.received == SEGMENT * 2 and bid_file.status == BidFile.Status.UPLOADING


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><head><title>bid</title></head><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize("content", [ELF, HTML], ids=["elf", "html"])
def test_a_disguised_file_is_refused_and_discarded(
    draft, supplier, document_key, content, django_capture_on_commit_callbacks
):
    key = _begin(draft, supplier, document_key, content, name="技术响应.pdf")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(UploadRejected) as error:
        services.receive_file_data(key, actor=supplier, offset=0, stream=io.BytesIO(content))
    assert error.value.code == "file_disguised" and "技术响应.pdf" in str(error.value.message)
    bid_file = BidFile.objects.get(upload_key=key)
    assert bid_file.status == BidFile.Status.DISCARDED and not bid_file.sha256 and _stored(bid_file) == []


def _bomb(inner: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(inner, b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "inner"), [("附件.zip", "zeros.bin"), ("响应.docx", "word/document.xml")])
def test_a_zip_bomb_is_refused_and_discarded(
    draft, supplier, document_key, settings, name, inner, django_capture_on_commit_callbacks
):
    settings.BID_FILE_MAX_BYTES = 1024 * 1024
    content = _bomb(inner)
    key = _begin(draft, supplier, document_key, content, name=name)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(UploadRejected) as error:
        services.receive_file_data(key, actor=supplier, offset=0, stream=io.BytesIO(content))
    assert error.value.code == "file_archive_refused" and name in str(error.value.message)
    bid_file = BidFile.objects.get(upload_key=key)
    assert bid_file.status == BidFile.Status.DISCARDED and _stored(bid_file) == []


@pytest.mark.parametrize("name", ["../x.pdf", "a/b.pdf", "a\\b.pdf", "x\x00.pdf", ".hidden.pdf", ".."])
def test_an_unsafe_file_name_is_refused_before_a_byte_is_stored(draft, supplier, document_key, name):
    with pytest.raises(UploadRejected) as error:
        _begin(draft, supplier, document_key, b"%PDF-1.4", name=name)
    assert error.value.code in {"file_name_unsafe", "file_type_not_allowed"}
    assert not BidFile.objects.filter(bid=draft).exists()


def test_a_file_over_the_limit_is_refused_before_a_byte_is_stored(draft, supplier, document_key, settings):
    settings.BID_FILE_MAX_BYTES = 2000
    with pytest.raises(UploadRejected) as error:
        _begin(draft, supplier, document_key, b"%PDF" + b"0" * 2000)
    assert error.value.code == "file_too_large" and "file.pdf" in str(error.value.message)
    assert not BidFile.objects.filter(bid=draft).exists()


def test_more_bytes_than_declared_are_refused(
    draft, supplier, document_key, django_capture_on_commit_callbacks
):
    content = pdf_bytes("size", size=SEGMENT * 2)
    key = _begin(draft, supplier, document_key, content)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(UploadRejected) as error:
        services.receive_file_data(key, actor=supplier, offset=0, stream=io.BytesIO(content + b"extra"))
    assert error.value.code == "file_size_mismatch"
    assert BidFile.objects.get(upload_key=key).status == BidFile.Status.DISCARDED


# --- Other suppliers' ids -------------------------------------------------------------------------


def test_another_suppliers_bid_is_the_same_404_as_a_random_id(draft, supplier_factory, document_key):
    other = supplier_factory().representative
    answers = []
    for public_id in (draft.public_id, uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(BidNotFound) as error:
            services.begin_file(
                public_id,
                actor=other,
                upload_key=uuid.uuid4(),
                document_key=document_key,
                name="a.pdf",
                size=10,
            )
        answers.append((error.value.code, error.value.status, str(error.value.message)))
        with pytest.raises(BidNotFound):
            services.submit_bid(public_id, actor=other, price="1.00")
    assert len(set(answers)) == 1 and answers[0][1] == 404


def test_another_suppliers_upload_is_not_found(draft, supplier, supplier_factory, document_key):
    content = pdf_bytes("mine")
    key = _begin(draft, supplier, document_key, content)
    with pytest.raises(BidNotFound):
        services.receive_file_data(
            key, actor=supplier_factory().representative, offset=0, stream=io.BytesIO(content)
        )
    assert BidFile.objects.get(upload_key=key).received == 0


# --- The HTTP upload ------------------------------------------------------------------------------


def test_the_upload_views_take_a_file_in_pieces_and_answer_json(login, draft, supplier, document_key):
    client = login(supplier)
    content = pdf_bytes("http", size=SEGMENT * 2 + 500)
    key = str(uuid.uuid4())
    begun = client.post(
        f"/bidding/bids/{draft.public_id}/files/",
        data={"upload_key": key, "document": document_key, "name": "报价.pdf", "size": len(content)},
        content_type="application/json",
    )
    assert begun.status_code == 200 and begun.json()["received"] == 0
    url = f"/bidding/uploads/{key}/"
    part = client.put(
        f"{url}?offset=0", data=content[: SEGMENT + 10], content_type="application/octet-stream"
    )
    assert part.status_code == 400 and part.json()["code"] == "upload_incomplete"
    state = client.get(url).json()
    assert state["received"] == SEGMENT and state["resume_from"] == 0
    wrong = client.put(f"{url}?offset=5", data=content[5:], content_type="application/octet-stream")
    assert wrong.status_code == 409
    assert wrong.json()["code"] == "upload_offset" and wrong.json()["detail"]
    rest = client.put(
        f"{url}?offset={state['resume_from']}",
        data=content[state["resume_from"] :],
        content_type="application/octet-stream",
    )
    assert rest.status_code == 200
    assert (
        rest.json()["status"] == "complete" and rest.json()["sha256"] == hashlib.sha256(content).hexdigest()
    )


def test_the_upload_view_refuses_a_bad_name_with_json(login, draft, supplier, document_key):
    response = login(supplier).post(
        f"/bidding/bids/{draft.public_id}/files/",
        data={"upload_key": str(uuid.uuid4()), "document": document_key, "name": "../x.pdf", "size": 10},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "file_name_unsafe" and response.json()["detail"]
    bad_json = login(supplier).post(
        f"/bidding/bids/{draft.public_id}/files/", data="[", content_type="application/json"
    )
    assert bad_json.status_code == 400 and bad_json.json()["code"] == "invalid_json"


# --- Opening --------------------------------------------------------------------------------------


@pytest.fixture
def three_bids(lot, supplier_factory):
    return [prepare_bid(lot, supplier_factory().representative) for _ in range(3)]


def test_opening_before_the_deadline_is_refused(lot, three_bids, officer):
    with pytest.raises(OpeningRefused) as error:
        services.confirm_opening(lot.pk, actor=verified(officer))
    assert error.value.code == "before_deadline"
    assert not Opening.objects.filter(lot=lot).exists()
    assert Bid.objects.filter(lot=lot, price__isnull=False).count() == 0


def test_one_officer_alone_cannot_open_even_by_confirming_twice(lot, three_bids, officer):
    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    with pytest.raises(OpeningRefused) as error:
        services.confirm_opening(lot.pk, actor=verified(officer))
    assert error.value.code == "same_officer"
    assert Opening.objects.get(lot=lot).status == Opening.Status.AWAITING_SECOND
    assert set(Bid.objects.filter(lot=lot).values_list("status", flat=True)) == {Bid.Status.SUBMITTED}


def test_an_opened_lot_cannot_be_opened_again(lot, three_bids, officer, approvers):
    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    with pytest.raises(OpeningRefused) as error:
        services.confirm_opening(lot.pk, actor=verified(approvers[1]))
    assert error.value.code == "already_opened"
    assert AuditEvent.objects.filter(action="bidding.bids_opened", data__lot=lot.pk).count() == 1


@pytest.mark.parametrize("who", ["supplier", "clerk", "approver_without_second_factor", "officer_unverified"])
def test_who_may_not_open_is_refused(lot, three_bids, supplier, clerk, approvers, officer, who):
    pass_deadline(lot.project)
    actor = {
        "supplier": supplier,
        "clerk": verified(clerk),
        "approver_without_second_factor": approvers[0],
        "officer_unverified": officer,
    }[who]
    with pytest.raises((PermissionDenied, BidNotFound)):
        services.confirm_opening(lot.pk, actor=actor)
    assert not Opening.objects.filter(lot=lot).exists()


def test_the_opening_view_refuses_a_clerk_and_an_early_opening(login, lot, three_bids, clerk, officer):
    response = login(clerk).post(f"/bidding/lots/{lot.pk}/opening/confirm/")
    assert response.status_code == 403
    early = login(officer).post(f"/bidding/lots/{lot.pk}/opening/confirm/")
    assert early.status_code == 409
    assert not Opening.objects.filter(lot=lot).exists()


def test_an_upload_after_the_deadline_is_refused(lot, supplier, document_key):
    lodge_bond(lot, supplier)
    bid = services.start_bid(lot.pk, actor=supplier)
    content = pdf_bytes("late")
    key = _begin(bid, supplier, document_key, content)
    pass_deadline(lot.project)
    with pytest.raises(LateBid):
        services.receive_file_data(key, actor=supplier, offset=0, stream=io.BytesIO(content))
    assert BidFile.objects.get(upload_key=key).received == 0
    with pytest.raises((LateBid, Exception)):
        upload(bid, supplier, document_key, content)
