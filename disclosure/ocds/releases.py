"""OCDS 1.1.5 releases of the platform's public events (REFERENCE.md §B.6), built from plain data.

One contracting process (one ocid) per lot: `ocds-<prefix>-<project reference>-<lot number>`.
Each public notice is one release of every lot it concerns, with the notice's tag:

    procurement intention                → planning            (tender.status planned)
    tender / negotiation / consultation /
      inquiry notice, re-tender notice   → tender              (with the documents)
    single-source justification          → tender              (tender.status planned, the rationale)
    correction notice                    → tenderAmendment     (tender.amendments)
    opening record                       → tenderUpdate        (bids, once opened)
    failed procurement                   → tenderCancellation  (tender.status unsuccessful)
    termination (a lot or the project)   → tenderCancellation  (tender.status cancelled)
    result notice                        → award               (award, bids valid/disqualified, scores)
    complaint decision                   → awardUpdate / tenderUpdate (the decision, reviewBody)
    contract notice                      → contract            (dateSigned, value, documents)
    supplementary contract notice        → contractAmendment   (contracts[].amendments, new value)
    acceptance result                    → implementation      (milestones, payments)
    a payment recorded                   → implementation      (transactions)
    breach: termination                  → contractTermination (contract status terminated)
    breach: refusal to sign              → contractUpdate      (contract status cancelled)
    breach: late delivery, failed accept → implementationUpdate

Each release carries what its event published, never the later state of the lot: an award release
says "active" even if a complaint later cancels it (the complaint's release says "cancelled").
Bids appear only in events after the opening record (the selectors never read a bid before).

The bids extension (bids.details, awards[].relatedBids) is the only extension: with one lot per
ocid the lots extension does not fit (its guidance: a single-lot process fills tender directly);
the project links its lots by planning.budget.projectID, a re-tender its failed lot by
relatedProcesses (unsuccessfulProcess).
"""

import datetime
import json
from decimal import Decimal

from django.utils import timezone

from .facts import BidFact, Event, MilestoneFact, NoticeRef, Org, PaymentFact, Process

CURRENCY = "CNY"
LANGUAGE = "zh"
USCC_SCHEME = "CN-USCC"
# The government procurement catalogue (政府采购品目分类目录): not in OCDS's open codelist.
CLASSIFICATION_SCHEME = "CN-GPC"

METHODS = {
    "public_tender": "open",
    "invited_tender": "selective",
    # Negotiation, consultation and inquiry invite every supplier by a public notice here.
    "competitive_negotiation": "open",
    "competitive_consultation": "open",
    "inquiry": "open",
    "framework_agreement": "open",
    "single_source": "direct",
    "direct_purchase": "direct",
}
AWARD_CRITERIA = {"lowest_price": "priceOnly", "comprehensive": "ratedCriteria"}

TAGS = {
    "intention": ["planning"],
    "tender": ["tender"],
    "single_source": ["tender"],
    "correction": ["tenderAmendment"],
    "opening_record": ["tenderUpdate"],
    "failed": ["tenderCancellation"],
    "termination": ["tenderCancellation"],
    "result": ["award"],
    "contract": ["contract"],
    "supplement": ["contractAmendment"],
    "acceptance": ["implementation"],
    "payment": ["implementation"],
}
BREACH_TAGS = {
    "termination": ["contractTermination"],
    "refusal_to_sign": ["contractUpdate"],
    "late_delivery": ["implementationUpdate"],
    "failed_acceptance": ["implementationUpdate"],
}
# The notice kinds that make releases (the complaint decision and the breach have their own rules).
RELEASE_KINDS = frozenset(TAGS) - {"payment"} | {"complaint", "breach"}


def ocid(prefix: str, project_reference: str, lot_number: int) -> str:
    return f"{prefix}-{project_reference}-{lot_number}"


def release_id(ocid_: str, notice_id: int) -> str:
    return f"{ocid_}-{notice_id}"


def payment_release_id(ocid_: str, payment_id: int) -> str:
    return f"{ocid_}-payment-{payment_id}"


def tags_of(event: Event) -> list[str]:
    if event.kind == "breach":
        return list(BREACH_TAGS[event.breach.kind])
    if event.kind == "complaint":
        complaint = event.complaint
        if complaint.cancelled_award_ids or complaint.subject == "result":
            return ["awardUpdate"]
        return ["tenderUpdate"]
    return list(TAGS[event.kind])


# --- Small pieces ---------------------------------------------------------------------------------


def iso(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def end_of(day: datetime.date | None) -> str | None:
    """A date-only limit as the last second of that day (Beijing time)."""
    if day is None:
        return None
    return iso(timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59))))


def start_of(day: datetime.date | None) -> str | None:
    if day is None:
        return None
    return iso(timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0))))


def number(amount: Decimal) -> int | float:
    """A JSON number for a CNY amount: an integer when whole, else the decimal's shortest float."""
    amount = Decimal(amount)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def money(amount: Decimal | None) -> dict | None:
    if amount is None:
        return None
    return {"amount": number(amount), "currency": CURRENCY}


def yuan(amount: Decimal | None) -> str:
    """776,400.00 — for the texts of descriptions."""
    return "" if amount is None else f"{Decimal(amount):,.2f}"


def reference(org: Org) -> dict:
    return {"id": org.party_id, "name": org.name_zh}


def party(org: Org, roles: list[str]) -> dict:
    # The identifier's legalName would repeat the name: the name is the registered one here.
    entry = {
        "id": org.party_id,
        "name": org.name_zh,
        "identifier": {"scheme": USCC_SCHEME, "id": org.uscc},
        "address": {"countryName": "中国", "countryName_en": "China"},
        "roles": roles,
    }
    if org.name_en:
        entry["name_en"] = org.name_en
    if org.region_code:
        entry["address"]["region"] = org.region_code
    return entry


def parties(*entries: tuple[Org | None, str]) -> list[dict]:
    """One party per organisation with all its roles, in the order first named."""
    merged: dict[str, tuple[Org, list[str]]] = {}
    for org, role in entries:
        if org is None:
            continue
        _, roles = merged.setdefault(org.party_id, (org, []))
        if role not in roles:
            roles.append(role)
    return [party(org, roles) for org, roles in merged.values()]


def document(
    doc_id: str,
    document_type: str,
    title_zh: str,
    title_en: str,
    url: str,
    published: datetime.datetime | None,
    media: str = "text/html",
) -> dict:
    doc = {
        "id": doc_id,
        "documentType": document_type,
        "title": title_zh,
        "title_en": title_en,
        "url": url,
        "format": media,
        "language": LANGUAGE,
    }
    if published is not None:
        doc["datePublished"] = iso(published)
    return doc


def notice_document(notice: NoticeRef, document_type: str, description: str = "") -> dict:
    """The notice's public page as a document of the release (with what it says in short, when the
    release has no field of its own for it: the reason of a cancellation, a decision, a breach)."""
    doc = document(
        f"notice-{notice.id}",
        document_type,
        notice.title_zh,
        notice.title_en,
        notice.url,
        notice.published_at,
    )
    if description:
        doc["description"] = description
    return doc


def attachment_document(notice: NoticeRef, document_type: str, title_zh: str, title_en: str) -> list[dict]:
    if not notice.attachment_url:
        return []
    return [
        document(
            f"notice-{notice.id}-attachment",
            document_type,
            title_zh,
            title_en,
            notice.attachment_url,
            notice.published_at,
            "application/pdf",
        )
    ]


def lot_title(process: Process) -> tuple[str, str]:
    zh = f"{process.project_title_zh}第{process.lot_number}包：{process.lot_title_zh}"
    en_project = process.project_title_en or process.project_title_zh
    en = f"{en_project}, lot {process.lot_number}: {process.lot_title_en or process.lot_title_zh}"
    return zh, en


def tender_id(process: Process) -> str:
    return f"{process.project_reference}-{process.lot_number}"


def base_tender(process: Process) -> dict:
    """What every release says of the tender: its id and title (the compiled release keeps them)."""
    title_zh, title_en = lot_title(process)
    return {"id": tender_id(process), "title": title_zh, "title_en": title_en}


def items(process: Process) -> list[dict]:
    item = {
        "id": "1",
        "description": process.specification or process.lot_title_zh,
        "classification": {"scheme": CLASSIFICATION_SCHEME, "id": process.classification_code},
    }
    if process.lot_title_en:
        item["description_en"] = process.lot_title_en
    return [item]


def tender_core(process: Process) -> dict:
    """The tender's fixed description: what is bought, how, for how much."""
    tender = base_tender(process)
    tender.update(
        {
            "description": process.specification,
            "items": items(process),
            "value": money(process.lot_budget),
            "procurementMethod": METHODS.get(process.method, "open"),
            "procurementMethodDetails": f"{process.method_label_zh} ({process.method_label_en})",
            "mainProcurementCategory": process.category,
        }
    )
    if process.agency is not None:
        tender["procuringEntity"] = reference(process.agency)
    if process.method_justification:
        tender["procurementMethodRationale"] = process.method_justification
    return tender


def base_release(event: Event, extra_parties: tuple[tuple[Org | None, str], ...] = ()) -> dict:
    process = event.process
    release = {
        "ocid": process.ocid,
        "id": event.release_id,
        "date": iso(event.date),
        "tag": tags_of(event),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties((process.purchaser, "buyer"), (process.agency, "procuringEntity"), *extra_parties),
        "buyer": reference(process.purchaser),
    }
    if process.retender_of_ocid:
        release["relatedProcesses"] = [
            {
                "id": "retender-of",
                "relationship": ["unsuccessfulProcess"],
                "title": "重新采购的原标包",
                "scheme": "ocid",
                "identifier": process.retender_of_ocid,
            }
        ]
    return release


def bid_details(bids: tuple[BidFact, ...]) -> list[dict]:
    details = []
    for bid in bids:
        entry = {"id": bid.id, "status": bid.status, "tenderers": [reference(bid.tenderer)]}
        if bid.received_at is not None:
            entry["date"] = iso(bid.received_at)
        if bid.price is not None:
            entry["value"] = money(bid.price)
        details.append(entry)
    return details


# --- One builder per kind of event ----------------------------------------------------------------


def _planning(event: Event) -> dict:
    process, notice = event.process, event.notice
    release = base_release(event)
    budget = {
        "id": process.project_reference,
        "description": process.funding_source_zh,
        "description_en": process.funding_source_en,
        "amount": money(process.lot_budget),
        "project": process.project_title_zh,
        "projectID": process.project_reference,
    }
    if process.project_title_en:
        budget["project_en"] = process.project_title_en
    release["planning"] = {
        "rationale": process.project_description_zh or process.project_title_zh,
        "budget": budget,
        "documents": [notice_document(notice, "plannedProcurementNotice")],
    }
    if process.project_description_en:
        release["planning"]["rationale_en"] = process.project_description_en
    release["tender"] = tender_core(process) | {"status": "planned"}
    return release


def _terms(tender: dict, terms, notice: NoticeRef) -> None:
    """The tender documents' dates, criteria and eligibility into the tender."""
    tender["awardCriteria"] = AWARD_CRITERIA.get(terms.evaluation_method, "priceOnly")
    if terms.evaluation_method == "comprehensive":
        zh = ["综合评分法"]
        en = ["Comprehensive scoring"]
        if terms.price_weight is not None:
            zh.append(f"价格分 {terms.price_weight} 分")
            en.append(f"price {terms.price_weight} points")
        zh += list(terms.criteria)
        en += list(terms.criteria_en)
    else:
        zh, en = ["最低评标价法"], ["Lowest evaluated price"]
    tender["awardCriteriaDetails"] = "；".join(zh)
    tender["awardCriteriaDetails_en"] = "; ".join(en)
    tender["submissionMethod"] = ["electronicSubmission"]
    tender["submissionMethodDetails"] = "阳光采购平台在线提交加密投标（响应）文件"
    tender["submissionMethodDetails_en"] = "Sealed bids submitted online on the Sunlight platform"
    tender["tenderPeriod"] = {"startDate": iso(notice.published_at), "endDate": iso(terms.bid_deadline)}
    if terms.clarification_until is not None:
        tender["enquiryPeriod"] = {
            "startDate": iso(notice.published_at),
            "endDate": end_of(terms.clarification_until),
        }
        tender["hasEnquiries"] = False
    if terms.qualification_items:
        tender["eligibilityCriteria"] = "；".join(item.rstrip("；;。") for item in terms.qualification_items)


def _tender_documents(event: Event, notice_type: str) -> list[dict]:
    notice = event.notice
    docs = [notice_document(notice, notice_type)]
    if notice.documents_url and event.terms is not None:
        version = event.terms.version
        docs.append(
            document(
                f"documents-v{version}",
                "biddingDocuments",
                f"采购文件（第 {version} 版）",
                f"Tender documents (version {version})",
                notice.documents_url,
                event.terms.published_at or notice.published_at,
                "application/pdf",
            )
        )
    return docs


def _tender(event: Event) -> dict:
    release = base_release(event)
    tender = tender_core(event.process) | {"status": "active"}
    if event.terms is not None:
        _terms(tender, event.terms, event.notice)
    tender["documents"] = _tender_documents(event, "tenderNotice")
    release["tender"] = tender
    return release


def _single_source(event: Event) -> dict:
    release = base_release(event)
    tender = tender_core(event.process) | {"status": "planned"}
    tender["documents"] = [notice_document(event.notice, "tenderNotice")]
    release["tender"] = tender
    return release


def _correction(event: Event) -> dict:
    release = base_release(event)
    notice = event.notice
    tender = base_tender(event.process) | {"status": "active"}
    terms = event.terms
    if terms is not None:
        _terms(tender, terms, notice)
        rationale = terms.amendment_reason or notice.title_zh
        tender["documents"] = _tender_documents(event, "tenderNotice")
    else:
        # A clarification: the answer to suppliers' questions, the documents unchanged.
        rationale = notice.title_zh
        tender["documents"] = [notice_document(notice, "clarifications")]
    tender["amendments"] = [
        {
            "id": f"notice-{notice.id}",
            "date": iso(notice.published_at),
            "rationale": rationale,
            "rationale_en": notice.title_en,
        }
    ]
    release["tender"] = tender
    return release


def _opening(event: Event) -> dict:
    tenderers = tuple((bid.tenderer, "tenderer") for bid in event.bids)
    release = base_release(event, tenderers)
    tender = base_tender(event.process) | {"status": "active"}
    tender["numberOfTenderers"] = len({bid.tenderer.party_id for bid in event.bids})
    if event.bids:
        tender["tenderers"] = _unique_references(bid.tenderer for bid in event.bids)
    tender["documents"] = [notice_document(event.notice, "bidders")] + attachment_document(
        event.notice, "bidders", "开标记录", "Bid opening record"
    )
    release["tender"] = tender
    if event.bids:
        release["bids"] = {"details": bid_details(event.bids)}
    return release


def _unique_references(orgs) -> list[dict]:
    seen: dict[str, dict] = {}
    for org in orgs:
        seen.setdefault(org.party_id, reference(org))
    return list(seen.values())


def _cancellation(event: Event) -> dict:
    release = base_release(event)
    status = "unsuccessful" if event.kind == "failed" else "cancelled"
    tender = base_tender(event.process) | {"status": status}
    tender["documents"] = [notice_document(event.notice, "cancellationDetails", event.reason)]
    release["tender"] = tender
    return release


def _ranking_text(bids: tuple[BidFact, ...]) -> tuple[str, str]:
    """The scores summary of the result notice: the ranking, and the reasons of the bids out."""
    zh, en = [], []
    for bid in sorted((b for b in bids if b.rank is not None), key=lambda b: b.rank):
        line_zh = f"第{bid.rank}名 {bid.tenderer.name_zh}，报价 {yuan(bid.price)} 元"
        line_en = (
            f"Rank {bid.rank}: {bid.tenderer.name_en or bid.tenderer.name_zh}, price CNY {yuan(bid.price)}"
        )
        if bid.evaluated_price is not None and bid.evaluated_price != bid.price:
            line_zh += f"，评审价 {yuan(bid.evaluated_price)} 元"
            line_en += f", evaluated price CNY {yuan(bid.evaluated_price)}"
        if bid.total_score is not None:
            line_zh += f"，得分 {bid.total_score}"
            line_en += f", score {bid.total_score}"
        zh.append(line_zh)
        en.append(line_en)
    for bid in bids:
        if bid.status == "disqualified":
            reasons = "；".join(bid.fail_reasons)
            zh.append(f"{bid.tenderer.name_zh} 未通过资格审查" + (f"：{reasons}" if reasons else ""))
            en.append(
                f"{bid.tenderer.name_en or bid.tenderer.name_zh} did not pass the qualification review"
                + (f": {reasons}" if reasons else "")
            )
    return "；".join(zh), "; ".join(en)


def _award(event: Event) -> dict:
    award = event.award
    others = tuple((bid.tenderer, "tenderer") for bid in event.bids)
    release = base_release(event, ((award.supplier, "supplier"), *others))
    tender = base_tender(event.process) | {"status": "complete"}
    if event.bids:
        tender["numberOfTenderers"] = len({bid.tenderer.party_id for bid in event.bids})
        tender["tenderers"] = _unique_references(bid.tenderer for bid in event.bids)
    release["tender"] = tender
    title_zh, title_en = lot_title(event.process)
    description_zh, description_en = _ranking_text(event.bids)
    entry = {
        "id": award.id,
        "title": f"{title_zh} 成交结果",
        "title_en": f"Result: {title_en}",
        "status": "active",
        "date": iso(award.date),
        "value": money(award.amount),
        "suppliers": [reference(award.supplier)],
        "items": items(event.process),
        "documents": [notice_document(event.notice, "awardNotice")],
        "relatedBids": [award.bid_id],
    }
    if description_zh:
        entry["description"] = description_zh
        entry["description_en"] = description_en
    release["awards"] = [entry]
    if event.bids:
        release["bids"] = {"details": bid_details(event.bids)}
    return release


def _complaint(event: Event) -> dict:
    complaint = event.complaint
    release = base_release(event, ((complaint.reviewer, "reviewBody"),))
    decision = f"{complaint.outcome_zh}：{complaint.decision}"
    decision_doc = notice_document(event.notice, "complaints", decision)
    release["tender"] = base_tender(event.process) | {"documents": [decision_doc]}
    if complaint.cancelled_award_ids:
        # The award goes; the lot is evaluated again or procured again (a later release says which).
        release["awards"] = [
            {"id": award_id, "status": "cancelled", "documents": [decision_doc]}
            for award_id in complaint.cancelled_award_ids
        ]
        release["tender"]["status"] = "active"
    return release


def _contract_entry(event: Event) -> dict:
    contract = event.contract
    return {"id": contract.id, "awardID": contract.award_id}


def _contract(event: Event) -> dict:
    contract = event.contract
    release = base_release(event, ((contract.supplier, "supplier"),))
    release["tender"] = base_tender(event.process)
    entry = _contract_entry(event) | {
        "title": contract.title_zh,
        "title_en": contract.title_en,
        "status": "active",
        "value": money(contract.amount),
        "items": items(event.process),
        "dateSigned": iso(contract.signed_at),
        "documents": [notice_document(event.notice, "contractNotice")]
        + attachment_document(event.notice, "contractSigned", "合同文本（公开版）", "Contract (public copy)"),
    }
    if contract.delivery_period:
        entry["description"] = f"履行期限：{contract.delivery_period}"
    entry["milestones"] = [_milestone(event, m) for m in event.milestones]
    if not entry["milestones"]:
        del entry["milestones"]
    release["contracts"] = [entry]
    return release


def _supplement(event: Event) -> dict:
    supplement, contract = event.supplement, event.contract
    release = base_release(event, ((contract.supplier, "supplier"),))
    release["tender"] = base_tender(event.process)
    release["contracts"] = [
        _contract_entry(event)
        | {
            "value": money(supplement.total),
            "amendments": [
                {
                    "id": f"{contract.id}-BC{supplement.number}",
                    "date": iso(supplement.signed_at or event.date),
                    "rationale": supplement.reason,
                    "description": (
                        f"补充合同第 {supplement.number} 号：{supplement.subject}，"
                        f"增加金额 {yuan(supplement.amount)} 元"
                    ),
                }
            ],
            "documents": [notice_document(event.notice, "contractAnnexe")],
        }
    ]
    return release


def _milestone(event: Event, milestone: MilestoneFact) -> dict:
    entry = {
        "id": f"{event.contract.id}-M{milestone.number}",
        "title": milestone.title,
        "type": "delivery",
        "dueDate": end_of(milestone.due_date),
        "status": milestone.status,
    }
    if milestone.description:
        entry["description"] = milestone.description
    if milestone.date_met is not None:
        entry["dateMet"] = iso(milestone.date_met)
    return entry


def _transaction(event: Event, payment: PaymentFact) -> dict:
    process, contract = event.process, event.contract
    return {
        "id": payment.id,
        "date": start_of(payment.paid_on),
        "value": money(payment.amount),
        "payer": reference(process.purchaser),
        "payee": reference(contract.supplier),
    }


def _implementation(event: Event) -> dict:
    contract = event.contract
    release = base_release(
        event,
        ((contract.supplier, "supplier"), (event.process.purchaser, "payer"), (contract.supplier, "payee"))
        if event.payments
        else ((contract.supplier, "supplier"),),
    )
    release["tender"] = base_tender(event.process)
    implementation: dict = {}
    if event.milestones:
        implementation["milestones"] = [_milestone(event, m) for m in event.milestones]
    if event.payments:
        implementation["transactions"] = [_transaction(event, p) for p in event.payments]
    if event.notice is not None:
        acceptance = event.acceptance
        passed = acceptance is not None and acceptance.outcome != "failed"
        description = ""
        if acceptance is not None:
            description = f"第 {acceptance.milestone_number} 期验收：{acceptance.outcome_zh}"
            details = acceptance.reasons or acceptance.remarks
            if details:
                description += f"。{details}"
        document_type = "completionCertificate" if passed else "physicalProgressReport"
        implementation["documents"] = [notice_document(event.notice, document_type, description)]
    release["contracts"] = [_contract_entry(event) | {"implementation": implementation}]
    return release


def _breach(event: Event) -> dict:
    breach, contract = event.breach, event.contract
    release = base_release(event, ((contract.supplier, "supplier"),))
    release["tender"] = base_tender(event.process)
    entry = _contract_entry(event)
    description = f"{breach.kind_zh}：{breach.description}（责任方：{breach.responsible.name_zh}）"
    if breach.kind == "termination":
        entry |= {
            "status": "terminated",
            "documents": [notice_document(event.notice, "contractArrangements", description)],
        }
    elif breach.kind == "refusal_to_sign":
        entry |= {
            "status": "cancelled",
            "documents": [notice_document(event.notice, "cancellationDetails", description)],
        }
    else:
        implementation = {"documents": [notice_document(event.notice, "physicalProgressReport", description)]}
        if event.milestones:
            implementation["milestones"] = [_milestone(event, m) for m in event.milestones]
        entry |= {"implementation": implementation}
    release["contracts"] = [entry]
    return release


BUILDERS = {
    "intention": _planning,
    "tender": _tender,
    "single_source": _single_source,
    "correction": _correction,
    "opening_record": _opening,
    "failed": _cancellation,
    "termination": _cancellation,
    "result": _award,
    "complaint": _complaint,
    "contract": _contract,
    "supplement": _supplement,
    "acceptance": _implementation,
    "payment": _implementation,
    "breach": _breach,
}


def build_release(event: Event) -> dict:
    """The release of one event, as a dict ready for json.dumps."""
    return BUILDERS[event.kind](event)


def dumps(data: dict) -> str:
    """The published text of a release or package: compact UTF-8 JSON."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
