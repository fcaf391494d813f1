# ruff: noqa: E501 - the vocabulary and the SQL read better one row a line
"""The portal_search benchmark's data set: 300,000 procurement projects (processes) of 400 purchasers
in 40 cities, with 1,000,000 public notices and their search entries.

Loaded fast, in one transaction, into the real tables with all their constraints:
- organisations (400 purchasers, 2,000 suppliers) and one user through the ORM;
- projects and notices by INSERT ... SELECT over generate_series, their Chinese and English
  titles drawn from a vocabulary of cities, units and about 150 things a government buys (goods,
  works, services), skewed so that some words are in hundreds of thousands of titles and others
  in a few hundred;
- the search entries as the indexing writes them (tokenizer.tsvector_text: titles and the project
  number weight A, texts weight B): the titles' tsvectors are computed in Python in batches and
  COPY'd into a temporary table; the texts come from a few dozen templates whose tsvectors are
  computed once; each entry's words are the two concatenated in SQL (tsvector ||, which shifts
  the text's positions after the title's, as one tsvector_text call would number them).
The search entries' indexes are dropped for the load and rebuilt after it (a GIN index is built
much faster at once than row by row); their definitions are read from the catalogue first, so the
rebuilt ones are exactly the migration's.

Per project g: purchaser, item and dates follow from g; notices: the procurement intention when
filed, the tender notice (single-source justification) 20 days later, the result (one in seven
failed instead) 45 days after filing, and for one project in three a contract notice (a
termination when failed) after 60 days: 3 x 300,000 + 100,000 = 1,000,000. Filing dates spread
over three years up to 55 days ago, so the newest contract notices are scheduled (published in
the future) and must not be found.

The set is recognised by its purchasers' English names (NAME_PREFIX, which carries a version) and
kept between runs; anything else is deleted and loaded afresh.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass

from django.db import connection, transaction
from stdnum.cn import uscc

from ._project_data import insert_select

# SEARCH_BENCH_SCALE=10 loads a tenth (a quick trial of the loader; the targets are for the whole).
SCALE = int(os.environ.get("SEARCH_BENCH_SCALE", "1"))
PROJECTS = 300_000 // SCALE
NOTICES = 1_000_000 // SCALE
PURCHASERS = 400
SUPPLIERS = 2_000
OLD_PREFIX = "Search bench purchaser "
NAME_PREFIX = OLD_PREFIX + "v1 #"
SUPPLIER_PREFIX = "Search bench supplier v1 #"
USERNAME = "bench_search_clerk"
BATCH = 20_000

CITIES = [
    ("330100", "杭州市", "Hangzhou"), ("330200", "宁波市", "Ningbo"), ("330300", "温州市", "Wenzhou"),
    ("330400", "嘉兴市", "Jiaxing"), ("330500", "湖州市", "Huzhou"), ("330600", "绍兴市", "Shaoxing"),
    ("330700", "金华市", "Jinhua"), ("330800", "衢州市", "Quzhou"), ("330900", "舟山市", "Zhoushan"),
    ("331000", "台州市", "Taizhou"), ("331100", "丽水市", "Lishui"), ("320100", "南京市", "Nanjing"),
    ("320200", "无锡市", "Wuxi"), ("320500", "苏州市", "Suzhou"), ("320600", "南通市", "Nantong"),
    ("340100", "合肥市", "Hefei"), ("350100", "福州市", "Fuzhou"), ("350200", "厦门市", "Xiamen"),
    ("360100", "南昌市", "Nanchang"), ("370100", "济南市", "Jinan"), ("370200", "青岛市", "Qingdao"),
    ("410100", "郑州市", "Zhengzhou"), ("420100", "武汉市", "Wuhan"), ("430100", "长沙市", "Changsha"),
    ("440100", "广州市", "Guangzhou"), ("440300", "深圳市", "Shenzhen"), ("450100", "南宁市", "Nanning"),
    ("460100", "海口市", "Haikou"), ("500000", "重庆市", "Chongqing"), ("510100", "成都市", "Chengdu"),
    ("510700", "绵阳市", "Mianyang"), ("520100", "贵阳市", "Guiyang"), ("530100", "昆明市", "Kunming"),
    ("530400", "玉溪市", "Yuxi"), ("610100", "西安市", "Xi'an"), ("620100", "兰州市", "Lanzhou"),
    ("130100", "石家庄市", "Shijiazhuang"), ("140100", "太原市", "Taiyuan"), ("210100", "沈阳市", "Shenyang"),
    ("230100", "哈尔滨市", "Harbin"),
]  # fmt: skip
UNITS = [
    ("教育局", "Education Bureau"), ("卫生健康委员会", "Health Commission"),
    ("第一人民医院", "First People's Hospital"), ("第一中学", "No. 1 Middle School"),
    ("交通运输局", "Transport Bureau"), ("公安局", "Public Security Bureau"), ("图书馆", "Library"),
    ("农业农村局", "Agriculture Bureau"), ("住房和城乡建设局", "Housing and Construction Bureau"),
    ("生态环境局", "Ecology and Environment Bureau"),
]  # fmt: skip
# (Chinese, English, category): the skew puts the first ones in many more titles.
ITEMS = [
    ("办公设备", "office equipment", "goods"), ("物业管理服务", "property management services", "services"),
    ("台式计算机", "desktop computers", "goods"), ("道路养护工程", "road maintenance works", "works"),
    ("保洁服务", "cleaning services", "services"), ("打印机", "printers", "goods"),
    ("信息系统运维服务", "information system maintenance services", "services"),
    ("办公桌椅", "office desks and chairs", "goods"), ("校舍维修改造工程", "school building renovation works", "works"),
    ("安保服务", "security guard services", "services"), ("笔记本电脑", "laptop computers", "goods"),
    ("空调设备", "air conditioners", "goods"), ("绿化养护服务", "green space maintenance services", "services"),
    ("多媒体教学设备", "multimedia teaching equipment", "goods"), ("食堂餐饮服务", "canteen catering services", "services"),
    ("视频监控设备", "video surveillance equipment", "goods"), ("复印机", "photocopiers", "goods"),
    ("投影仪", "projectors", "goods"), ("车辆维修保养服务", "vehicle repair and servicing", "services"),
    ("污水管网改造工程", "sewer network renovation works", "works"), ("服务器", "servers", "goods"),
    ("网络交换机", "network switches", "goods"), ("图书", "books", "goods"),
    ("医用护理床", "hospital nursing beds", "goods"), ("监护仪", "patient monitors", "goods"),
    ("彩色多普勒超声诊断仪", "colour Doppler ultrasound scanners", "goods"),
    ("救护车", "ambulances", "goods"), ("公务用车", "official vehicles", "goods"),
    ("消防器材", "fire-fighting equipment", "goods"), ("实验室仪器", "laboratory instruments", "goods"),
    ("课桌椅", "classroom desks and chairs", "goods"), ("食堂厨房设备", "canteen kitchen equipment", "goods"),
    ("电梯", "lifts", "goods"), ("LED显示屏", "LED display screens", "goods"),
    ("体育器材", "sports equipment", "goods"), ("被服", "bedding and uniforms", "goods"),
    ("净水设备", "water purification equipment", "goods"), ("新能源汽车充电桩", "electric vehicle chargers", "goods"),
    ("呼吸机", "ventilators", "goods"), ("医用耗材", "medical consumables", "goods"),
    ("河道整治工程", "river regulation works", "works"), ("绿化提升工程", "greening works", "works"),
    ("路灯改造工程", "street lighting renovation works", "works"), ("屋面防水工程", "roof waterproofing works", "works"),
    ("农村公路建设工程", "rural road construction works", "works"), ("体育馆装修工程", "gymnasium fit-out works", "works"),
    ("消防设施改造工程", "fire safety renovation works", "works"), ("审计服务", "audit services", "services"),
    ("法律顾问服务", "legal counsel services", "services"), ("印刷服务", "printing services", "services"),
    ("垃圾清运服务", "waste collection services", "services"), ("会议服务", "conference services", "services"),
    ("培训服务", "training services", "services"), ("软件开发服务", "software development services", "services"),
    ("保险服务", "insurance services", "services"), ("体检服务", "health check services", "services"),
    ("测绘服务", "surveying and mapping services", "services"), ("造价咨询服务", "cost consulting services", "services"),
    ("工程监理服务", "construction supervision services", "services"), ("设计服务", "design services", "services"),
    ("档案数字化服务", "archive digitisation services", "services"), ("云计算服务", "cloud computing services", "services"),
    ("网络安全服务", "cybersecurity services", "services"), ("数据中心建设", "data centre construction", "works"),
    ("智慧校园平台", "smart campus platform", "goods"), ("电子病历系统", "electronic medical record system", "goods"),
    ("核磁共振成像系统", "MRI scanner", "goods"), ("CT扫描仪", "CT scanner", "goods"),
    ("血液透析设备", "haemodialysis equipment", "goods"), ("牙科综合治疗台", "dental units", "goods"),
    ("无人机", "drones", "goods"), ("执法记录仪", "body cameras", "goods"), ("警用装备", "police equipment", "goods"),
    ("交通信号灯", "traffic lights", "goods"), ("公交候车亭", "bus shelters", "works"),
    ("农机具", "farm machinery", "goods"), ("种子种苗", "seeds and seedlings", "goods"),
    ("化肥农药", "fertilisers and pesticides", "goods"), ("水质监测设备", "water quality monitors", "goods"),
    ("空气质量监测站", "air quality monitoring stations", "goods"), ("环境卫生车辆", "sanitation vehicles", "goods"),
    ("保障性住房维修工程", "social housing repair works", "works"), ("老旧小区改造工程", "old neighbourhood renewal works", "works"),
    ("图书馆自助借还设备", "library self-service kiosks", "goods"), ("古籍修复服务", "ancient book restoration services", "services"),
    ("钢琴", "pianos", "goods"), ("舞台灯光音响", "stage lighting and sound", "goods"),
]  # fmt: skip
KINDS = ["intention", "tender", "result", "contract"]
# Texts per kind of notice (Chinese, English): a notice of project g takes text g mod len.
BODIES = {
    "intention": [
        ("本单位按照部门预算和政府采购目录，计划于下一季度开展本项目采购，采购需求概况见标题。欢迎供应商关注。",
         "We plan to procure this within the next quarter under the approved budget; suppliers may prepare."),
        ("为满足日常工作需要，拟采购标题所列货物或服务，预算已批复，具体需求以采购文件为准。",
         "To meet our daily needs we intend to buy what the title names; the budget is approved."),
        ("本项目面向中小企业预留份额，采购意向仅供参考，具体以最终发布的采购公告为准。",
         "This project reserves a share for small and micro enterprises; the intention is indicative."),
    ],
    "tender": [
        ("一、项目基本情况：见标题所列项目。二、供应商资格要求：满足政府采购法第二十二条规定。三、获取采购文件：在阳光采购平台在线获取。",
         "1. The project: as in the title. 2. Suppliers must meet Article 22 of the Government Procurement Law."),
        ("本项目采用综合评分法，价格分权重百分之三十，接受联合体投标，投标保证金以电子保函形式缴纳。",
         "Comprehensive scoring with a price weight of thirty percent; consortia accepted; bonds by e-guarantee."),
        ("节能环保产品优先采购，进口产品不予接受，开标时间和地点详见采购文件。",
         "Energy-saving and environmental products are preferred; imported products are not accepted."),
    ],
    "result": [
        ("经评标委员会评审，确定中标供应商如下，公告期限为一个工作日，各供应商如有异议可在规定期限内提出质疑。",
         "The evaluation panel recommended the winner below; challenges may be filed within the time limit."),
        ("本项目成交结果已经采购人确认，评审专家名单及评分情况随本公告一并公布。",
         "The purchaser confirmed the result; the experts and their scores are published with this notice."),
        ("中标供应商为小型企业，享受价格扣除政策，中标金额见下表。",
         "The winner is a small enterprise and received the price deduction; the amount is given below."),
    ],
    "contract": [
        ("采购人与中标供应商已签订政府采购合同，合同主要条款及履约期限详见合同文本。",
         "The purchaser and the winner signed the contract; its main terms and the delivery period are attached."),
        ("合同金额与中标金额一致，付款方式为验收合格后三十日内支付。",
         "The contract amount equals the award; payment within thirty days of acceptance."),
    ],
    "failed": [
        ("因有效投标供应商不足三家，本项目废标，采购人将重新组织采购。",
         "Fewer than three valid bids: the procurement failed and will be procured again."),
    ],
    "termination": [
        ("因采购需求发生变化，本项目终止，已缴纳的投标保证金将原额退还。",
         "The requirements changed, so the procurement is terminated; bid bonds are refunded in full."),
    ],
    "single_source": [
        ("因专利技术原因只能从唯一供应商处采购，现予公示，公示期为五个工作日。",
         "For patent reasons only one supplier can supply; this justification stands for five working days."),
    ],
}  # fmt: skip
KIND_SUFFIX = {
    "intention": ("采购意向公告", "procurement intention"),
    "tender": ("公开招标公告", "tender notice"),
    "single_source": ("单一来源采购公示", "single-source justification"),
    "result": ("中标结果公告", "result notice"),
    "failed": ("废标公告", "failed procurement notice"),
    "contract": ("采购合同公告", "contract notice"),
    "termination": ("终止公告", "termination notice"),
}
BODY_KINDS = list(BODIES)

# Per project number g (1..PROJECTS): its purchaser p (0..PURCHASERS-1), item i (skewed towards the
# first items), year-in-title and filing time.
SKEW = "least({n} - 1, floor({n} * power(mod(g * 2654435761, 1000003)::float8 / 1000003, 2.2))::int)"
PROJECT_FROM = f"""
  FROM (SELECT g,
               mod(g * 7919, %(purchasers)s) AS p,
               1 + {SKEW.format(n="%(items)s")} AS i,
               now() - interval '55 days' - (%(projects)s - g) * (interval '1040 days' / %(projects)s) AS filed_at
          FROM generate_series(1::bigint, %(projects)s::bigint) g) x
  JOIN bench_search_purchasers pu ON pu.p = x.p
 ORDER BY x.g
"""
PROJECT_COLUMNS = {
    "created_at": "x.filed_at",
    "updated_at": "x.filed_at",
    "reference": "pu.region_code || '-' || extract(year FROM x.filed_at)::int || '-S' || lpad(x.g::text, 6, '0')",
    "purchaser_id": "pu.organisation_id",
    "drafted_by_id": "%(user)s",
    "title_zh": "pu.name_zh || extract(year FROM x.filed_at)::int || '年' || (%(items_zh)s::text[])[x.i] || '采购项目'",
    "title_en": "pu.name_en || ': ' || (%(items_en)s::text[])[x.i] || ' (' || extract(year FROM x.filed_at)::int || ')'",
    "category": "(%(items_category)s::text[])[x.i]",
    "classification_code": "'A02010104'",
    "budget": "(50 + mod(x.g * 7919, 9950)) * 1000.00",
    "funding_source": "'fiscal_budget'",
    "method": (
        "CASE WHEN mod(x.g, 50) = 11 THEN 'single_source' WHEN mod(x.g, 5) = 0 THEN 'competitive_consultation' "
        "WHEN mod(x.g, 7) = 3 THEN 'inquiry' ELSE 'public_tender' END"
    ),
    "status": "'tendering'",
    "approval_levels": "1",
    "approved_levels": "1",
    "submission_round": "1",
    "submitted_at": "x.filed_at",
    "approved_at": "x.filed_at",
}  # fmt: skip
G_OF_REFERENCE = "right(p.reference, 6)::int"
NOTICE_FROM = f"""
  FROM (SELECT p.*, {G_OF_REFERENCE} AS g, pu.region_code AS purchaser_region FROM procurement_project p
          JOIN bench_search_purchasers pu ON pu.organisation_id = p.purchaser_id) p
 CROSS JOIN LATERAL (
        SELECT k,
               CASE k WHEN 1 THEN 'intention'
                      WHEN 2 THEN CASE WHEN p.method = 'single_source' THEN 'single_source' ELSE 'tender' END
                      WHEN 3 THEN CASE WHEN mod(p.g, 7) = 0 THEN 'failed' ELSE 'result' END
                      ELSE CASE WHEN mod(p.g, 7) = 0 THEN 'termination' ELSE 'contract' END END AS kind,
               p.created_at + (ARRAY[0, 20, 45, 60])[k] * interval '1 day'
                   + mod(p.g, 600) * interval '1 minute' AS published_at
          FROM generate_series(1, CASE WHEN mod(p.g, 3) = 0 THEN 4 ELSE 3 END) k) n
 ORDER BY n.published_at, p.id
"""
NOTICE_COLUMNS = {
    "created_at": "least(n.published_at, now())",
    "updated_at": "least(n.published_at, now())",
    "project_id": "p.id",
    "kind": "n.kind",
    "title_zh": "regexp_replace(p.title_zh, '采购项目$', '') || (%(suffix_zh)s::jsonb ->> n.kind)",
    "title_en": "(%(suffix_en)s::jsonb ->> n.kind) || ': ' || p.title_en",
    "body_zh": "(%(bodies_zh)s::jsonb -> n.kind) ->> mod(p.g, jsonb_array_length(%(bodies_zh)s::jsonb -> n.kind))",
    "body_en": "(%(bodies_en)s::jsonb -> n.kind) ->> mod(p.g, jsonb_array_length(%(bodies_en)s::jsonb -> n.kind))",
    "region_code": "p.purchaser_region",
    "category": "p.category",
    "method": "p.method",
    "published_at": "n.published_at",
}  # fmt: skip
SET_NOTICES = """
SELECT n.id, n.title_zh, n.title_en, p.reference, n.kind, right(p.reference, 6)::int AS g
  FROM procurement_notice n JOIN procurement_project p ON p.id = n.project_id
  JOIN bench_search_purchasers pu ON pu.organisation_id = p.purchaser_id
 ORDER BY n.id
"""
ENTRIES = """
INSERT INTO disclosure_searchentry
       (notice_id, published_at, kind, category, method, region_code, purchaser_id, suppliers, amount, words)
SELECT n.id, n.published_at, n.kind, n.category, n.method, n.region_code, p.purchaser_id,
       CASE WHEN n.kind IN ('result', 'contract') THEN ARRAY[s.organisation_id] ELSE '{}'::bigint[] END,
       CASE WHEN n.kind IN ('result', 'contract') THEN round(p.budget * 0.93, 2) ELSE p.budget END,
       w.title_words::tsvector || b.words
  FROM bench_search_words w
  JOIN procurement_notice n ON n.id = w.notice_id
  JOIN procurement_project p ON p.id = n.project_id
  JOIN bench_search_bodies b ON b.kind = n.kind AND b.variant = w.variant
  JOIN bench_search_suppliers s ON s.s = mod(w.g::bigint * 104729, %(suppliers)s)
"""
COUNTS = """
SELECT (SELECT count(*) FROM procurement_project p
          JOIN bench_search_purchasers pu ON pu.organisation_id = p.purchaser_id),
       (SELECT count(*) FROM procurement_notice n JOIN procurement_project p ON p.id = n.project_id
          JOIN bench_search_purchasers pu ON pu.organisation_id = p.purchaser_id),
       (SELECT count(*) FROM disclosure_searchentry e
          JOIN bench_search_purchasers pu ON pu.organisation_id = e.purchaser_id)
"""
OLD_PROJECTS = """
SELECT p.id FROM procurement_project p JOIN accounts_organisation o ON o.id = p.purchaser_id
 WHERE o.name_en LIKE %(old)s
"""
DELETE_OLD = f"""
DELETE FROM disclosure_searchentry WHERE notice_id IN
       (SELECT id FROM procurement_notice WHERE project_id IN ({OLD_PROJECTS}));
DELETE FROM procurement_notice WHERE project_id IN ({OLD_PROJECTS});
DELETE FROM procurement_project WHERE id IN ({OLD_PROJECTS});
DELETE FROM accounts_organisation WHERE name_en LIKE %(old)s OR name_en LIKE %(old_suppliers)s;
"""
TABLES = ("accounts_organisation", "procurement_project", "procurement_notice", "disclosure_searchentry")


@dataclass(frozen=True)
class Dataset:
    projects: int
    notices: int
    entries: int


def _log(message: str) -> None:
    print(f"[bench] search data: {message}", flush=True)


@contextlib.contextmanager
def _step(what: str):
    started = time.perf_counter()
    yield
    _log(f"{what} in {time.perf_counter() - started:.1f} s")


def _uscc(prefix: str, n: int) -> str:
    body = f"{prefix}{n:07d}"
    return body + uscc.calc_check_digit(body)


def _organisations() -> None:
    from accounts.models import Organisation, User

    purchasers = []
    for p in range(PURCHASERS):
        region, city_zh, city_en = CITIES[p % len(CITIES)]
        unit_zh, unit_en = UNITS[(p // len(CITIES)) % len(UNITS)]
        purchasers.append(
            Organisation(
                kind=Organisation.Kind.PURCHASER,
                name_zh=f"{city_zh}{unit_zh}",
                name_en=f"{NAME_PREFIX}{p} {city_en} {unit_en}",
                uscc=_uscc(f"11{region}QP", p),
                region_code=region,
            )
        )
    suppliers = [
        Organisation(
            kind=Organisation.Kind.SUPPLIER,
            name_zh=f"{CITIES[s % len(CITIES)][1]}{['华信', '中恒', '国泰', '正元', '天成'][s % 5]}科技有限公司{s}",
            name_en=f"{SUPPLIER_PREFIX}{s}",
            uscc=_uscc("91330400QC", s),
            region_code=CITIES[s % len(CITIES)][0],
        )
        for s in range(SUPPLIERS)
    ]
    Organisation.objects.bulk_create(purchasers + suppliers, batch_size=1000)
    if not User.objects.filter(username=USERNAME).exists():
        user = User(username=USERNAME, email=f"{USERNAME}@bench.sunlight.invalid", first_name="王芳")
        user.set_unusable_password()
        user.save()


def _helper_tables(cursor) -> None:
    cursor.execute(
        """
        DROP TABLE IF EXISTS bench_search_purchasers;
        CREATE TEMPORARY TABLE bench_search_purchasers AS
        SELECT split_part(substr(name_en, length(%(prefix)s) + 1), ' ', 1)::int AS p,
               id AS organisation_id, region_code, name_zh,
               regexp_replace(substr(name_en, length(%(prefix)s) + 1), '^[0-9]+ ', '') AS name_en
          FROM accounts_organisation WHERE name_en LIKE %(prefix)s || '%%';
        CREATE UNIQUE INDEX ON bench_search_purchasers (organisation_id);
        DROP TABLE IF EXISTS bench_search_suppliers;
        CREATE TEMPORARY TABLE bench_search_suppliers AS
        SELECT substr(name_en, length(%(supplier_prefix)s) + 1)::int AS s, id AS organisation_id
          FROM accounts_organisation WHERE name_en LIKE %(supplier_prefix)s || '%%';
        CREATE UNIQUE INDEX ON bench_search_suppliers (s);
        ANALYZE bench_search_purchasers;
        ANALYZE bench_search_suppliers;
        """,
        {"prefix": NAME_PREFIX, "supplier_prefix": SUPPLIER_PREFIX},
    )


def _counts(cursor) -> tuple[int, int, int]:
    _helper_tables(cursor)
    cursor.execute(COUNTS)
    return cursor.fetchone()


@contextlib.contextmanager
def _indexes_rebuilt(cursor, table: str):
    """Drop the table's plain indexes (not its primary key nor a unique one) for a bulk load and
    create them again after it, from their definitions in the catalogue: the same indexes."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    with _step(f"{len(indexes)} indexes of {table} rebuilt"):
        for _name, definition in indexes:
            cursor.execute(definition)


def _entries(cursor) -> int:
    """The search entries: titles tokenized here, texts once per template, joined in SQL."""
    from disclosure.search.tokenizer import tsvector_text

    cursor.execute(
        "DROP TABLE IF EXISTS bench_search_bodies; "
        "CREATE TEMPORARY TABLE bench_search_bodies (kind text, variant int, words tsvector); "
        "DROP TABLE IF EXISTS bench_search_words; "
        "CREATE TEMPORARY TABLE bench_search_words (notice_id bigint, g int, variant int, title_words text)"
    )
    for kind, texts in BODIES.items():
        for variant, (zh, en) in enumerate(texts):
            cursor.execute(
                "INSERT INTO bench_search_bodies VALUES (%s, %s, %s::tsvector)",
                [kind, variant, tsvector_text([(zh, "B"), (en, "B")])],
            )
    variants = {kind: len(texts) for kind, texts in BODIES.items()}
    # A server-side cursor reads the notices in batches; each batch is COPY'd before the next read
    # (a connection cannot fetch while a COPY is open).
    done = 0
    with connection.connection.cursor(name="bench_search_notices") as reader:
        reader.execute(SET_NOTICES)
        while rows := reader.fetchmany(BATCH):
            with cursor.cursor.copy(
                "COPY bench_search_words (notice_id, g, variant, title_words) FROM STDIN"
            ) as copy:
                for notice_id, title_zh, title_en, reference, kind, g in rows:
                    words = tsvector_text([(title_zh, "A"), (title_en, "A"), (reference, "A")])
                    copy.write_row((notice_id, g, g % variants[kind], words))
            done += len(rows)
            if done % 200_000 < BATCH:
                _log(f"  {done:,} titles tokenized")
    cursor.execute("ANALYZE bench_search_words")
    cursor.execute(ENTRIES, {"suppliers": SUPPLIERS})
    return cursor.rowcount


def _load(cursor) -> None:
    from procurement.models import Notice, Project

    with _step("organisations"):
        _organisations()
        _helper_tables(cursor)
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if cursor.fetchone()[0]:
        # The rows reference what they were joined to: a superuser skips the deferred FK checks.
        cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cursor.execute("SELECT id FROM accounts_user WHERE username = %s", [USERNAME])
    user = cursor.fetchone()[0]
    params = {
        "projects": PROJECTS,
        "purchasers": PURCHASERS,
        "items": len(ITEMS),
        "user": user,
        "items_zh": [item[0] for item in ITEMS],
        "items_en": [item[1] for item in ITEMS],
        "items_category": [item[2] for item in ITEMS],
        "suffix_zh": json.dumps({kind: zh for kind, (zh, _en) in KIND_SUFFIX.items()}),
        "suffix_en": json.dumps({kind: en.capitalize() for kind, (_zh, en) in KIND_SUFFIX.items()}),
        "bodies_zh": json.dumps({kind: [zh for zh, _en in texts] for kind, texts in BODIES.items()}),
        "bodies_en": json.dumps({kind: [en for _zh, en in texts] for kind, texts in BODIES.items()}),
    }
    with _step(f"{PROJECTS:,} projects"):
        sql, defaults = insert_select(Project, PROJECT_COLUMNS, PROJECT_FROM)
        cursor.execute(sql, {**params, **defaults})
    with _indexes_rebuilt(cursor, "procurement_notice"), _step(f"{NOTICES:,} notices"):
        sql, defaults = insert_select(Notice, NOTICE_COLUMNS, NOTICE_FROM)
        cursor.execute(sql, {**params, **defaults})
    with _indexes_rebuilt(cursor, "disclosure_searchentry"), _step("search entries"):
        _entries(cursor)


def ensure_dataset() -> Dataset:
    """The data set, loaded unless an identical one is already there."""
    with connection.cursor() as cursor:
        projects, notices, entries = _counts(cursor)
        if (projects, notices, entries) == (PROJECTS, NOTICES, NOTICES):
            _log(f"reusing {projects:,} projects, {notices:,} notices, {entries:,} search entries")
            return Dataset(projects, notices, entries)
        _log(f"loading {PROJECTS:,} projects and {NOTICES:,} notices with their search entries ...")
        with _step("loaded"):
            with transaction.atomic():
                with _step("any earlier set deleted"):
                    cursor.execute(
                        DELETE_OLD, {"old": OLD_PREFIX + "%", "old_suppliers": "Search bench supplier %"}
                    )
                    # The deletes' deferred foreign-key checks run now: an index cannot be built
                    # on a table with pending trigger events.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")
                _load(cursor)
                _log("committing ...")
            with _step("vacuumed"):
                for table in TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
        projects, notices, entries = _counts(cursor)
    if (projects, notices, entries) != (PROJECTS, NOTICES, NOTICES):
        raise RuntimeError(
            f"search data set incomplete: {projects} projects, {notices} notices, {entries} entries"
        )
    _log(f"{projects:,} projects, {notices:,} notices, {entries:,} search entries")
    return Dataset(projects, notices, entries)
