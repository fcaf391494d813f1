"""The project_pages benchmark's data set: six purchasers in six regions, each with a clerk and three
approvers; 100,000 procurement projects filed by those clerks over the last three years, with their
lots (about 162,000), their approval decisions (about 175,000) and 300,000 public notices. Loaded
by a few INSERT ... SELECT statements over generate_series into the real tables, with all their
indexes and constraints (about 25 s on the idle 2-vCPU development machine); the handful of
organisations, users and memberships through the ORM.

Every INSERT names its columns from the model (`Model._meta.concrete_fields`): the columns this
module knows get their expression, any other one (a column a later migration adds) the model's
default, as a row saved through the ORM would; a new NOT NULL column without a default stops the
load with a message naming it.

The mix, by the project's number g (1..PROJECTS): purchaser g mod 6; status 15 % draft, 10 %
awaiting approval, 70 % approved, 5 % cancelled after approval; one to three approval levels; a
quarter of the submitted ones were returned once (a "returned" decision of submission 1, then the
levels of submission 2); one lot for most, two for a third, three for a seventh, six for one in 97.
Each approved or cancelled project (75,000) has four notices: the procurement intention on its
approval day, the tender notice (or single-source justification) 30 days later, a correction of it
5 days after, and 5 days after that a second correction, or the termination notice if it was
cancelled. All are published: the newest project was filed 45 days ago.

The set is recognised by its purchasers' English names (NAME_PREFIX, which carries a version) and
kept in sunlight_bench between runs: a later run that finds exactly the expected counts reuses it,
anything else (another version, a half-loaded set) is deleted and loaded afresh, in one transaction.
On a superuser connection (the embedded server's) the load skips the deferred foreign-key checks at
commit: the rows reference what they were joined to.
"""

import contextlib
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.fields import NOT_PROVIDED
from stdnum.cn import uscc

PROJECTS = 100_000
NOTICES = 300_000
OLD_PREFIX = "Bench purchaser "  # of every version
NAME_PREFIX = OLD_PREFIX + "v1 #"
USERNAME_PREFIX = "bench_pp"
# (region code, city zh, city en, what the purchaser buys: zh, en)
PURCHASERS = [
    ("330400", "嘉兴", "Jiaxing", "教育局", "Education Bureau"),
    ("330100", "杭州", "Hangzhou", "卫生健康委员会", "Health Commission"),
    ("510700", "绵阳", "Mianyang", "交通运输局", "Transport Bureau"),
    ("410100", "郑州", "Zhengzhou", "农业农村局", "Bureau of Agriculture and Rural Affairs"),
    ("530400", "玉溪", "Yuxi", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("440300", "深圳", "Shenzhen", "生态环境局", "Ecology and Environment Bureau"),
]
APPROVAL_LIMITS = (5_000_000, 10_000_000, 50_000_000)  # levels 1, 2, 3

# Temporary tables of this session: the purchasers (k = 0..5) and their approvers by level.
PURCHASERS_TABLE = "bench_pp_purchasers"
APPROVERS_TABLE = "bench_pp_approvers"

# The project's number g from its reference (REGION-YEAR-Bnnnnnn), and its number of lots.
G_OF_REFERENCE = "right({p}.reference, 6)::int"
LOTS_OF_G = (
    "(CASE WHEN mod({g}, 97) = 0 THEN 6 WHEN mod({g}, 7) = 0 THEN 3 WHEN mod({g}, 3) = 0 THEN 2 ELSE 1 END)"
)

SPEC_ZH = "详见采购需求书：数量、技术参数、质量标准、售后服务与验收要求，供应商须逐条响应。"
SPEC_EN = "See the requirements: quantities, technical parameters, quality standards, after-sales service "
DESCRIPTION_ZH = (
    "为满足本单位年度工作需要，依据部门预算和政府采购目录实施本项目。"
    "项目资金已落实，采购需求经过市场调研和专家论证，拟按规定的采购方式组织实施。"
)
DESCRIPTION_EN = (
    "Carried out under the unit's approved budget and the government procurement catalogue; funds are "
    "secured, and the requirements were set after market research and an expert review."
)
NOTICE_BODY_ZH = (
    "一、项目基本情况：见标题所列项目。二、采购需求：详见采购文件。三、供应商资格要求：满足《中华人民共和国"
    "政府采购法》第二十二条规定，未被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单。"
    "四、获取采购文件：在阳光采购平台在线获取。五、提交投标文件截止时间、开标时间和地点：详见采购文件。"
    "六、公告期限：自本公告发布之日起五个工作日。七、联系方式：采购人及代理机构联系方式见采购文件。"
)
NOTICE_BODY_EN = (
    "1. The project: as in the title. 2. Requirements: see the procurement documents. 3. Suppliers "
    "must meet Article 22 of the Government Procurement Law and must not be on the lists of dishonest "
    "judgment debtors, major tax violators or serious procurement violators. 4. The documents are "
    "obtained on the Sunlight platform. 5. Deadline and opening: see the documents. 6. This notice "
    "runs for five working days. 7. Contacts: see the documents."
)

# Per project number g: what its columns are made of (x in PROJECT_COLUMNS).
PROJECT_FROM = f"""
  FROM (SELECT g, pu.organisation_id, pu.region_code, pu.clerk_id, pu.city_zh, pu.city_en, pu.unit_zh,
               pu.unit_en,
               CASE WHEN mod(g, 20) < 3 THEN 'draft' WHEN mod(g, 20) < 5 THEN 'pending_approval'
                    WHEN mod(g, 20) = 5 THEN 'cancelled' ELSE 'approved' END AS status,
               1 + mod(g / 20, 3) AS levels,
               CASE WHEN mod(g, 4) = 0 THEN 2 ELSE 1 END AS rounds,
               {LOTS_OF_G.format(g="g")} AS lots,
               (20 + mod(g * 7919, 980)) * 1000.00 AS lot_budget,
               (ARRAY['goods', 'works', 'services'])[1 + mod(g / 7, 3)] AS category,
               (ARRAY['办公设备及信息化设备', '道路与管网养护工程', '物业管理与保洁服务'])[1 + mod(g / 7, 3)]
                   AS what_zh,
               (ARRAY['office and IT equipment', 'road and pipe network maintenance',
                      'property management and cleaning'])[1 + mod(g / 7, 3)] AS what_en,
               now() - interval '45 days' - (%(projects)s - g) * interval '15 minutes' AS filed_at
          FROM generate_series(1, %(projects)s) g
          JOIN {PURCHASERS_TABLE} pu ON pu.k = mod(g, %(purchasers)s)) x
 ORDER BY x.g
"""

PROJECT_COLUMNS = {
    "created_at": "x.filed_at",
    "updated_at": "x.filed_at + interval '3 days'",
    "reference": (
        "x.region_code || '-' || extract(year FROM x.filed_at)::int || '-B' || lpad(x.g::text, 6, '0')"
    ),
    "purchaser_id": "x.organisation_id",
    "drafted_by_id": "x.clerk_id",
    "title_zh": "x.city_zh || x.unit_zh || x.what_zh || '采购项目（第' || x.g || '号）'",
    "title_en": "x.city_en || ' ' || x.unit_en || ': ' || x.what_en || ' (no. ' || x.g || ')'",
    "description_zh": "%(description_zh)s",
    "description_en": "%(description_en)s",
    "category": "x.category",
    "classification_code": (
        "CASE x.category WHEN 'goods' THEN 'A02010104' WHEN 'works' THEN 'B08010000' ELSE 'C21040000' END"
    ),
    "budget": "x.lots * x.lot_budget",
    "funding_source": "(ARRAY['fiscal_budget', 'fiscal_budget', 'self_raised', 'mixed'])[1 + mod(x.g, 4)]",
    "method": (
        "CASE WHEN mod(x.g, 50) = 11 THEN 'single_source' WHEN x.lots * x.lot_budget >= 4000000 "
        "THEN 'public_tender' WHEN x.lots * x.lot_budget >= 1000000 THEN 'competitive_consultation' "
        "ELSE 'inquiry' END"
    ),
    "method_justification": (
        "CASE WHEN mod(x.g, 50) = 11 THEN '唯一供应商：原有系统的专利技术服务' ELSE '' END"
    ),
    "imported_products": "mod(x.g, 40) = 3",
    "green_requirement": "mod(x.g, 10) = 0",
    "status": "x.status",
    "approval_levels": "CASE WHEN x.status = 'draft' THEN 0 ELSE x.levels END",
    "approved_levels": (
        "CASE WHEN x.status IN ('approved', 'cancelled') THEN x.levels "
        "WHEN x.status = 'pending_approval' THEN mod(x.g / 7, x.levels) ELSE 0 END"
    ),
    "submission_round": "CASE WHEN x.status = 'draft' THEN 0 ELSE x.rounds END",
    "rules_date": "CASE WHEN x.status <> 'draft' THEN (x.filed_at + interval '1 day')::date END",
    "submitted_at": "CASE WHEN x.status <> 'draft' THEN x.filed_at + interval '1 day' END",
    "approved_at": "CASE WHEN x.status IN ('approved', 'cancelled') THEN x.filed_at + interval '3 days' END",
    "cancellation_reason": "CASE WHEN x.status = 'cancelled' THEN '预算调整，项目取消。' ELSE '' END",
    "intention_published_on": (
        "CASE WHEN x.status IN ('approved', 'cancelled') THEN (x.filed_at + interval '3 days')::date END"
    ),
}
# The set's projects with their number g and number of lots.
BENCH_PROJECTS = f"""
SELECT p.*, {G_OF_REFERENCE.format(p="p")} AS g, {LOTS_OF_G.format(g=G_OF_REFERENCE.format(p="p"))} AS lots
  FROM procurement_project p JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id
"""

LOT_COLUMNS = {
    "created_at": "p.created_at",
    "updated_at": "p.created_at",
    "project_id": "p.id",
    "number": "n",
    "title_zh": "'第' || n || '包：' || p.title_zh",
    "title_en": "'Lot ' || n || ': ' || p.title_en",
    "budget": "p.budget / p.lots",
    "quantity_and_specification": "%(spec_zh)s || ' ' || %(spec_en)s || '(' || (10 * n) || ' units)'",
    "delivery_place": "'采购人指定地点'",
    "delivery_period": "'合同签订后' || (30 * n) || '日内'",
    "sme_reserved": "mod(p.g + n, 4) = 0",
}
LOT_FROM = f"""
  FROM ({BENCH_PROJECTS}) p CROSS JOIN LATERAL generate_series(1, p.lots) n
 ORDER BY p.id, n
"""

# The levels of the project's last submission (as many as it passed), and the return of the first
# submission of those submitted twice.
DECISION_ROWS = f"""
SELECT p.id AS project_id, p.submission_round AS round, lvl AS level, a.user_id AS approver_id,
       'approved' AS decision, '' AS comment, p.submitted_at + lvl * interval '2 hours' AS decided_at
  FROM ({BENCH_PROJECTS}) p
  JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id
 CROSS JOIN LATERAL generate_series(1, p.approved_levels) lvl
  JOIN {APPROVERS_TABLE} a ON a.k = pu.k AND a.level = lvl
UNION ALL
SELECT p.id, 1, 1, a.user_id, 'returned', '请补充市场调研材料和采购需求论证意见。',
       p.submitted_at - interval '12 hours'
  FROM ({BENCH_PROJECTS}) p
  JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id
  JOIN {APPROVERS_TABLE} a ON a.k = pu.k AND a.level = 1
 WHERE p.submission_round = 2
"""
DECISION_COLUMNS = {
    "created_at": "d.decided_at",
    "updated_at": "d.decided_at",
    "project_id": "d.project_id",
    "round": "d.round",
    "level": "d.level",
    "approver_id": "d.approver_id",
    "decision": "d.decision",
    "comment": "d.comment",
}
DECISION_FROM = f" FROM ({DECISION_ROWS}) d ORDER BY d.project_id, d.round, d.level"

KIND_TITLES = """
  CASE n.kind WHEN 'intention' THEN '采购意向公告' WHEN 'tender' THEN '招标公告'
              WHEN 'single_source' THEN '单一来源采购公示' WHEN 'correction' THEN '更正公告'
              ELSE '终止公告' END
"""
KIND_TITLES_EN = """
  CASE n.kind WHEN 'intention' THEN 'Procurement intention' WHEN 'tender' THEN 'Tender notice'
              WHEN 'single_source' THEN 'Single-source justification' WHEN 'correction' THEN 'Correction'
              ELSE 'Termination notice' END
"""
NOTICE_COLUMNS = {
    "created_at": "n.published_at",
    "updated_at": "n.published_at",
    "project_id": "p.id",
    "kind": "n.kind",
    "title_zh": f"p.title_zh || {KIND_TITLES}",
    "title_en": f"{KIND_TITLES_EN} || ': ' || p.title_en",
    "body_zh": "%(body_zh)s",
    "body_en": "%(body_en)s",
    "region_code": "pu.region_code",
    "category": "p.category",
    "method": "p.method",
    "published_at": "n.published_at",
    "corrects_id": "n.corrects_id",
}
# The intention on approval, the tender notice (single-source justification) 30 days later.
FIRST_NOTICES_FROM = f"""
  FROM ({BENCH_PROJECTS}) p
  JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id
 CROSS JOIN LATERAL (VALUES
        ('intention', p.approved_at + interval '1 hour', NULL::bigint),
        (CASE WHEN p.method = 'single_source' THEN 'single_source' ELSE 'tender' END,
         p.approved_at + interval '30 days' + mod(p.g, 480) * interval '1 minute', NULL::bigint)
       ) n(kind, published_at, corrects_id)
 WHERE p.status IN ('approved', 'cancelled')
 ORDER BY n.published_at, p.id
"""
# A correction of the tender notice 5 days after it; 5 days later another, or the termination.
LATER_NOTICES_FROM = f"""
  FROM procurement_notice t
  JOIN ({BENCH_PROJECTS}) p ON p.id = t.project_id
  JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id
 CROSS JOIN LATERAL (VALUES
        ('correction', t.published_at + interval '5 days', t.id),
        (CASE WHEN p.status = 'cancelled' THEN 'termination' ELSE 'correction' END,
         t.published_at + interval '10 days',
         CASE WHEN p.status = 'cancelled' THEN NULL ELSE t.id END)
       ) n(kind, published_at, corrects_id)
 WHERE t.kind IN ('tender', 'single_source')
 ORDER BY n.published_at, p.id
"""

COUNTS = f"""
SELECT (SELECT count(*) FROM procurement_project p
          JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id),
       (SELECT count(*) FROM procurement_lot l JOIN procurement_project p ON p.id = l.project_id
          JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id),
       (SELECT count(*) FROM procurement_approvaldecision d JOIN procurement_project p ON p.id = d.project_id
          JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id),
       (SELECT count(*) FROM procurement_notice n JOIN procurement_project p ON p.id = n.project_id
          JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id)
"""

# Any earlier set (any version): its rows, children first.
OLD_PROJECTS = """
SELECT p.id FROM procurement_project p JOIN accounts_organisation o ON o.id = p.purchaser_id
 WHERE o.name_en LIKE %(old)s
"""
OLD_USERS = f"SELECT id FROM accounts_user WHERE username LIKE '{USERNAME_PREFIX}%%'"
DELETE_OLD = f"""
DELETE FROM procurement_notice WHERE project_id IN ({OLD_PROJECTS});
DELETE FROM procurement_approvaldecision WHERE project_id IN ({OLD_PROJECTS});
DELETE FROM procurement_lot WHERE project_id IN ({OLD_PROJECTS});
DELETE FROM procurement_project WHERE id IN ({OLD_PROJECTS});
UPDATE accounts_user SET active_membership_id = NULL WHERE id IN ({OLD_USERS});
DELETE FROM accounts_membership WHERE user_id IN ({OLD_USERS});
DELETE FROM accounts_user WHERE id IN ({OLD_USERS});
DELETE FROM accounts_organisation WHERE name_en LIKE %(old)s;
"""

TABLES = (
    "accounts_organisation",
    "procurement_project",
    "procurement_lot",
    "procurement_approvaldecision",
    "procurement_notice",
)


@dataclass(frozen=True)
class Dataset:
    projects: int
    lots: int
    decisions: int
    notices: int


@dataclass(frozen=True)
class Sample:
    """What the benchmark measures: the clerk, its heaviest project and a light one, two cursors."""

    clerk_id: int
    heavy_project_id: int  # six lots, two submissions, three levels, four notices
    heavy_reference: str
    heavy: str  # described, for the printed line
    light_project_id: int  # two lots, one decision
    light: str
    deep_cursor: str  # the notice list's `after` halfway through the notices


def _log(message: str) -> None:
    print(f"[bench] project data: {message}", flush=True)


@contextlib.contextmanager
def _step(what: str):
    started = time.perf_counter()
    yield
    _log(f"{what} in {time.perf_counter() - started:.1f} s")


def insert_select(model, columns: dict[str, str], from_sql: str) -> tuple[str, dict]:
    """INSERT INTO <model's table> (<every column>) SELECT <expressions> <from_sql>, and the
    parameters of the defaults in it.

    `columns` maps attnames to SQL expressions over from_sql; every other concrete column gets
    now() if it is an auto_now(_add) timestamp, nothing (the database's) if it has a db_default,
    else the model's default, typed; a NOT NULL column without a default, or a unique one, raises:
    this module must be taught to fill it."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in columns)]
    unknown = set(columns) - {f.attname for f in fields}
    if unknown:
        raise RuntimeError(f"{model.__name__} has no columns {sorted(unknown)}")
    names, values, params = [], [], {}
    for field in fields:
        if field.attname in columns:
            value = columns[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = "now()"
        elif field.db_default is not NOT_PROVIDED:
            continue
        else:
            default = field.get_db_prep_save(field.get_default(), connection)
            if isinstance(default, str):
                default = str(default)  # a TextChoices member as the plain string
            if (default is None and not field.null) or field.unique:
                raise RuntimeError(
                    f"{model.__name__}.{field.name} is new and has no usable default: "
                    "benchmarks/_project_data.py must fill it"
                )
            key = f"default_{field.column}"
            params[key] = default
            value = f"CAST(%({key})s AS {field.db_type(connection)})"
        names.append(connection.ops.quote_name(field.column))
        values.append(value)
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(names)})\nSELECT {', '.join(values)}\n{from_sql}"
    return sql, params


def _insert(cursor, model, columns: dict[str, str], from_sql: str, params: dict) -> int:
    sql, defaults = insert_select(model, columns, from_sql)
    cursor.execute(sql, {**params, **defaults})
    return cursor.rowcount


def _purchasers_table(cursor) -> None:
    """(k, organisation_id, region_code, clerk_id, names) of the set's purchasers, and their approvers."""
    cursor.execute(
        f"""
        DROP TABLE IF EXISTS {PURCHASERS_TABLE};
        CREATE TEMPORARY TABLE {PURCHASERS_TABLE} AS
        SELECT right(o.name_en, 1)::int AS k, o.id AS organisation_id, o.region_code,
               m.user_id AS clerk_id, c.city_zh, c.city_en, c.unit_zh, c.unit_en
          FROM accounts_organisation o
          JOIN accounts_membership m ON m.organisation_id = o.id AND m.role = 'purchaser_clerk'
          JOIN unnest(%(cities_zh)s::text[], %(cities_en)s::text[], %(units_zh)s::text[],
                      %(units_en)s::text[]) WITH ORDINALITY AS c(city_zh, city_en, unit_zh, unit_en, ord)
            ON c.ord = right(o.name_en, 1)::int + 1
         WHERE o.name_en LIKE %(prefix)s;
        DROP TABLE IF EXISTS {APPROVERS_TABLE};
        CREATE TEMPORARY TABLE {APPROVERS_TABLE} AS
        SELECT pu.k, right(u.username, 1)::int AS level, u.id AS user_id
          FROM {PURCHASERS_TABLE} pu
          JOIN accounts_membership m ON m.organisation_id = pu.organisation_id
                                    AND m.role = 'purchaser_approver'
          JOIN accounts_user u ON u.id = m.user_id;
        ANALYZE {PURCHASERS_TABLE};
        ANALYZE {APPROVERS_TABLE};
        """,
        {
            "prefix": NAME_PREFIX + "%",
            "cities_zh": [p[1] for p in PURCHASERS],
            "cities_en": [p[2] for p in PURCHASERS],
            "units_zh": [p[3] for p in PURCHASERS],
            "units_en": [p[4] for p in PURCHASERS],
        },
    )


def _counts(cursor) -> tuple[int, int, int, int]:
    _purchasers_table(cursor)
    cursor.execute(COUNTS)
    return cursor.fetchone()


def _people() -> None:
    """The purchasers, each with a clerk and three approvers (the ORM: a few dozen rows)."""
    from accounts.models import Membership, Organisation, Role, User

    for k, (region, city_zh, city_en, unit_zh, unit_en) in enumerate(PURCHASERS):
        body = f"11{region}BP{k:07d}"
        organisation = Organisation.objects.create(
            kind=Organisation.Kind.PURCHASER,
            name_zh=f"{city_zh}市{unit_zh}（基准）",
            name_en=f"{NAME_PREFIX}{city_en} {unit_en} {k}",
            uscc=body + uscc.calc_check_digit(body),
            region_code=region,
        )
        people = [("clerk", "王芳", "Wang Fang", Role.PURCHASER_CLERK, None)] + [
            (f"approver{level}", "李强", "Li Qiang", Role.PURCHASER_APPROVER, limit)
            for level, limit in enumerate(APPROVAL_LIMITS, start=1)
        ]
        for suffix, name_zh, name_en, role, limit in people:
            username = f"{USERNAME_PREFIX}{k}_{suffix}"
            user = User(
                username=username,
                email=f"{username}@bench.sunlight.invalid",
                first_name=name_zh,
                name_en=name_en,
            )
            user.set_unusable_password()
            user.save()
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=role, approval_limit=limit
            )
            user.active_membership = membership
            user.save(update_fields=["active_membership"])


def _load(cursor) -> None:
    from procurement.models import ApprovalDecision, Lot, Notice, Project

    with _step("purchasers, clerks and approvers"):
        _people()
        _purchasers_table(cursor)
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if cursor.fetchone()[0]:
        # The rows reference what they were joined to, so their foreign keys hold by construction:
        # a superuser (the embedded server's) skips the deferred checks at commit.
        cursor.execute("SET LOCAL session_replication_role = replica")
    texts = {
        "description_zh": DESCRIPTION_ZH,
        "description_en": DESCRIPTION_EN,
        "spec_zh": SPEC_ZH,
        "spec_en": SPEC_EN,
        "body_zh": NOTICE_BODY_ZH,
        "body_en": NOTICE_BODY_EN,
        "projects": PROJECTS,
        "purchasers": len(PURCHASERS),
    }
    with _step("projects"):
        _insert(cursor, Project, PROJECT_COLUMNS, PROJECT_FROM, texts)
    with _step("lots"):
        _insert(cursor, Lot, LOT_COLUMNS, LOT_FROM, texts)
    with _step("approval decisions"):
        _insert(cursor, ApprovalDecision, DECISION_COLUMNS, DECISION_FROM, texts)
    with _step("notices"):
        _insert(cursor, Notice, NOTICE_COLUMNS, FIRST_NOTICES_FROM, texts)
        _insert(cursor, Notice, NOTICE_COLUMNS, LATER_NOTICES_FROM, texts)


def ensure_dataset() -> Dataset:
    """The data set, loaded unless an identical one is already there."""
    with connection.cursor() as cursor:
        projects, lots, decisions, notices = _counts(cursor)
        if (projects, notices) == (PROJECTS, NOTICES) and lots >= PROJECTS and decisions:
            _log(
                f"reusing {projects:,} projects, {lots:,} lots, {decisions:,} approval decisions, "
                f"{notices:,} notices"
            )
            return Dataset(projects, lots, decisions, notices)
        _log(f"loading {PROJECTS:,} projects and {NOTICES:,} notices ...")
        with _step("loaded"):
            with transaction.atomic():
                with _step("any earlier set deleted"):
                    cursor.execute(DELETE_OLD, {"old": OLD_PREFIX + "%"})
                _load(cursor)
                _log("committing ...")
            with _step("vacuumed"):
                for table in TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
        projects, lots, decisions, notices = _counts(cursor)
    if (projects, notices) != (PROJECTS, NOTICES):
        raise RuntimeError(f"project data set incomplete: {projects} projects, {notices} notices")
    _log(f"{projects:,} projects, {lots:,} lots, {decisions:,} approval decisions, {notices:,} notices")
    return Dataset(projects, lots, decisions, notices)


def sample() -> Sample:
    """The measured clerk (purchaser 0's), its heaviest approved project and a light one, and the
    cursor of the notice list halfway down (the (published_at, id) of the NOTICES/2-th newest)."""
    with connection.cursor() as cursor:
        _purchasers_table(cursor)
        cursor.execute(
            f"""
            SELECT p.id, p.reference,
                   (SELECT count(*) FROM procurement_lot l WHERE l.project_id = p.id) AS lots,
                   (SELECT count(*) FROM procurement_approvaldecision d
                     WHERE d.project_id = p.id) AS decisions,
                   (SELECT count(*) FROM procurement_notice n WHERE n.project_id = p.id) AS notices,
                   pu.clerk_id
              FROM procurement_project p JOIN {PURCHASERS_TABLE} pu ON pu.organisation_id = p.purchaser_id
             WHERE pu.k = 0 AND p.status = 'approved'
               AND {LOTS_OF_G.format(g=G_OF_REFERENCE.format(p="p"))} IN (2, 6)
            """
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT published_at, id FROM procurement_notice WHERE published_at <= now() "
            "ORDER BY published_at DESC, id DESC OFFSET %s LIMIT 1",
            [NOTICES // 2],
        )
        published_at, notice_id = cursor.fetchone()
    heavy = max(rows, key=lambda r: (r[2], r[3], r[4], r[0]))
    light = max((r for r in rows if r[2] == 2), key=lambda r: (-r[3], r[0]))

    def described(row) -> str:
        _pk, reference, lots, decisions, notices, _clerk = row
        return f"{reference}: lots {lots}, approval decisions {decisions}, notices {notices}"

    return Sample(
        clerk_id=heavy[5],
        heavy_project_id=heavy[0],
        heavy_reference=heavy[1],
        heavy=described(heavy),
        light_project_id=light[0],
        light=described(light),
        deep_cursor=f"{published_at.isoformat()}|{notice_id}",
    )
