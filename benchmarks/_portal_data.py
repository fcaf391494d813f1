"""The portal_pages benchmark's data set: 300,000 procurement processes (projects of one lot each,
tendering) of eight purchasers over three years, with 1,000,000 published notices of every kind;
and two projects taken to the end row by row (the ORM), whose public timelines are measured:

- the heavy one: six lots, each opened with five bids of three files, evaluated by a drawn panel
  of five experts (published with the result), awarded, contracted, its first delivery accepted;
  a late-delivery breach on two; 27 notices; 2 versions of the tender documents; about 400 audit
  events about it;
- the light one: one lot, two bids, the same stages (for the constant query count).

The bulk goes in by INSERT ... SELECT over generate_series (benchmarks._project_data.insert_select
names every column from the model), in about a minute on the 2-vCPU development machine; it is
recognised by its purchasers' English names (NAME_PREFIX, versioned) and reused by later runs.
Audit events are appended through audit.services.record_event, as the platform does: the chain
stays verifiable, and rows are never deleted (an earlier heavy project is simply left behind).
"""

import contextlib
import datetime
import hashlib
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import uscc

from ._project_data import insert_select

PROCESSES = 300_000
NOTICES = 1_000_000  # three a process, and a correction for every third
NAME_PREFIX = "Portal bench purchaser v1 #"
USERNAME_PREFIX = "bench_portal"
HEAVY_TITLE = "门户基准重点项目"
LIGHT_TITLE = "门户基准简单项目"
PURCHASERS = [
    ("330400", "嘉兴", "Jiaxing"),
    ("330100", "杭州", "Hangzhou"),
    ("510700", "绵阳", "Mianyang"),
    ("410100", "郑州", "Zhengzhou"),
    ("530400", "玉溪", "Yuxi"),
    ("440300", "深圳", "Shenzhen"),
    ("320500", "苏州", "Suzhou"),
    ("370200", "青岛", "Qingdao"),
]
PURCHASERS_TABLE = "bench_portal_purchasers"
BODY_ZH = (
    "一、项目基本情况：见标题所列项目。二、采购需求：详见采购文件。三、供应商资格要求：满足《中华人民共和国"
    "政府采购法》第二十二条规定。四、获取采购文件：在阳光采购平台在线获取。五、联系方式：见采购文件。"
)
BODY_EN = (
    "1. The project: as in the title. 2. Requirements: see the procurement documents. 3. Suppliers must "
    "meet Article 22 of the Government Procurement Law. 4. Documents: on the Sunlight platform."
)

PROJECT_FROM = f"""
  FROM (SELECT g, pu.organisation_id, pu.region_code, pu.clerk_id, pu.city_zh, pu.city_en,
               (ARRAY['goods', 'works', 'services'])[1 + mod(g / 7, 3)] AS category,
               (ARRAY['办公设备', '道路养护工程', '物业管理服务'])[1 + mod(g / 7, 3)] AS what_zh,
               (ARRAY['office equipment', 'road maintenance', 'property management'])[1 + mod(g / 7, 3)]
                   AS what_en,
               (50 + mod(g::bigint * 7919, 950)) * 1000.00 AS budget,
               now() - interval '40 days' - (%(processes)s - g) * interval '5 minutes' AS filed_at
          FROM generate_series(1, %(processes)s) g
          JOIN {PURCHASERS_TABLE} pu ON pu.k = mod(g, %(purchasers)s)) x
 ORDER BY x.g
"""
PROJECT_COLUMNS = {
    "created_at": "x.filed_at",
    "updated_at": "x.filed_at",
    "reference": (
        "x.region_code || '-' || extract(year FROM x.filed_at)::int || '-P' || lpad(x.g::text, 7, '0')"
    ),
    "purchaser_id": "x.organisation_id",
    "drafted_by_id": "x.clerk_id",
    "title_zh": "x.city_zh || x.what_zh || '采购（门户第' || x.g || '号）'",
    "title_en": "x.city_en || ' ' || x.what_en || ' (portal no. ' || x.g || ')'",
    "category": "x.category",
    "classification_code": "'A02010104'",
    "budget": "x.budget",
    "funding_source": "'fiscal_budget'",
    "method": "CASE WHEN x.budget >= 900000 THEN 'competitive_consultation' ELSE 'inquiry' END",
    "status": "'tendering'",
    "approval_levels": "1",
    "approved_levels": "1",
    "submission_round": "1",
    "rules_date": "x.filed_at::date",
    "submitted_at": "x.filed_at",
    "approved_at": "x.filed_at + interval '1 day'",
    "intention_published_on": "(x.filed_at + interval '1 day')::date",
    "bid_deadline": "x.filed_at + interval '25 days'",
}
BENCH_PROJECTS = f"""
SELECT p.*, right(p.reference, 7)::int AS g, pu.region_code AS region
  FROM procurement_project p JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id
 WHERE p.reference LIKE '%%-P%%'
"""
LOT_COLUMNS = {
    "created_at": "p.created_at",
    "updated_at": "p.created_at",
    "project_id": "p.id",
    "number": "1",
    "title_zh": "'第1包：' || p.title_zh",
    "title_en": "'Lot 1: ' || p.title_en",
    "budget": "p.budget",
    "quantity_and_specification": "'详见采购需求书。'",
    "delivery_place": "'采购人指定地点'",
    "delivery_period": "'合同签订后30日内'",
    "status": "(ARRAY['open_for_bids', 'opened', 'awarded', 'contracting', 'failed'])[1 + mod(p.g, 5)]",
}
LOT_FROM = f"  FROM ({BENCH_PROJECTS}) p ORDER BY p.id"
KINDS = [
    "opening_record",
    "result",
    "contract",
    "acceptance",
    "failed",
    "single_source",
    "termination",
    "complaint",
    "supplement",
    "breach",
]
NOTICE_COLUMNS = {
    "created_at": "n.published_at",
    "updated_at": "n.published_at",
    "project_id": "p.id",
    "kind": "n.kind",
    "title_zh": "p.title_zh || n.kind",
    "title_en": "n.kind || ': ' || p.title_en",
    "body_zh": "%(body_zh)s",
    "body_en": "%(body_en)s",
    "region_code": "p.region",
    "category": "p.category",
    "method": "p.method",
    "published_at": "n.published_at",
}
NOTICES_FROM = f"""
  FROM ({BENCH_PROJECTS}) p
 CROSS JOIN LATERAL (VALUES
        ('intention', p.approved_at + interval '1 hour'),
        ('tender', p.approved_at + interval '5 days' + mod(p.g, 480) * interval '1 minute'),
        ((%(kinds)s::varchar[])[1 + mod(p.g, {len(KINDS)})], p.approved_at + interval '30 days'),
        (CASE WHEN mod(p.g, 3) = 0 THEN 'correction' END, p.approved_at + interval '10 days')
       ) n(kind, published_at)
 WHERE n.kind IS NOT NULL
 ORDER BY n.published_at, p.id
"""
COUNTS = f"""
SELECT (SELECT count(*) FROM ({BENCH_PROJECTS}) p),
       (SELECT count(*) FROM procurement_notice n JOIN ({BENCH_PROJECTS}) p ON p.id = n.project_id)
"""
TABLES = ("procurement_project", "procurement_lot", "procurement_notice")


@dataclass(frozen=True)
class Sample:
    heavy_project_id: int
    heavy_reference: str
    light_project_id: int
    kind: str  # the measured list's kind (its slug)
    deep_cursor: str  # its `after` halfway down


def _log(message: str) -> None:
    print(f"[bench] portal data: {message}", flush=True)


@contextlib.contextmanager
def _step(what: str):
    started = time.perf_counter()
    yield
    _log(f"{what} in {time.perf_counter() - started:.1f} s")


def _code(region: str, n: int) -> str:
    body = f"12{region}PB{n % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def _people() -> None:
    from accounts.models import Membership, Organisation, Role, User

    for k, (region, city_zh, _city_en) in enumerate(PURCHASERS):
        organisation = Organisation.objects.create(
            kind=Organisation.Kind.PURCHASER,
            name_zh=f"{city_zh}市门户基准采购单位",
            name_en=f"{NAME_PREFIX}{k}",
            uscc=_code(region, k),
            region_code=region,
        )
        username = f"{USERNAME_PREFIX}{k}_clerk"
        user = User(
            username=username,
            email=f"{username}@bench.sunlight.invalid",
            first_name="王芳",
            name_en="Wang Fang",
        )
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=Role.PURCHASER_CLERK
        )
        user.active_membership = membership
        user.save(update_fields=["active_membership"])


def _purchasers_table(cursor) -> None:
    cursor.execute(
        f"""
        DROP TABLE IF EXISTS {PURCHASERS_TABLE};
        CREATE TEMPORARY TABLE {PURCHASERS_TABLE} AS
        SELECT substring(o.name_en FROM '#([0-9]+)$')::int AS k, o.id AS organisation_id, o.region_code,
               m.user_id AS clerk_id, c.city_zh, c.city_en
          FROM accounts_organisation o
          JOIN accounts_membership m ON m.organisation_id = o.id AND m.role = 'purchaser_clerk'
          JOIN unnest(%(cities_zh)s::text[], %(cities_en)s::text[])
               WITH ORDINALITY AS c(city_zh, city_en, ord)
            ON c.ord = substring(o.name_en FROM '#([0-9]+)$')::int + 1
         WHERE o.name_en LIKE %(prefix)s;
        ANALYZE {PURCHASERS_TABLE};
        """,
        {
            "prefix": NAME_PREFIX + "%",
            "cities_zh": [p[1] for p in PURCHASERS],
            "cities_en": [p[2] for p in PURCHASERS],
        },
    )


def _insert(cursor, model, columns: dict[str, str], from_sql: str, params: dict) -> int:
    sql, defaults = insert_select(model, columns, from_sql)
    cursor.execute(sql, {**params, **defaults})
    return cursor.rowcount


def _bulk(cursor) -> None:
    from procurement.models import Lot, Notice, Project

    with _step("purchasers and clerks"):
        _people()
        _purchasers_table(cursor)
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")  # rows reference what they joined
    params = {
        "processes": PROCESSES,
        "purchasers": len(PURCHASERS),
        "body_zh": BODY_ZH,
        "body_en": BODY_EN,
        "kinds": KINDS,
    }
    with _step(f"{PROCESSES:,} projects"):
        _insert(cursor, Project, PROJECT_COLUMNS, PROJECT_FROM, params)
    with _step(f"{PROCESSES:,} lots"):
        _insert(cursor, Lot, LOT_COLUMNS, LOT_FROM, params)
    with _step(f"{NOTICES:,} notices"):
        _insert(cursor, Notice, NOTICE_COLUMNS, NOTICES_FROM, params)


def _counts(cursor) -> tuple[int, int]:
    _purchasers_table(cursor)
    cursor.execute(COUNTS)
    return cursor.fetchone()


# --- The two measured projects, row by row -------------------------------------------------------


def _hex(*parts) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()


def _full_project(title_zh: str, title_en: str, *, lots: int, bids: int, tag: str) -> int:
    """A project through every public stage, as the services leave it (rows and audit events)."""
    from accounts.models import Membership, Organisation, Role, User
    from audit.services import record_event
    from bidding.award.models import Award
    from bidding.evaluation.models import BidAssessment, Evaluation
    from bidding.models import Bid, BidFile, Opening
    from contracts.models import Contract
    from contracts.performance.models import Acceptance, Breach, Milestone
    from experts.models import ExpertProfile, Panel, PanelSeat
    from procurement.models import Lot, Notice, Project, TenderDocument

    now = timezone.now()
    stamp = uuid.uuid4().hex[:8]
    purchaser = Organisation.objects.get(name_en=f"{NAME_PREFIX}0")
    clerk = User.objects.get(username=f"{USERNAME_PREFIX}0_clerk")
    agency = Organisation.objects.create(
        kind=Organisation.Kind.AGENCY,
        name_zh=f"门户基准代理机构{stamp}",
        name_en=f"Portal bench agency {stamp}",
        uscc=_code("330400", int(stamp, 16) % 10**8),
        region_code="330400",
    )

    def person(role, organisation, n):
        username = f"{USERNAME_PREFIX}_{tag}_{stamp}_{role}_{n}"
        user = User(
            username=username,
            email=f"{username}@bench.sunlight.invalid",
            first_name=f"专家{n}",
            name_en=f"Expert {n}",
        )
        user.set_unusable_password()
        user.save()
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        user.active_membership = membership
        user.save(update_fields=["active_membership"])
        return user

    officer = person(Role.AGENCY_OFFICER, agency, 0)
    suppliers = [
        Organisation.objects.create(
            kind=Organisation.Kind.SUPPLIER,
            name_zh=f"门户基准供应商{n}号有限公司{stamp}",
            name_en=f"Portal Bench Supplier {n} Co., Ltd. {stamp}",
            uscc=_code("330400", (int(stamp, 16) + 1 + n) % 10**8),
            region_code="330400",
        )
        for n in range(bids)
    ]
    pool = Organisation.objects.filter(
        kind=Organisation.Kind.OPERATOR
    ).first() or Organisation.objects.create(
        kind=Organisation.Kind.OPERATOR,
        name_zh="专家库",
        name_en="Expert pool",
        uscc=_code("110000", 1),
        region_code="110000",
    )
    experts = [
        ExpertProfile.objects.create(
            user=person(Role.EXPERT, pool, n),
            status=ExpertProfile.Status.APPROVED,
            name_zh=f"基准专家{n}",
            name_en=f"Bench Expert {n}",
            professional_title="高级工程师",
            years_of_experience=10,
            employer_name="某大学",
            region_code="330400",
            specialties=["A02"],
        )
        for n in range(5)
    ]
    lot_budget = Decimal("800000.00")
    project = Project.objects.create(
        reference=f"330400-{now.year}-Q{stamp}",
        purchaser=purchaser,
        drafted_by=clerk,
        agency=agency,
        title_zh=title_zh,
        title_en=title_en,
        description_zh="为门户基准测试准备的完整采购项目。",
        description_en="A whole procurement, for the portal benchmark.",
        category="goods",
        classification_code="A02010104",
        budget=lot_budget * lots,
        funding_source="fiscal_budget",
        method="public_tender",
        status=Project.Status.TENDERING,
        approval_levels=1,
        approved_levels=1,
        submission_round=1,
        bid_deadline=now - datetime.timedelta(days=20),
    )
    events = [
        ("procurement.project_filed", project),
        ("procurement.project_submitted", project),
        ("procurement.project_approved", project),
        ("procurement.project_entrusted", project),
    ]

    def notice(kind, title, days_ago, **fields):
        row = Notice.objects.create(
            project=project,
            kind=kind,
            title_zh=f"{title_zh}{title}",
            title_en=f"{title_en}: {kind}",
            body_zh=BODY_ZH,
            body_en=BODY_EN,
            region_code=purchaser.region_code,
            category=project.category,
            method=project.method,
            published_at=now - datetime.timedelta(days=days_ago),
            attachment_sha256=_hex(tag, stamp, kind, title) if fields.pop("attachment", False) else "",
            **fields,
        )
        events.append(("procurement.tender_published", project))
        return row

    notice(Notice.Kind.INTENTION, "采购意向", 70)
    documents = []
    for version in (1, 2):
        documents.append(
            TenderDocument.objects.create(
                project=project,
                version=version,
                status=TenderDocument.Status.PUBLISHED if version == 2 else TenderDocument.Status.SUPERSEDED,
                evaluation_method=TenderDocument.EvaluationMethod.COMPREHENSIVE,
                prepared_by=officer,
                sha256=_hex(stamp, "documents", version),
                published_at=now - datetime.timedelta(days=50 - 5 * version),
            )
        )
    notice(Notice.Kind.TENDER, "招标公告", 45, document=documents[0])
    notice(Notice.Kind.CORRECTION, "更正公告", 40, document=documents[1])
    for number in range(1, lots + 1):
        lot = Lot.objects.create(
            project=project,
            number=number,
            title_zh=f"第{number}包",
            title_en=f"Lot {number}",
            budget=lot_budget,
            quantity_and_specification="台式计算机 100 台",
            delivery_place="嘉兴市",
            delivery_period="合同签订后 30 日内",
            status=Lot.Status.CONTRACTING,
        )
        events += [("procurement.bidding_closed", project)]
        opening_notice = notice(Notice.Kind.OPENING_RECORD, f"第{number}包开标记录", 20, attachment=True)
        Opening.objects.create(
            lot=lot,
            status=Opening.Status.OPENED,
            automatic=True,
            opened_at=now - datetime.timedelta(days=20),
            valid_bids=bids,
            sha256=_hex(stamp, number, "opening"),
            notice=opening_notice,
        )
        lot_bids = []
        for n, supplier in enumerate(suppliers):
            bid = Bid.objects.create(
                lot=lot,
                supplier=supplier,
                prepared_by=officer,
                status=Bid.Status.OPENED,
                sealed_key=b"sealed",
                sealed_price=b"sealed",
                sealed_price_sha256=_hex(stamp, number, n, "price"),
                received_at=now - datetime.timedelta(days=21, minutes=n),
                receipt_sha256=_hex(stamp, number, n, "receipt"),
                price=Decimal(700000 + 10000 * n),
                opened_at=now - datetime.timedelta(days=20),
            )
            BidFile.objects.bulk_create(
                BidFile(
                    bid=bid,
                    upload_key=uuid.uuid4(),
                    document_key=key,
                    status=BidFile.Status.COMPLETE,
                    sealed_name=b"sealed",
                    size=1000,
                    fingerprint="f",
                    received=1000,
                    storage_prefix=f"bench/{bid.pk}/{key}",
                    sha256=_hex(stamp, number, n, key),
                    opened_sha256=_hex(stamp, number, n, key),
                    hash_matches=True,
                )
                for key in ("bid_letter", "technical", "commercial")
            )
            events += [("bidding.bid_started", bid)] + [("bidding.file_received", bid)] * 3
            events += [("bidding.bid_submitted", bid), ("bidding.bid_file_read", bid)]
            lot_bids.append(bid)
        seed = _hex(stamp, number, "seed")
        panel = Panel.objects.create(
            lot=lot,
            status=Panel.Status.SEATED,
            requested_by=officer,
            size=5,
            expert_seats=5,
            purchaser_seats=0,
            reserves=0,
            evaluation_on=(now - datetime.timedelta(days=19)).date(),
            answer_hours=12,
            seed_sha256=hashlib.sha256(bytes.fromhex(seed)).hexdigest(),
            seed=seed,
            candidates=sorted(e.pk for e in experts),
            candidates_sha256=_hex(stamp, number, "candidates"),
            draw_order=[e.pk for e in experts],
            drawn_at=now - datetime.timedelta(days=19),
            seated_at=now - datetime.timedelta(days=19),
            published_at=now - datetime.timedelta(days=15),
        )
        for position, expert in enumerate(experts, start=1):
            PanelSeat.objects.create(
                panel=panel,
                kind=PanelSeat.Kind.EXPERT,
                member=expert.user,
                expert=expert,
                position=position,
                status=PanelSeat.Status.SEATED,
                is_leader=position == 1,
            )
        events += [
            ("experts.panel_committed", panel),
            ("experts.panel_drawn", panel),
            ("experts.panel_seated", panel),
            ("experts.draw_published", panel),
        ]
        evaluation = Evaluation.objects.create(
            lot=lot,
            panel=panel,
            document=documents[1],
            status=Evaluation.Status.REPORTED,
            method="comprehensive",
            deviation_percent=Decimal("20"),
            abnormal_price_percent=Decimal("20"),
            reported_at=now - datetime.timedelta(days=18),
            report_sha256=_hex(stamp, number, "report"),
        )
        for rank, bid in enumerate(lot_bids, start=1):
            BidAssessment.objects.create(
                evaluation=evaluation,
                bid=bid,
                qualified=rank < bids,
                price=bid.price,
                total_score=Decimal(95 - rank) if rank < bids else None,
                rank=rank if rank < bids else None,
                fail_reasons=[] if rank < bids else ["资格证明文件不全"],
            )
        events += [("bidding.bids_opened", project), ("bidding.evaluation_started", evaluation)] + [
            ("bidding.scores_submitted", evaluation)
        ] * 5
        events += [("bidding.report_signed", evaluation)]
        result_notice = notice(Notice.Kind.RESULT, f"第{number}包结果公告", 15, attachment=True)
        award = Award.objects.create(
            lot=lot,
            evaluation=evaluation,
            status=Award.Status.CONFIRMED,
            candidates=[b.pk for b in lot_bids[:3]],
            confirm_by=(now - datetime.timedelta(days=16)).date(),
            winner=lot_bids[0],
            amount=lot_bids[0].price,
            confirmed_by=clerk,
            confirmed_at=now - datetime.timedelta(days=15),
            result_notice=result_notice,
            notice_stands_until=(now - datetime.timedelta(days=14)).date(),
        )
        events += [("bidding.award_proposed", award), ("bidding.award_confirmed", award)]
        contract = Contract.objects.create(
            lot=lot,
            award=award,
            purchaser=purchaser,
            supplier=lot_bids[0].supplier,
            reference=f"{project.reference}-{number}-HT",
            status=Contract.Status.IN_PERFORMANCE,
            title_zh=f"{title_zh}第{number}包合同",
            title_en=f"{title_en}, lot {number}: contract",
            amount=award.amount,
            subject="台式计算机 100 台",
            delivery_place="嘉兴市",
            delivery_period="30 日",
            contract_terms="合同条款",
            tender_document=documents[1],
            award_notice_on=award.confirmed_at.date(),
            signing_due=(now + datetime.timedelta(days=10)).date(),
            sha256=_hex(stamp, number, "contract"),
            draft_sha256=_hex(stamp, number, "draft"),
            signed_at=now - datetime.timedelta(days=10),
            notice=notice(Notice.Kind.CONTRACT, f"第{number}包合同公告", 9, attachment=True),
        )
        events += [
            ("contracts.contract_drafted", contract),
            ("contracts.contract_signed", contract),
            ("contracts.contract_signed", contract),
            ("contracts.contract_published", contract),
        ]
        first = Milestone.objects.create(
            contract=contract,
            number=1,
            title="第1批交付",
            due_date=now.date(),
            amount=award.amount / 2,
            status=Milestone.Status.ACCEPTED,
        )
        second = Milestone.objects.create(
            contract=contract,
            number=2,
            title="第2批交付",
            due_date=(now - datetime.timedelta(days=1)).date(),
            amount=award.amount / 2,
        )
        acceptance = Acceptance.objects.create(
            milestone=first,
            outcome=Acceptance.Outcome.PASSED,
            recorded_by=clerk,
            recorded_at=now,
            notice=notice(Notice.Kind.ACCEPTANCE, f"第{number}包验收结果", 2, attachment=True),
        )
        events += [("contracts.acceptance_recorded", acceptance)]
        if number <= 2:
            breach = Breach.objects.create(
                contract=contract,
                kind=Breach.Kind.LATE_DELIVERY,
                responsible=lot_bids[0].supplier,
                milestone=second,
                description="第2批交付逾期",
                evidence="contracts/breaches/bench.pdf",
                evidence_sha256=_hex(stamp, number, "evidence"),
                recorded_by=clerk,
                notice=notice(Notice.Kind.BREACH, f"第{number}包违约公告", 1),
            )
            events += [("contracts.breach_recorded", breach)]
    for action, target in events:
        record_event(action, target=target, data={"bench": True})
    return project.pk


def ensure_dataset() -> Sample:
    """The bulk (loaded unless it is there) and two fresh measured projects; what to measure."""
    with connection.cursor() as cursor:
        processes, notices = _counts(cursor)
        if (processes, notices) != (PROCESSES, NOTICES):
            if processes:
                raise RuntimeError(
                    f"a partial portal data set is in this database ({processes:,} processes, {notices:,} "
                    "notices): use a fresh database"
                )
            _log(f"loading {PROCESSES:,} processes and {NOTICES:,} notices ...")
            with _step("loaded"), transaction.atomic():
                _bulk(cursor)
            with _step("vacuumed"):
                for table in TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
            processes, notices = _counts(cursor)
        else:
            _log(f"reusing {processes:,} processes and {notices:,} notices")
    with _step("the heavy and the light project"), transaction.atomic():
        heavy = _full_project(HEAVY_TITLE, "Portal bench heavy project", lots=6, bids=5, tag="heavy")
        light = _full_project(LIGHT_TITLE, "Portal bench light project", lots=1, bids=2, tag="light")
    from procurement.models import Notice, Project

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT published_at, id FROM procurement_notice WHERE kind = 'tender' AND published_at <= now() "
            "ORDER BY published_at DESC, id DESC OFFSET %s LIMIT 1",
            [Notice.objects.filter(kind="tender").count() // 2],
        )
        published_at, notice_id = cursor.fetchone()
    return Sample(
        heavy_project_id=heavy,
        heavy_reference=Project.objects.get(pk=heavy).reference,
        light_project_id=light,
        kind="tender",
        deep_cursor=f"{published_at.isoformat()}|{notice_id}",
    )
