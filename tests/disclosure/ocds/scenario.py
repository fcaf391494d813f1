"""Plain-data events of the OCDS tests (no database): one lot's whole life, one event of every kind
the builders know, a day apart from 1 March 2026 (Beijing time), built with disclosure.ocds.facts.

`lifecycle()` -> the events in order; `process()` / `org()` for tests that need their own."""

import datetime
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from disclosure.ocds import facts, releases

PREFIX = "ocds-sunl1t"
BEIJING = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)
BASE = "https://sunlight.example"

USCC = {
    1: "11330400MA0000001W",
    2: "91330400MA0000002L",
    3: "91330400MA0000003G",
    4: "91330400MA0000004B",
    5: "91330400MA00000056",
    6: "11330400MA0000006C",
}


def org(n: int, name_zh: str | None = None, name_en: str | None = None) -> facts.Org:
    return facts.Org(
        uscc=USCC[n],
        name_zh=name_zh or f"测试单位{n}",
        name_en=name_en or f"Test organisation {n}",
        region_code="330400",
    )


PURCHASER = org(1, "嘉兴市第一中学", "Jiaxing No. 1 Middle School")
AGENCY = org(2, "嘉兴市公共资源招标代理有限公司", "Jiaxing Tendering Agency")
WINNER = org(3, "浙江华数科技有限公司", "Zhejiang Huashu Technology")
RUNNER_UP = org(4, "杭州云端电脑有限公司", "Hangzhou Cloud Computers")
OUT = org(5, "宁波数码有限公司", "Ningbo Digital")
REGULATOR = org(6, "嘉兴市财政局", "Jiaxing Finance Bureau")


def at(days: int, hours: int = 0) -> datetime.datetime:
    return START + datetime.timedelta(days=days, hours=hours)


def process(number: int = 1, *, reference: str = "330400-2026-000001", **fields) -> facts.Process:
    values = {
        "ocid": releases.ocid(PREFIX, reference, number),
        "project_reference": reference,
        "project_title_zh": "教学用计算机采购",
        "project_title_en": "Computers for teaching",
        "project_description_zh": "为各教室配置教学用计算机。",
        "project_description_en": "Computers for every classroom.",
        "category": "goods",
        "classification_code": "A02010104",
        "method": "public_tender",
        "method_label_zh": "公开招标",
        "method_label_en": "Public tender",
        "method_justification": "",
        "funding_source_zh": "财政资金",
        "funding_source_en": "Fiscal budget",
        "lot_number": number,
        "lot_title_zh": "台式计算机",
        "lot_title_en": "Desktop computers",
        "lot_budget": Decimal("1500000.00"),
        "specification": "台式计算机 100 台",
        "delivery_place": "嘉兴市",
        "delivery_period": "合同签订后 30 日内",
        "sme_reserved": False,
        "purchaser": PURCHASER,
        "agency": AGENCY,
    }
    values.update(fields)
    return facts.Process(**values)


def notice(
    pk: int, kind: str, day: int, *, attachment: bool = False, documents: bool = False
) -> facts.NoticeRef:
    return facts.NoticeRef(
        id=pk,
        kind=kind,
        title_zh=f"公告{pk}",
        title_en=f"Notice {pk}",
        published_at=at(day),
        url=f"{BASE}/notices/{pk}/",
        attachment_url=f"{BASE}/notices/{pk}/attachment/" if attachment else None,
        documents_url=f"{BASE}/notices/{pk}/documents/" if documents else None,
    )


def terms(version: int = 1, **fields) -> facts.TenderTerms:
    values = {
        "version": version,
        "published_at": at(10),
        "bid_deadline": at(31),
        "documents_from": at(10).date(),
        "documents_until": at(17).date(),
        "clarification_until": at(16).date(),
        "evaluation_method": "comprehensive",
        "price_weight": Decimal("30.00"),
        "criteria": ("技术方案 50 分", "商务条款 20 分"),
        "criteria_en": ("Technical proposal 50 points", "Commercial terms 20 points"),
        "qualification_items": ("具有独立承担民事责任的能力", "未被列入失信被执行人名单"),
        "bond": Decimal("30000.00"),
    }
    values.update(fields)
    return facts.TenderTerms(**values)


def opened_bids(*, assessed: bool) -> tuple[facts.BidFact, ...]:
    received = at(30)
    if not assessed:
        return (
            facts.BidFact("bid-a", WINNER, Decimal("1398000.00"), received, "pending"),
            facts.BidFact("bid-b", RUNNER_UP, Decimal("1420000.50"), received, "pending"),
            facts.BidFact("bid-c", OUT, Decimal("1200000.00"), received, "pending"),
        )
    return (
        facts.BidFact("bid-a", WINNER, Decimal("1398000.00"), received, "valid", 1, Decimal("92.50")),
        facts.BidFact("bid-b", RUNNER_UP, Decimal("1420000.50"), received, "valid", 2, Decimal("88.10")),
        facts.BidFact(
            "bid-c", OUT, Decimal("1200000.00"), received, "disqualified", fail_reasons=("未提供营业执照",)
        ),
    )


AWARD = facts.AwardFact("award-7", at(35), Decimal("1398000.00"), WINNER, "bid-a")
CONTRACT = facts.ContractFact(
    "330400-2026-000001-1-HT1",
    "award-7",
    "教学用计算机采购合同",
    "Contract: computers for teaching",
    Decimal("1398000.00"),
    at(40),
    WINNER,
    "合同签订后 30 日内",
)


def milestone(number: int, status: str, met: datetime.datetime | None = None) -> facts.MilestoneFact:
    return facts.MilestoneFact(
        number,
        f"第{number}批交付",
        "台式计算机 50 台",
        at(60 + number).date(),
        Decimal("699000.00"),
        status,
        met,
    )


def lifecycle() -> list[facts.Event]:
    """Every kind of event of lot 1, in the order of a procurement (a day or more apart)."""
    p = process()

    def event(kind: str, pk: int, day: int, **fields) -> facts.Event:
        n = fields.pop("notice", None) or notice(pk, kind, day)
        return facts.Event(kind, releases.release_id(p.ocid, pk), n.published_at, p, n, **fields)

    payment = facts.PaymentFact("payment-3", Decimal("699000.00"), at(66).date(), "BANK-0001")
    return [
        event("intention", 1, 0),
        event("single_source", 2, 5),
        event("tender", 3, 10, notice=notice(3, "tender", 10, documents=True), terms=terms()),
        event("correction", 4, 12),  # a clarification: no new documents
        event(
            "correction",
            5,
            14,
            notice=notice(5, "correction", 14, documents=True),
            terms=terms(2, amendment_reason="技术参数更正", affects_bids=True),
        ),
        event(
            "opening_record",
            6,
            31,
            notice=notice(6, "opening_record", 31, attachment=True),
            bids=opened_bids(assessed=False),
        ),
        event("result", 7, 35, award=AWARD, bids=opened_bids(assessed=True)),
        event(
            "complaint",
            8,
            37,
            complaint=facts.ComplaintFact(
                "complaint-1", "result", "dismissed", "驳回投诉", "Dismissed", "投诉缺乏事实依据。", REGULATOR
            ),
        ),
        event(
            "contract",
            9,
            41,
            notice=notice(9, "contract", 41, attachment=True),
            contract=CONTRACT,
            milestones=(milestone(1, "scheduled"), milestone(2, "scheduled")),
        ),
        event(
            "supplement",
            10,
            50,
            contract=CONTRACT,
            supplement=facts.SupplementFact(
                1, Decimal("100000.00"), "台式计算机 7 台", "新增教室", at(49), Decimal("1498000.00")
            ),
        ),
        event(
            "acceptance",
            11,
            62,
            contract=CONTRACT,
            acceptance=facts.AcceptanceFact("acceptance-1", 1, "passed", "合格", "Passed", at(62)),
            milestones=(milestone(1, "met", at(62)), milestone(2, "scheduled")),
        ),
        facts.Event(
            "payment",
            releases.payment_release_id(p.ocid, 3),
            at(66, 2),
            p,
            contract=CONTRACT,
            payments=(payment,),
        ),
        event(
            "breach",
            12,
            80,
            contract=CONTRACT,
            breach=facts.BreachFact(
                "breach-1", "late_delivery", "逾期交付", "Late delivery", "第2批逾期 10 日", WINNER, 2
            ),
            milestones=(milestone(2, "notMet"),),
        ),
        event(
            "breach",
            13,
            90,
            contract=CONTRACT,
            breach=facts.BreachFact(
                "breach-2", "termination", "违约解除合同", "Termination for breach", "拒不交付", WINNER
            ),
        ),
    ]


def other_endings() -> list[facts.Event]:
    """The events that end a lot otherwise: failed, terminated, a complaint that cancels an award,
    a refusal to sign, a failed acceptance, a re-tender pointing at its failed lot."""
    failed = process(2)
    cancelled = process(3)
    retender = process(
        4,
        retender_of_ocid=failed.ocid,
        method="competitive_negotiation",
        method_label_zh="竞争性谈判",
        method_label_en="Competitive negotiation",
    )

    def event(p, kind: str, pk: int, day: int, **fields) -> facts.Event:
        n = notice(pk, kind, day)
        return facts.Event(kind, releases.release_id(p.ocid, pk), n.published_at, p, n, **fields)

    return [
        event(failed, "opening_record", 21, 31, bids=()),
        event(failed, "failed", 22, 31),
        event(cancelled, "termination", 23, 20, reason="采购需求发生变化"),
        event(
            failed,
            "complaint",
            24,
            40,
            complaint=facts.ComplaintFact(
                "complaint-2",
                "result",
                "upheld_retender",
                "投诉成立，重新采购",
                "Upheld: procure again",
                "评审有误。",
                REGULATOR,
                ("award-9",),
            ),
        ),
        event(
            retender, "tender", 25, 45, terms=terms(3, evaluation_method="lowest_price", price_weight=None)
        ),
        event(
            retender,
            "breach",
            26,
            70,
            contract=replace(CONTRACT, id="330400-2026-000001-4-HT1", award_id="award-11"),
            breach=facts.BreachFact(
                "breach-3", "refusal_to_sign", "拒绝签订合同", "Refusal to sign", "未签约", WINNER
            ),
        ),
        event(
            retender,
            "acceptance",
            27,
            75,
            contract=replace(CONTRACT, id="330400-2026-000001-4-HT2", award_id="award-12"),
            acceptance=facts.AcceptanceFact(
                "acceptance-2", 1, "failed", "不合格", "Failed", at(75), reasons="屏幕坏点超标"
            ),
            milestones=(milestone(1, "notMet"),),
        ),
    ]
