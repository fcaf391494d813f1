"""Demo bonds, bids and an opening, taken there through bidding.services and bidding.bonds like
real ones (load_demo runs this after procurement/demo.py and suppliers/demo.py: the apps load in
INSTALLED_APPS order, and bidding comes after both).

- Jiaxing, computers for teaching (tendering): jx_supplier and jx_supplier2 lodge the bid bond of
  lot 1 by bank transfer; the agency officer jx_agency has verified jx_supplier's; jx_supplier
  holds a submitted sealed bid with its four response documents (the price stays sealed).
- Yuxi, soil testing instruments (tendering): three suppliers (yx_supplier, the Mianyang
  medical-device maker my_supplier and the Zhengzhou environmental-technology firm zz_supplier;
  yx_supplier2 is on the credit demo's blacklist) lodge their bonds and bid for lot 1; the deadline is
  then moved just behind the database clock (as if it had passed), the sweep closes both lots, and
  two officers — yx_agency and yx_approver, each as after a passed second factor — open lot 1
  (its opening record is public) and lot 2, which had no bid and fails with its notice. Lot 1 then
  goes through its panel draw, evaluation, award and a challenge to the result
  (bidding/evaluation_demo.py).

A row that exists is left as it is (a bond already lodged, a bid already submitted, a lot already
opened), so the demo is safe to load again; a supplier without an approved registration (no
suppliers demo yet) or a project that did not reach tendering is skipped.
"""

import datetime
import io
import logging
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from procurement.models import Lot, Project
from procurement.services import close_bidding

from . import bonds, services
from .models import Bid, BidFile, Bond, Opening

logger = logging.getLogger(__name__)

JIAXING_PROJECT = "教学用计算机采购"
YUXI_PROJECT = "耕地质量检测仪器采购"

# (username, price of lot 1) of the sealed Jiaxing bid and of the three Yuxi bids.
JIAXING_BID = ("jx_supplier", "1326800.00")
YUXI_BIDS = [
    ("yx_supplier", "798500.00"),
    ("my_supplier", "776400.00"),
    ("zz_supplier", "812000.00"),
]
# Software that the demo response documents say wrote them (the collusion screens read it).
PRODUCERS = {
    "jx_supplier": "Microsoft Word 2019",
    "yx_supplier": "WPS Office 2023",
    "my_supplier": "Microsoft Word 2021",
    "zz_supplier": "LibreOffice 7.6",
}


def _user(username: str) -> User | None:
    return User.objects.select_related("active_membership__organisation").filter(username=username).first()


def _officer(username: str) -> User | None:
    """The officer as django-otp's middleware leaves them after a passed code (opening needs it)."""
    user = _user(username)
    if user is None:
        return None
    user.otp_device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    user.is_verified = lambda: True
    return user


def _project(title_zh: str) -> Project | None:
    return Project.objects.filter(title_zh=title_zh).select_related("purchaser", "agency").first()


def _may_bid(user: User, lot: Lot) -> bool:
    supplier = user.active_membership.organisation
    reasons = services.bid_obstacles(supplier, lot, services.current_document(lot.project))
    if reasons:
        logger.info("demo bid of %s skipped: %s", user.username, "; ".join(str(reason) for reason in reasons))
    return not reasons


def pdf_document(title: str, company: str, author: str, producer: str) -> bytes:
    """A small one-page PDF (Helvetica, ASCII text) with an information dictionary."""

    def text(value: str) -> str:
        return (
            value.encode("ascii", "replace")
            .decode()
            .replace("\\", "\\\\")
            .replace("(", "\\(")
            .replace(")", "\\)")
        )

    lines = [title, company, "Sunlight demo response document"]
    stream = "BT /F1 16 Tf 72 760 Td 22 TL " + " ".join(f"({text(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        f"<< /Title ({text(title)}) /Author ({text(author)}) /Producer ({text(producer)}) "
        f"/Creator ({text(producer)}) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _bond(lot: Lot, user: User, *, verified_by: User | None = None) -> Bond | None:
    """The supplier's bond of the lot, lodged by bank transfer from its refund account (and
    verified by the officer, if one is given)."""
    supplier = user.active_membership.organisation
    bond = Bond.objects.filter(lot=lot, supplier=supplier).first()
    if bond is None or bond.status == Bond.Status.REQUIRED:
        profile = getattr(supplier, "supplier_profile", None)
        bond = bonds.lodge_bond_for_lot(
            lot.pk,
            actor=user,
            form=Bond.Form.CASH_TRANSFER,
            payer_bank=getattr(profile, "bank_name", "") or "demo bank",
            payer_account_name=getattr(profile, "bank_account_name", "") or supplier.name_zh,
            payer_account_number=getattr(profile, "bank_account_number", "") or f"6222{supplier.pk:012d}",
        )
    if verified_by is not None and bond.status == Bond.Status.LODGED:
        bond = bonds.verify_bond(bond.pk, actor=verified_by)
    return bond


def _bid(lot: Lot, user: User, price: str) -> Bid | None:
    """The supplier's submitted bid for the lot: every response document uploaded, the price
    sealed. An existing submitted or opened bid is kept."""
    supplier = user.active_membership.organisation
    existing = Bid.objects.filter(
        lot=lot, supplier=supplier, status__in=[Bid.Status.SUBMITTED, Bid.Status.OPENED]
    ).first()
    if existing is not None:
        return None
    bid = services.start_bid(lot.pk, actor=user)
    document = services.current_document(lot.project)
    done = set(
        BidFile.objects.filter(bid=bid, status=BidFile.Status.COMPLETE).values_list("document_key", flat=True)
    )
    author = user.name_en or user.get_full_name() or user.username
    for item in document.response_documents or []:
        if item["key"] in done:
            continue
        content = pdf_document(
            f"{item['name_en']} - {lot.project.reference} lot {lot.number}",
            supplier.name_en or supplier.name_zh,
            author,
            PRODUCERS.get(user.username, "Microsoft Word 2019"),
        )
        key = uuid.uuid4()
        services.begin_file(
            bid.public_id,
            actor=user,
            upload_key=key,
            document_key=item["key"],
            name=f"{item['key']}.pdf",
            size=len(content),
        )
        services.receive_file_data(key, actor=user, offset=0, stream=io.BytesIO(content))
    return services.submit_bid(
        bid.public_id, actor=user, price=Decimal(price), ip_address=None, user_agent="Sunlight demo"
    )


def _jiaxing() -> list:
    project = _project(JIAXING_PROJECT)
    if project is None or project.status != Project.Status.TENDERING:
        return []
    lot = project.lots.filter(number=1, status=Lot.Status.OPEN_FOR_BIDS).first()
    officer = _user("jx_agency")
    if lot is None or officer is None:
        return []
    created = []
    lodged = set(
        Bond.objects.filter(lot=lot).exclude(status=Bond.Status.REQUIRED).values_list("pk", flat=True)
    )
    for username, verify in (("jx_supplier", True), ("jx_supplier2", False)):
        user = _user(username)
        if user is None or not _may_bid(user, lot):
            continue
        bond = _bond(lot, user, verified_by=officer if verify else None)
        if bond is not None and bond.pk not in lodged:
            created.append(bond)
    username, price = JIAXING_BID
    user = _user(username)
    if user is not None and _may_bid(user, lot):
        bid = _bid(lot, user, price)
        if bid is not None:
            created.append(bid)
    return created


def _yuxi() -> list:
    project = _project(YUXI_PROJECT)
    if project is None or project.status != Project.Status.TENDERING:
        return []
    lot = project.lots.filter(number=1).first()
    officer = _officer("yx_agency")
    approver = _officer("yx_approver")
    if lot is None or officer is None or approver is None:
        return []
    created = []
    if lot.status == Lot.Status.OPEN_FOR_BIDS:
        bidders = [(_user(username), price) for username, price in YUXI_BIDS]
        bidders = [(user, price) for user, price in bidders if user is not None and _may_bid(user, lot)]
        if len(bidders) < len(YUXI_BIDS):
            return []  # the opening shows three bids, or the demo leaves the lot open
        for user, price in bidders:
            _bond(lot, user, verified_by=officer)
            bid = _bid(lot, user, price)
            if bid is not None:
                created.append(bid)
        # The deadline passes, as if it had come: just after the last bid was received (not a
        # minute ago, which would date every bid after the deadline and raise "late bid won").
        last = max(
            Bid.objects.filter(lot=lot, received_at__isnull=False).values_list("received_at", flat=True)
        )
        deadline = min(last + datetime.timedelta(seconds=1), timezone.now())
        Project.objects.filter(pk=project.pk).update(bid_deadline=deadline)
        project.tender_documents.filter(status="published").update(bid_deadline=deadline)
        close_bidding(project.pk)
    for each in project.lots.filter(status=Lot.Status.CLOSED).order_by("number"):
        opening = Opening.objects.filter(lot=each).first()
        if opening is None:
            services.confirm_opening(each.pk, actor=officer)
        if opening is None or opening.status == Opening.Status.AWAITING_SECOND:
            created.append(services.confirm_opening(each.pk, actor=approver))
    return created


@transaction.atomic
def load() -> list:
    """Lodge, bid and open what is missing, then take the opened Yuxi lot through its panel,
    evaluation, award and a challenge (bidding/evaluation_demo.py); returns the rows created (empty
    when all were there)."""
    from . import evaluation_demo  # it reads this module's names

    return _jiaxing() + _yuxi() + evaluation_demo.load()
