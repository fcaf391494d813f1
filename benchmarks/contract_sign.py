"""contract_sign: generating a 20-page contract PDF and signing it by both parties, against
rendering the same HTML to PDF without signing, in the same run.

The document is the real contract template (contracts/templates/contracts/pdf/contract.html)
filled with a large contract: 160 milestones and long special terms, about 20 A4 pages. Measured
per round: procurement.pdf.write_pdf(html) (WeasyPrint; a marker per round defeats PDF_MEMO),
then contracts.signing.sign_pdf for the purchaser and on top for the supplier (pyHanko, PAdES,
the platform CA's certificates, each organisation's key loaded and decrypted as the service does).
Baseline: write_pdf(html) alone. Each alternates, median of ROUNDS. Target: the signed document
costs less than half again the plain rendering (ratio < 1.5); both signatures must verify.
"""

import io
import os
import statistics
import time
from decimal import Decimal
from types import SimpleNamespace

from . import Result, cpus

NAME = "contract_sign"
TARGET = 1.5  # ratio
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
MILESTONES = int(os.environ.get("BENCH_MILESTONES", "160"))


def _organisation(kind: str, name_zh: str, name_en: str, body: str):
    from stdnum.cn import uscc

    from accounts.models import Organisation

    code = body + uscc.calc_check_digit(body)
    organisation, _ = Organisation.objects.get_or_create(
        uscc=code, defaults={"kind": kind, "name_zh": name_zh, "name_en": name_en, "region_code": "330400"}
    )
    return organisation


def _html(purchaser, supplier, marker: str) -> str:
    from django.template.loader import render_to_string

    from contracts.documents import chinese_capital_amount
    from procurement.pdf import blocks
    from procurement.templating import yuan

    amount = Decimal("12345678.90")
    per = (amount / MILESTONES).quantize(Decimal("0.01"))
    milestones = [
        {
            "number": n,
            "kind_zh": "交付",
            "kind_en": "Delivery",
            "title": f"第{n}批设备交付、安装、调试并培训使用人员",
            "description": f"Batch {n}: delivery, installation, commissioning, training (site {n % 12 + 1})",
            "due_date": f"2027年{n % 12 + 1}月{n % 28 + 1}日",
            "amount": yuan(per if n < MILESTONES else amount - per * (MILESTONES - 1)),
        }
        for n in range(1, MILESTONES + 1)
    ]
    special = "\n\n".join(
        f"{n}、乙方应按照采购文件和投标文件的承诺提供质保期内的上门维护服务，接到报修后2小时内响应、"
        f"24小时内到达现场、48小时内修复；不能修复的，应提供同型号备用设备，直至修复为止。第{n}条。"
        for n in range(1, 41)
    )
    project = SimpleNamespace(
        reference="BENCH-2026-0001", title_zh="基准测试大型设备采购项目", title_en="Benchmark equipment"
    )
    lot = SimpleNamespace(number=1, title_zh="大型设备", title_en="Large equipment")
    contract = SimpleNamespace(
        title_zh="基准测试大型设备采购合同",
        title_en="Benchmark equipment contract",
        supplier_is_sme=True,
        supplier_bank="嘉禾商业银行南湖支行",
        supplier_account_name=supplier.name_zh,
        delivery_place="浙江省嘉兴市南湖区",
        delivery_period="合同签订后180日内分批交付",
        sme_payment_days=30,
        performance_bond_amount=Decimal("617283.95"),
    )
    terms = "\n\n".join(
        f"{n}、合同条款：合同价款为固定总价，供应商应按约定交付并接受验收，采购人按约定付款；违约责任、"
        f"争议解决按《中华人民共和国民法典》和政府采购法律法规执行。条款{n}。"
        for n in range(1, 21)
    )
    context = {
        "contract": contract,
        "project": project,
        "lot": lot,
        "reference": f"BENCH-2026-0001-1-HT-{marker}",
        "purchaser": purchaser,
        "supplier": supplier,
        "purchaser_contact": "王五",
        "purchaser_phone": "0573-82000000",
        "supplier_contact": "李四",
        "supplier_phone": "13800000000",
        "supplier_account_number": "6222000011112222333",
        "redacted": False,
        "amount": yuan(amount),
        "amount_capitals": chinese_capital_amount(amount),
        "bond_percent": "5.00",
        "bond_amount": yuan(contract.performance_bond_amount),
        "bond_capitals": chinese_capital_amount(contract.performance_bond_amount),
        "subject_blocks": blocks("大型设备一批，规格型号见采购文件第三章技术要求。\n数量：160批。"),
        "payment_blocks": blocks("每批验收合格并收到发票后30日内支付该批款项。"),
        "terms_blocks": blocks(terms),
        "special_blocks": blocks(special),
        "milestones": milestones,
        "milestones_total": yuan(amount),
        "award_notice_on": "2026年11月1日",
        "award_notice_sha256": "ab" * 32,
        "result_notice": None,
        "result_notice_sha256": "",
        "tender_document": SimpleNamespace(version=1),
        "tender_document_sha256": "cd" * 32,
        "signing_due": "2026年12月1日",
        "header_title": "政府采购合同 BENCH-2026-0001-1-HT",
    }
    return render_to_string("contracts/pdf/contract.html", context)


def _pages(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def run() -> Result:
    from django.db import transaction

    from contracts import signing
    from procurement.pdf import write_pdf

    with transaction.atomic():
        purchaser = _organisation("purchaser", "基准测试采购单位", "Bench purchaser", "12330400MB0000017")
        supplier = _organisation(
            "supplier", "基准测试供应商有限公司", "Bench supplier Ltd", "91330400MA0000027"
        )
    counter = [0]

    def html() -> str:
        counter[0] += 1
        return _html(purchaser, supplier, f"{os.getpid()}-{time.time_ns()}-{counter[0]}")

    def render() -> bytes:
        return write_pdf(html())

    def render_and_sign() -> bytes:
        pdf = write_pdf(html())
        pdf = signing.sign_pdf(pdf, organisation=purchaser, field_name="purchaser", reason="采购人签订").pdf
        return signing.sign_pdf(pdf, organisation=supplier, field_name="supplier", reason="供应商签订").pdf

    signed = render_and_sign()  # warm-up: fonts, certificates issued once
    pages = _pages(signed)
    verified = [v.ok for v in signing.verify_pdf(signed)]
    render()
    plain, signed_times = [], []
    clock = time.perf_counter
    for n in range(ROUNDS):
        for kind in ("signed", "plain") if n % 2 == 0 else ("plain", "signed"):
            started = clock()
            if kind == "signed":
                render_and_sign()
                signed_times.append(clock() - started)
            else:
                render()
                plain.append(clock() - started)
    value, baseline = statistics.median(signed_times), statistics.median(plain)
    ratio = value / baseline
    print(
        f"[bench] {NAME}: {pages} pages, {len(signed):,} bytes signed; render + two signatures median "
        f"{value:.2f} s, render alone {baseline:.2f} s (ratio {ratio:.3f}); signatures verify: {verified}",
        flush=True,
    )
    return Result(
        name=NAME,
        value=round(value, 3),
        unit="s",
        baseline_value=round(baseline, 3),
        ratio=round(ratio, 3),
        target=TARGET,
        met=bool(ratio < TARGET and verified == [True, True] and pages >= 15),
        cpus=cpus(),
    )
