"""Helpers of the bidding tests: a bid with its files through the real services, a closed lot,
and officers acting with the second factor passed (as django-otp's middleware marks them)."""

import datetime
import io
import uuid

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bidding import bonds, services
from procurement.models import Project

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def pdf_bytes(marker: str = "", size: int = 0) -> bytes:
    body = PDF + f"% {marker}\n".encode() + b"%%EOF\n"
    if size > len(body):
        body += b"0" * (size - len(body))
    return body


def verified(user):
    """The user as the second-factor middleware leaves it after a passed code."""
    user.otp_device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    user.is_verified = lambda: True
    return user


def upload(bid, actor, document_key: str, content: bytes, name: str = "file.pdf"):
    key = uuid.uuid4()
    services.begin_file(
        bid.public_id, actor=actor, upload_key=key, document_key=document_key, name=name, size=len(content)
    )
    return services.receive_file_data(key, actor=actor, offset=0, stream=io.BytesIO(content))


def lodge_bond(lot, actor, account: str | None = None):
    """The actor's supplier lodges the lot's bid bond by bank transfer (if the lot asks for one)."""
    if services.bond_required(lot, services.current_document(lot.project)) <= 0:
        return None
    return bonds.lodge_bond_for_lot(
        lot.pk,
        actor=actor,
        form="cash_transfer",
        payer_bank="测试银行",
        payer_account_name="测试单位",
        payer_account_number=account or f"6222{actor.pk:012d}",
    )


def prepare_bid(lot, actor, *, marker: str = "", price="100000.00", submit=True, ip="10.0.0.1", bond=True):
    """A complete bid of the actor's supplier for the lot: its bond lodged (unless bond=False),
    every response document uploaded, submitted (unless submit=False)."""
    from bidding.models import Bond

    if (
        bond
        and not Bond.objects.filter(lot=lot, supplier=actor.active_membership.organisation)
        .exclude(status="required")
        .exists()
    ):
        lodge_bond(lot, actor)
    bid = services.start_bid(lot.pk, actor=actor)
    document = services.current_document(lot.project)
    for item in document.response_documents:
        upload(bid, actor, item["key"], pdf_bytes(f"{marker}-{item['key']}"), name=f"{item['key']}.pdf")
    if submit:
        bid = services.submit_bid(bid.public_id, actor=actor, price=price, ip_address=ip, user_agent="pytest")
    return bid


def pass_deadline(project, seconds: int = 1):
    """Move the project's deadline to just before now (the database clock decides)."""
    deadline = timezone.now() - datetime.timedelta(seconds=seconds)
    Project.objects.filter(pk=project.pk).update(bid_deadline=deadline)
    project.tender_documents.filter(status="published").update(bid_deadline=deadline)
    project.refresh_from_db()
    return deadline
