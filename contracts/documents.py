"""The documents of a contract: the contract PDF (政府采购合同) and the supplementary agreement PDF
(补充合同), rendered with procurement.pdf.write_pdf (WeasyPrint, Noto Sans CJK SC) from
contracts/templates/contracts/pdf/. Like the other frozen documents they are Chinese with English
subtitles and read the same whatever the reader's language.

The contract is rendered from the contract row as it stands when the first party signs (the
document is then frozen: draft_sha256) and signed by each party in turn (contracts.signing). The
published copy may mask personal data (rule contract.notice_redacts_personal_data): contact
persons, telephones and account numbers (redacted=True).

chinese_capital_amount() writes an amount in the capital numerals of Chinese financial documents
(人民币大写), a pure function.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string

from bidding.award.models import AwardLetter
from procurement.pdf import blocks, chinese_date, write_pdf
from procurement.templating import yuan

from .models import Contract, SupplementaryAgreement

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")  # DecimalField(max_digits=18, decimal_places=2)


def _group(value: int) -> str:
    """0 < value < 10000 in capitals, zeros inside collapsed into one 零 (1005 → 壹仟零伍)."""
    text, zero, started = "", False, False
    for position in (3, 2, 1, 0):
        digit = value // 10**position % 10
        if digit == 0:
            zero = zero or started
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + _UNITS[position]
        started = True
    return text


def _integer(value: int) -> str:
    if value == 0:
        return "零"
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _group(group)
        if index == 1:
            text += "万"
        elif index == 2:
            text += "亿"
        elif index == 3:
            text += "万亿" if groups[2] == 0 else "万"
        gap = False
    return text


def chinese_capital_amount(amount: Decimal | int | str) -> str:
    """An amount of yuan in capitals: 1500000 → 壹佰伍拾万元整, 1234.56 → 壹仟贰佰叁拾肆元伍角陆分,
    0.05 → 伍分, 1.05 → 壹元零伍分. Rounded half up to the fen; 0 ≤ amount ≤ MAX_AMOUNT."""
    value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    if value < 0 or value > MAX_AMOUNT:
        raise ValueError("amount out of range")
    fen_total = int(value * 100)
    yuan_part, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    text = _integer(yuan_part) + "元" if yuan_part else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan_part:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return text


# --- Masking (the published copy) ----------------------------------------------------------------


def mask_name(name: str) -> str:
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_number(number: str, keep: int = 4) -> str:
    """All but the last `keep` digits of a telephone or account number as *."""
    number = (number or "").strip()
    if not number:
        return ""
    shown = number[-keep:] if len(number) > keep else ""
    return "*" * (len(number) - len(shown)) + shown


# --- The contract ---------------------------------------------------------------------------------


def _award_notice(contract: Contract) -> AwardLetter | None:
    return (
        AwardLetter.objects.filter(award_id=contract.award_id, kind=AwardLetter.Kind.AWARD_NOTICE)
        .only("pk", "sha256", "created_at")
        .first()
    )


def contract_context(contract: Contract, *, redacted: bool = False) -> dict:
    """What the contract PDF shows. Pass a contract fetched with its lot, project, parties and award
    (contracts.selectors.contracts()) to save queries."""
    lot = contract.lot
    project = lot.project
    award = contract.award
    document = contract.tender_document
    milestones = list(contract.milestones.filter(supplement__isnull=True).order_by("number"))
    letter = _award_notice(contract)
    result_notice = award.result_notice if award.result_notice_id else None

    def personal(value: str, mask) -> str:
        return mask(value) if redacted else value

    return {
        "contract": contract,
        "project": project,
        "lot": lot,
        "reference": contract.reference,
        "purchaser": contract.purchaser,
        "supplier": contract.supplier,
        "purchaser_contact": personal(contract.purchaser_contact, mask_name),
        "purchaser_phone": personal(contract.purchaser_phone, mask_number),
        "supplier_contact": personal(contract.supplier_contact, mask_name),
        "supplier_phone": personal(contract.supplier_phone, mask_number),
        "supplier_account_number": personal(contract.supplier_account_number, mask_number),
        "redacted": redacted,
        "amount": yuan(contract.amount),
        "amount_capitals": chinese_capital_amount(contract.amount),
        "bond_percent": f"{contract.performance_bond_percent:.2f}",
        "bond_amount": yuan(contract.performance_bond_amount),
        "bond_capitals": chinese_capital_amount(contract.performance_bond_amount),
        "subject_blocks": blocks(contract.subject),
        "payment_blocks": blocks(contract.payment_terms),
        "terms_blocks": blocks(contract.contract_terms),
        "special_blocks": blocks(contract.special_terms),
        "milestones": [
            {
                "number": m.number,
                "kind_zh": "服务期" if m.kind == "service_period" else "交付",
                "kind_en": "Service period" if m.kind == "service_period" else "Delivery",
                "title": m.title,
                "description": m.description,
                "due_date": chinese_date(m.due_date),
                "amount": yuan(m.amount),
            }
            for m in milestones
        ],
        "milestones_total": yuan(sum((m.amount for m in milestones), Decimal(0))),
        "award_notice_on": chinese_date(contract.award_notice_on),
        "award_notice_sha256": letter.sha256 if letter else "",
        "result_notice": result_notice,
        "result_notice_sha256": result_notice.attachment_sha256 if result_notice else "",
        "tender_document": document,
        "tender_document_sha256": document.sha256 if document else "",
        "signing_due": chinese_date(contract.signing_due),
        "header_title": f"政府采购合同 {contract.reference}",
    }


def render_contract_pdf(contract: Contract, *, redacted: bool = False) -> bytes:
    """The contract as a PDF (unsigned): the document both parties sign, or (redacted) the copy
    published with the contract notice, personal data masked."""
    return write_pdf(
        render_to_string("contracts/pdf/contract.html", contract_context(contract, redacted=redacted))
    )


def supplement_context(supplement: SupplementaryAgreement) -> dict:
    contract = supplement.contract
    others = [
        s
        for s in contract.supplements.order_by("number")
        if s.pk != supplement.pk and s.number < supplement.number
    ]
    return {
        "supplement": supplement,
        "contract": contract,
        "project": contract.lot.project,
        "lot": contract.lot,
        "reference": f"{contract.reference}-BC{supplement.number}",
        "purchaser": contract.purchaser,
        "supplier": contract.supplier,
        "amount": yuan(supplement.amount),
        "amount_capitals": chinese_capital_amount(supplement.amount),
        "contract_amount": yuan(contract.amount),
        "earlier_total": yuan(sum((s.amount for s in others), Decimal(0))),
        "subject_blocks": blocks(supplement.subject),
        "reason_blocks": blocks(supplement.reason),
        "due_date": chinese_date(supplement.due_date),
        "contract_sha256": contract.sha256,
        "header_title": f"补充合同 {contract.reference}-BC{supplement.number}",
    }


def render_supplement_pdf(supplement: SupplementaryAgreement) -> bytes:
    """The supplementary agreement as a PDF (unsigned); it holds no personal data, so the signed
    copy is the published one."""
    return write_pdf(render_to_string("contracts/pdf/supplement.html", supplement_context(supplement)))
