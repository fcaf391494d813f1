"""The bid walk of issue 5 in a real browser, continuing the establishment walk: a Jiaxing inquiry
is tendering with a bid bond on its lot; three suppliers register at /suppliers/register/ (two in
Chinese, one in English), the operator (second factor) approves them; each lodges its bond by bank
transfer and the agency officer (second factor) verifies them; each prepares a bid, uploads every
response document with a progress bar that reaches 100 and the SHA-256 shown (the third supplier's
first upload is cut off midway and the page resumes it), types a price, submits, reads its receipt
and downloads the receipt PDF. The deadline then passes (moved behind the database clock) and the
sweep closes the lot; the agency officer and a purchaser approver each confirm the opening, while a
supplier's open opening page shows the record by htmx polling; the public reads the opening record
notice with the three prices and downloads the opening PDF. No console errors or CSP violations
beyond the one deliberate cut-off upload."""

import datetime
import hashlib
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp

from accounts import demo
from accounts.models import User
from bidding.models import Bid, BidFile, Bond, Opening
from procurement import demo as procurement_demo
from procurement import services as procurement_services
from procurement.models import Lot, Method, Notice
from rulebook import calendar
from rulebook.services import declare_calendar_year
from suppliers.models import SupplierProfile
from tests.bidding.helpers import pass_deadline, pdf_bytes
from tests.procurement.conftest import approve, entrust, file_project, make_publishable
from tests.suppliers.fixtures import PDF_BYTES

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "bid-walk"
SEGMENT = 1024 * 1024
PASSWORD = "Sunlight-bidder-2026!"

# (language, username, company zh, company en, representative, price, uscc serial)
SUPPLIERS = [
    (
        "zh-CN",
        "nanhu_bidder",
        "嘉兴南湖数码科技有限公司",
        "Jiaxing Nanhu Digital Technology Co., Ltd.",
        "周明",
        "1168000.00",
        7001,
    ),
    (
        "en",
        "hexin_bidder",
        "浙江禾丰信息系统有限公司",
        "Zhejiang Hefeng Information Systems Co., Ltd.",
        "Grace Lin",
        "1152500.00",
        7002,
    ),
    (
        "zh-CN",
        "xiuzhou_bidder",
        "嘉兴秀洲电脑有限公司",
        "Jiaxing Xiuzhou Computers Co., Ltd.",
        "沈华",
        "1189900.00",
        7003,
    ),
]


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", except_apps=["contracts", "disclosure"])  # not walked here


@pytest.fixture
def tendering_lot(demo_data):
    """A one-lot Jiaxing inquiry (1,200,000 CNY) filed by jx_clerk, approved at both levels,
    entrusted to the Jiaxing agency and tendering, with the lot's bid bond at the cap (2 %)."""
    year = timezone.localdate().year + 1
    if not calendar.is_covered(datetime.date(year, 1, 1)):
        declare_calendar_year(
            year,
            days_off=[datetime.date(year, 1, 1)],
            working_days=[],
            reason_zh="测试",
            reason_en="Test",
            actor=None,
        )
    purchaser = procurement_demo._purchaser("jx")
    clerk = procurement_demo._acting_for("jx_clerk", purchaser)
    approvers = [
        procurement_demo._acting_for(f"jx_{name}", purchaser) for name in procurement_demo.APPROVER_ORDER
    ]
    project = file_project(clerk, budget="1200000.00", lot_budgets=("1200000.00",), method=Method.INQUIRY)
    project = approve(project, approvers)
    officer = User.objects.get(username="jx_agency")
    project = entrust(project, clerk, officer.active_membership.organisation)
    make_publishable(project)
    procurement_services.start_tender_documents(project.pk, actor=officer)
    procurement_services.publish_tender(project.pk, actor=officer)
    lot = Lot.objects.select_related("project").get(project=project, number=1)
    assert lot.status == Lot.Status.OPEN_FOR_BIDS
    return lot


def _login(page, base_url: str, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    if "/second-factor/" in page.url:
        page.fill("input[name=token]", f"{totp(bytes.fromhex(demo.DEMO_TOTP_KEY)):06d}")
        page.click("[data-testid=otp-form] button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/workspace/" in page.url, page.url


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _pdf_to_png(pdf: bytes, name: str) -> None:
    """The PDF's first page as var/screenshots/bid-walk/<name>.png (pdftoppm from poppler-utils)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(path), str(SCREENSHOTS / name)], check=True
    )


def _register(page, base_url: str, spec) -> None:
    lang, username, name_zh, name_en, person, _price, serial = spec
    page.goto(f"{base_url}/suppliers/register/")
    heading = "供应商注册" if lang == "zh-CN" else "Register as a supplier"
    assert page.inner_text("h1") == heading
    page.fill("input[name=name_zh]", name_zh)
    page.fill("input[name=name_en]", name_en)
    page.fill("input[name=uscc]", demo.demo_uscc("330400", serial))
    page.fill("input[name=region_code]", "330400")
    page.fill("input[name=legal_representative]", person)
    page.fill("input[name=registered_capital]", "10000000.00")
    page.fill("input[name=address]", "浙江省嘉兴市南湖区科技大道 88 号")
    page.select_option("select[name=enterprise_size]", "medium")
    page.fill("input[name=contact_name]", person)
    page.fill("input[name=contact_phone]", "0573-8200" + str(serial))
    page.fill("input[name=contact_email]", f"{username}@example.cn")
    page.fill("input[name=bank_name]", "嘉兴银行南湖支行")
    page.fill("input[name=bank_account_name]", name_zh)
    page.fill("input[name=bank_account_number]", f"6222 0000 {serial:04d} 0001")
    page.check("input[name=categories][value=goods]")
    page.fill("input[name=regions]", "330400")
    page.set_input_files(
        "input[name=commitment_letter]",
        {
            "name": "commitment.pdf",
            "mimeType": "application/pdf",
            "buffer": pdf_bytes(f"commitment {username}"),
        },
    )
    # Both licence rows are filled: an untouched row still sends its licence kind (the select has no
    # empty choice), so the page would ask for its number, dates and scan.
    today = timezone.localdate()
    for row, kind in enumerate(("quality_management", "information_security")):
        page.select_option(f"select[name=qualifications-{row}-kind]", kind)
        page.fill(f"input[name=qualifications-{row}-number]", f"{kind[:4].upper()}-{serial}-{row}")
        page.fill(f"input[name=qualifications-{row}-issued_on]", str(today - datetime.timedelta(days=200)))
        page.fill(f"input[name=qualifications-{row}-expires_on]", str(today + datetime.timedelta(days=900)))
        page.set_input_files(
            f"input[name=qualifications-{row}-document]",
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        )
    page.fill("input[name=representative_name]", person)
    page.fill("input[name=representative_name_en]", name_en.split(" ")[0] + " representative")
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.cn")
    page.fill("input[name=password]", PASSWORD)
    _shot(page, f"register-{username}")
    page.click("[data-testid=register-submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url, page.locator("[role=alert]").all_inner_texts()


def _upload_all(page, documents, marker: str, sizes: dict | None = None) -> dict:
    """Choose every response document in its file input; wait for each progress bar to reach 100
    and the state line to show the SHA-256. Returns {document key: sha256}."""
    hashes = {}
    for item in documents:
        key = item["key"]
        content = pdf_bytes(f"{marker}-{key}", size=(sizes or {}).get(key, 0))
        page.set_input_files(
            f"#file-{key}", {"name": f"{key}.pdf", "mimeType": "application/pdf", "buffer": content}
        )
        hashes[key] = hashlib.sha256(content).hexdigest()
    for key, digest in hashes.items():
        page.wait_for_function(
            "key => document.querySelector(`[data-testid=progress-${key}]`).value === 100",
            arg=key,
            timeout=30000,
        )
        page.wait_for_function(
            "([key, digest]) => document.querySelector(`[data-testid=upload-state-${key}]`)"
            ".textContent.includes(digest)",
            arg=[key, digest],
            timeout=30000,
        )
    return hashes


def test_three_suppliers_register_lodge_bonds_bid_and_two_officers_open_the_lot_in_public(
    live_server, page_factory, tendering_lot
):
    base = live_server.url
    lot = tendering_lot
    project = lot.project
    documents = project.tender_documents.get(status="published").response_documents
    assert [d["key"] for d in documents] == ["bid_letter", "qualification", "technical", "commercial"]

    # Three suppliers register in the browser: two in Chinese, one in English.
    suppliers = []
    for spec in SUPPLIERS:
        page = page_factory(spec[0])
        _register(page, base, spec)
        suppliers.append(page)
    profiles = {
        p.organisation.name_zh: p
        for p in SupplierProfile.objects.filter(organisation__name_zh__in=[s[2] for s in SUPPLIERS])
    }
    assert {p.status for p in profiles.values()} == {SupplierProfile.Status.PENDING}

    # The operator (second factor) approves the three registrations.
    operator = page_factory("zh-CN")
    _login(operator, base, "operator")
    operator.goto(f"{base}/suppliers/review/?status=pending")
    _shot(operator, "review-list")
    for spec in SUPPLIERS:
        profile = profiles[spec[2]]
        operator.goto(f"{base}/suppliers/review/{profile.pk}/")
        assert spec[2] in operator.inner_text("[data-testid=supplier-name]")
        operator.fill("[data-testid=review-form] textarea[name=comment]", "资料齐全，准予注册。")
        operator.click("[data-testid=approve]")
        operator.wait_for_load_state()
    _shot(operator, "review-approved")
    assert set(
        SupplierProfile.objects.filter(pk__in=[p.pk for p in profiles.values()]).values_list(
            "status", flat=True
        )
    ) == {SupplierProfile.Status.APPROVED}

    # Each supplier signs in and lodges the lot's bond by bank transfer.
    bond_amount = None
    for page, spec in zip(suppliers, SUPPLIERS, strict=True):
        _login(page, base, spec[1], PASSWORD)
        page.goto(f"{base}/bidding/lots/{lot.pk}/bid/")
        _shot(page, f"bid-before-bond-{spec[1]}")
        page.click("[data-testid=bond-link]")  # the bid page leads to the bond page
        page.wait_for_load_state()
        assert page.url == f"{base}/bidding/lots/{lot.pk}/bond/", page.url
        bond_amount = page.inner_text("[data-testid=bond-amount]")
        assert re.search(r"24,?000\.00", bond_amount), bond_amount  # 2 % of 1,200,000.00
        page.check("input[name=form][value=cash_transfer]")
        page.fill("input[name=payer_bank]", "嘉兴银行南湖支行")
        page.fill("input[name=payer_account_name]", spec[2])
        page.fill("input[name=payer_account_number]", f"6222 0000 {spec[6]:04d} 0001")
        page.click("[data-testid=bond-lodge-submit]")
        page.wait_for_load_state()
        assert page.locator("[data-testid=bond-status]").inner_text() in (
            "已缴纳，待核验",
            "Lodged, awaiting verification",
        )
        _shot(page, f"bond-lodged-{spec[1]}")

    # The agency officer (second factor) verifies the three bonds.
    officer = page_factory("zh-CN")
    _login(officer, base, "jx_agency")
    officer.goto(f"{base}/bidding/projects/{project.pk}/bonds/")
    _shot(officer, "bonds-to-verify")
    for bond in Bond.objects.filter(lot=lot).order_by("pk"):
        officer.click(f"[data-testid=verify-{bond.pk}]")
        officer.wait_for_load_state()
    assert set(Bond.objects.filter(lot=lot).values_list("status", flat=True)) == {Bond.Status.VERIFIED}
    _shot(officer, "bonds-verified")

    # Each supplier prepares its bid, uploads the four documents, types its price and submits.
    # The third one's first upload of the 2.5 MB technical response is cut off after 1.5 MB
    # (the request body is truncated on its way): the page resumes from what the server stored.
    cut = {"done": False}

    def truncate_first_put(route):
        request = route.request
        if request.method == "PUT" and not cut["done"]:
            cut["done"] = True
            return route.continue_(post_data=request.post_data_buffer[: SEGMENT + SEGMENT // 2])
        return route.continue_()

    exchanges = []  # (method, offset, status, answer code) of the uploads' data requests

    def record_upload(response):
        if "/bidding/uploads/" in response.url:
            answer = response.json()
            exchanges.append(
                (
                    response.request.method,
                    response.url.partition("offset=")[2],
                    response.status,
                    answer.get("code") or answer.get("status"),
                )
            )

    receipts = []
    for index, (page, spec) in enumerate(zip(suppliers, SUPPLIERS, strict=True)):
        page.goto(f"{base}/bidding/lots/{lot.pk}/bid/")
        assert page.locator("[data-testid=bid-obstacles]").count() == 0
        page.click("[data-testid=start-bid]")
        page.wait_for_load_state()
        assert page.locator("progress").count() == 4
        if index == 2:
            page.on("response", record_upload)
            page.route("**/bidding/uploads/**", truncate_first_put)
            # only the technical response is big; upload it alone first, so the cut hits it
            technical = [d for d in documents if d["key"] == "technical"]
            hashes = _upload_all(page, technical, spec[1], sizes={"technical": 2 * SEGMENT + SEGMENT // 2})
            # cut off: one segment stored; the page asks where it stands and re-sends from the
            # last stored segment (the server checks it is the same file), then completes
            assert exchanges == [
                ("PUT", "0", 400, "upload_incomplete"),
                ("GET", "", 200, "uploading"),
                ("PUT", "0", 200, "complete"),
            ], exchanges
            page.unroute("**/bidding/uploads/**")
            page.remove_listener("response", record_upload)
            hashes |= _upload_all(page, [d for d in documents if d["key"] != "technical"], spec[1])
        else:
            hashes = _upload_all(page, documents, spec[1])
        _shot(page, f"uploaded-{spec[1]}")
        page.fill("[data-testid=price]", spec[5])
        page.click("[data-testid=submit-bid]")
        page.wait_for_load_state()
        assert "/receipt/" in page.url, page.url
        bid = Bid.objects.get(lot=lot, supplier__name_zh=spec[2])
        assert bid.status == Bid.Status.SUBMITTED and bid.price is None
        assert page.inner_text("[data-testid=receipt-bid]") == str(bid.public_id)
        assert page.inner_text("[data-testid=receipt-sequence]") == str(bid.audit_sequence)
        assert page.inner_text("[data-testid=receipt-time]").startswith(
            timezone.localtime(bid.received_at).strftime("%Y-%m-%d %H:%M:%S")
        )
        receipt_text = page.inner_text("main")
        for digest in hashes.values():
            assert digest in receipt_text
        assert {f.document_key: f.sha256 for f in bid.files.filter(status=BidFile.Status.COMPLETE)} == hashes
        _shot(page, f"receipt-{spec[1]}")
        with page.expect_download() as download_info:
            page.click("[data-testid=receipt-pdf]")
        pdf = Path(download_info.value.path()).read_bytes()
        assert pdf[:4] == b"%PDF"
        if index in (0, 1):
            _pdf_to_png(pdf, f"receipt-pdf-{spec[1]}")
        receipts.append(bid)
    technical = BidFile.objects.get(bid=receipts[2], document_key="technical", status=BidFile.Status.COMPLETE)
    assert (technical.size, technical.segments) == (2 * SEGMENT + SEGMENT // 2, 3)

    # The deadline passes and the sweep closes the lot.
    pass_deadline(project)
    assert procurement_services.close_due_bidding() >= 1
    lot.refresh_from_db()
    assert lot.status == Lot.Status.CLOSED

    # A supplier watches the opening page; two officers confirm the opening.
    watcher = suppliers[1]
    watcher.goto(f"{base}/bidding/lots/{lot.pk}/opening/")
    assert watcher.locator("[data-testid=own-receipt]").count() == 1
    assert watcher.locator("[data-testid=opening-record]").count() == 0
    _shot(watcher, "opening-sealed-en")
    officer.goto(f"{base}/bidding/lots/{lot.pk}/opening/")
    officer.click("[data-testid=confirm-opening]")
    officer.wait_for_load_state()
    assert officer.locator("[data-testid=confirm-opening]").count() == 0  # four eyes: not twice
    _shot(officer, "opening-first-confirmation")
    approver = page_factory("zh-CN")
    _login(approver, base, "jx_approver")
    approver.goto(f"{base}/bidding/lots/{lot.pk}/opening/")
    approver.click("[data-testid=confirm-opening]")
    approver.wait_for_load_state()
    record = approver.inner_text("[data-testid=opening-record]").replace(",", "")
    opening = Opening.objects.get(lot=lot)
    assert opening.status == Opening.Status.OPENED and not opening.failed and opening.valid_bids == 3
    assert {opening.first_officer.username, opening.second_officer.username} == {"jx_agency", "jx_approver"}
    _shot(approver, "opening-opened-zh")
    assert all(spec[5] in record and spec[2] in record for spec in SUPPLIERS)
    # the supplier's page shows the record without a reload (htmx polls every 5 s)
    watcher.wait_for_selector("[data-testid=opening-record]", timeout=20000)
    watched = watcher.inner_text("[data-testid=opening-record]").replace(",", "")
    assert all(spec[5] in watched for spec in SUPPLIERS)
    _shot(watcher, "opening-polled-en")
    assert sorted(Bid.objects.filter(lot=lot).values_list("price", flat=True)) == sorted(
        Decimal(spec[5]) for spec in SUPPLIERS
    )

    # The public reads the opening record notice and downloads the opening PDF.
    notice = Notice.objects.get(project=project, kind=Notice.Kind.OPENING_RECORD)
    public = page_factory("zh-CN")
    public.goto(f"{base}/notices/")
    _shot(public, "public-notices")
    public.locator("[data-testid=notices] a", has_text=notice.title_zh).first.click()
    public.wait_for_load_state()
    assert public.inner_text("[data-testid=notice-title]") == notice.title_zh
    body = public.inner_text("[data-testid=notice-body]").replace(",", "")
    for spec in SUPPLIERS:
        assert spec[5] in body and spec[2] in body
    _shot(public, "public-opening-record")
    opening_pdf = public.request.get(f"{base}/bidding/lots/{lot.pk}/opening.pdf")
    assert opening_pdf.ok and opening_pdf.body()[:4] == b"%PDF"
    assert hashlib.sha256(opening_pdf.body()).hexdigest() == opening.sha256
    _pdf_to_png(opening_pdf.body(), "opening-pdf")

    # The cut-off upload answers 400 on purpose (the page resumes); nothing else may be logged.
    assert suppliers[2].console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    for page in (suppliers[0], suppliers[1], operator, officer, approver, public):
        assert page.console_errors == []
