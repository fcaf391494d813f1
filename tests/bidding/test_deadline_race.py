"""The deadline under a burst (DESIGN §6, issue 5): 200 whole bids (sealed price and one file each,
through POST /api/v1/bidding/lots/<id>/bids/) from 10 processes, spread evenly from 1 s before to 1 s
after the deadline: every accepted bid has a receipt time (database clock) at or before the deadline,
every later one is refused as late, no 5xx, no duplicate."""

import datetime
import multiprocessing
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client

from audit.models import AuditEvent
from bidding import services
from bidding.models import Bid
from procurement.models import Project
from tests.bidding.helpers import pdf_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_transactional_db")]

BIDS = 200
PROCESSES = 10
SPREAD = 1.0  # seconds either side of the deadline


def _submit_all(lot_id: int, work: list, results) -> None:
    """In a forked process: sign each supplier in, wait for its moment, submit its whole bid."""
    from accounts.models import User

    try:
        clients = {}
        for user_id, _at, _n in work:
            client = Client()
            client.force_login(
                User.objects.get(pk=user_id), backend="accounts.backends.MembershipAwareModelBackend"
            )
            clients[user_id] = client
        # Warm the process up (URL resolver, API views, libmagic) before its moments come.
        for client in list(clients.values())[:2]:
            client.get("/api/v1/bidding/receipts/")
        client.post(f"/api/v1/bidding/lots/{lot_id}/bids/", {"price": "x"})
        for user_id, at, n in work:
            delay = at - time.time()
            if delay > 0:
                time.sleep(delay)
            started = time.time()
            response = clients[user_id].post(
                f"/api/v1/bidding/lots/{lot_id}/bids/",
                {
                    "price": f"{100000 + n}.00",
                    "bid_letter": SimpleUploadedFile("b.pdf", pdf_bytes(f"race-{n}")),
                },
                REMOTE_ADDR=f"10.2.{n // 250}.{n % 250}",
            )
            results.put((user_id, started, time.time(), response.status_code, response.content[:300]))
    finally:
        connections.close_all()


def test_a_burst_around_the_deadline_accepts_only_bids_received_by_it(tendering_project, supplier_factory):
    project = tendering_project
    lot = project.lots.order_by("number").first()
    document = services.current_document(project)
    document.bonds = {}
    document.response_documents = [
        item for item in document.response_documents if item["key"] == "bid_letter"
    ]
    document.save(update_fields=["bonds", "response_documents"])
    users = [supplier_factory().representative.pk for _ in range(BIDS)]

    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        now = cursor.fetchone()[0]
    deadline = now + datetime.timedelta(seconds=8)  # time for the processes to sign their suppliers in
    Project.objects.filter(pk=project.pk).update(bid_deadline=deadline)
    document.__class__.objects.filter(pk=document.pk).update(bid_deadline=deadline)
    start = deadline.timestamp() - SPREAD
    schedule = [(user_id, start + 2 * SPREAD * n / BIDS, n) for n, user_id in enumerate(users)]

    connections.close_all()  # each process opens its own connection
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [
        context.Process(target=_submit_all, args=(lot.pk, schedule[i::PROCESSES], results))
        for i in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(BIDS)]
    for process in processes:
        process.join(30)

    assert [o for o in outcomes if o[3] >= 500] == []
    accepted = {o[0]: o for o in outcomes if o[3] == 201}
    refused = {o[0]: o for o in outcomes if o[3] != 201}
    assert accepted and refused, (
        len(accepted),
        len(refused),
        sorted(refused.values(), key=lambda o: o[1])[:2],
    )
    assert {o[3] for o in refused.values()} == {409}
    assert all(b'"late_bid"' in o[4] for o in refused.values())
    submitted = list(Bid.objects.filter(lot=lot, status=Bid.Status.SUBMITTED).select_related("prepared_by"))
    assert {bid.prepared_by_id for bid in submitted} == set(accepted)
    assert all(bid.received_at <= deadline for bid in submitted)
    for _user, started, _finished, _status, _body in accepted.values():
        assert started <= deadline.timestamp() + 0.01  # accepted only what was sent before it
    for _user, _started, finished, _status, _body in refused.values():
        assert finished >= deadline.timestamp() - 0.01  # nothing refused as late before it
    assert Bid.objects.filter(lot=lot).count() == len(accepted)  # a refused bid leaves nothing
    events = AuditEvent.objects.filter(action="bidding.bid_submitted", data__lot=lot.pk)
    assert events.count() == len(accepted) == len({e.data["bid"] for e in events})
