"""ocds_bulk: the OCDS daily bulk files of a day with 1,000,000 releases, written in releases per
second with the writer's peak memory, beside `ocdskit compile` on the same releases in the same run.

Data: 1,000,000 releases of 125,000 lots (eight events a lot: planning, tender, bid opening with
five bids, award with the scores, contract, amendment, acceptance with a payment, termination),
their JSON as disclosure.ocds.releases builds it (about 3 KB on average), all dated on BENCH_DAY,
seeded with COPY into disclosure_release (kept between runs, recognised by the ocid prefix).

Measured, each in a process of its own (benchmarks/_ocds_child.py, peak RSS from VmHWM):
- the writer: disclosure.ocds.bulk.write_day(BENCH_DAY), the nightly task's work: the day's
  gzipped JSON lines, read with COPY and gzipped on two threads, saved through the storage API
  (MEDIA_ROOT pointed at a scratch folder, removed after). value = releases per second; its peak
  RSS must stay under MEMORY_MB. Beside it, not targeted: the day's release package streamed from
  that file as a download makes it (bulk.package_stream), in releases per second;
- the baseline: `ocdskit compile --schema <the patched schema>` reading the same releases (the
  first OCDSKIT_SAMPLE lines of the written file: ocdskit compiles at a few thousand releases a
  second, so all 1,000,000 would take many minutes) — baseline_value is its releases per second,
  the sample size is printed and written to var/bench/ocds_bulk_details.json.
Targets: at least 70,000 releases per second and under 200 MB (the process, Django included).
"""

from __future__ import annotations

import datetime
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from . import Result, cpus

NAME = "ocds_bulk"
TARGET_RATE = 70_000  # releases per second
MEMORY_MB = 200
RELEASES = int(os.environ.get("OCDS_BENCH_RELEASES", "1000000"))
OCDSKIT_SAMPLE = int(os.environ.get("OCDS_BENCH_OCDSKIT_SAMPLE", "20000"))
PREFIX = "ocds-bnch02"  # the version of the templates: a new one replaces the old rows
BENCH_DAY = datetime.date(2025, 1, 15)
PER_LOT = 8
LOTS = 100  # Release rows point at a lot: a hundred real lots carry the 125,000 processes' releases
ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "bench-ocds"


def _templates() -> list[tuple[list[str], str]]:
    """(tags, JSON text) of one lot's eight releases, with @OCID@, @RID@ and @DATE@ to fill in."""
    from disclosure.ocds import facts, releases

    def org(n: int, name: str) -> facts.Org:
        return facts.Org(f"91330400MA{n:07d}X", f"{name}{n}有限公司", f"{name} {n} Co., Ltd.", "330400")

    purchaser = facts.Org("11330400MA0000001W", "嘉兴市第一中学", "Jiaxing No. 1 Middle School", "330400")
    agency = org(2, "嘉兴招标代理")
    bidders = [org(10 + i, "浙江数码科技") for i in range(5)]
    at = datetime.datetime(2025, 1, 15, 9, tzinfo=datetime.UTC)
    process = facts.Process(
        ocid="@OCID@",
        project_reference="330400-2025-000001",
        project_title_zh="教学用计算机及多媒体设备采购",
        project_title_en="Computers and multimedia equipment for teaching",
        project_description_zh="为全市中小学各教室配置教学用计算机、投影仪和交互式白板。",
        project_description_en="Computers, projectors and interactive whiteboards for every classroom.",
        category="goods",
        classification_code="A02010104",
        method="public_tender",
        method_label_zh="公开招标",
        method_label_en="Public tender",
        method_justification="",
        funding_source_zh="财政资金",
        funding_source_en="Fiscal budget",
        lot_number=1,
        lot_title_zh="台式计算机",
        lot_title_en="Desktop computers",
        lot_budget=Decimal("1500000.00"),
        specification="台式计算机 100 台，处理器不低于 8 核，内存 16 GB，固态硬盘 512 GB，三年上门保修。",
        delivery_place="嘉兴市各中小学",
        delivery_period="合同签订后 30 日内",
        sme_reserved=False,
        purchaser=purchaser,
        agency=agency,
    )

    def notice(pk: int, kind: str, *, attachment=False, documents=False) -> facts.NoticeRef:
        base = "https://sunlight.example/notices"
        return facts.NoticeRef(
            pk,
            kind,
            f"嘉兴市第一中学教学用计算机采购公告{pk}",
            f"Notice {pk}: computers for teaching (Jiaxing No. 1 Middle School)",
            at,
            f"{base}/{pk}/",
            f"{base}/{pk}/attachment/" if attachment else None,
            f"{base}/{pk}/documents/" if documents else None,
        )

    terms = facts.TenderTerms(
        1,
        at,
        at,
        at.date(),
        at.date(),
        at.date(),
        "comprehensive",
        Decimal("30"),
        ("技术方案 50 分", "商务条款 20 分"),
        ("Technical proposal 50 points", "Commercial terms 20 points"),
        ("具有独立承担民事责任的能力", "具有良好的商业信誉和健全的财务会计制度", "未被列入失信被执行人名单"),
        Decimal("30000.00"),
    )
    bids = tuple(
        facts.BidFact(
            f"bid-{i}", bidder, Decimal(1_380_000 + 9_000 * i), at, "valid", i + 1, Decimal(95 - 3 * i)
        )
        for i, bidder in enumerate(bidders)
    )
    pending = tuple(facts.BidFact(b.id, b.tenderer, b.price, at, "pending") for b in bids)
    contract = facts.ContractFact(
        "330400-2025-000001-1-HT1",
        "award-1",
        "教学用计算机采购合同",
        "Contract: computers for teaching",
        Decimal("1380000.00"),
        at,
        bidders[0],
        "合同签订后 30 日内",
    )
    milestones = tuple(
        facts.MilestoneFact(
            n, f"第{n}批交付", "台式计算机 50 台", at.date(), Decimal("690000.00"), status, None
        )
        for n, status in ((1, "met"), (2, "scheduled"))
    )
    events = [
        facts.Event("intention", "@RID@", at, process, notice(1, "intention")),
        facts.Event("tender", "@RID@", at, process, notice(2, "tender", documents=True), terms=terms),
        facts.Event(
            "opening_record", "@RID@", at, process, notice(3, "opening_record", attachment=True), bids=pending
        ),
        facts.Event(
            "result",
            "@RID@",
            at,
            process,
            notice(4, "result"),
            award=facts.AwardFact("award-1", at, Decimal("1380000.00"), bidders[0], "bid-0"),
            bids=bids,
        ),
        facts.Event(
            "contract",
            "@RID@",
            at,
            process,
            notice(5, "contract", attachment=True),
            contract=contract,
            milestones=milestones,
        ),
        facts.Event(
            "supplement",
            "@RID@",
            at,
            process,
            notice(6, "supplement"),
            contract=contract,
            supplement=facts.SupplementFact(
                1, Decimal("90000.00"), "台式计算机 6 台", "新增教室", at, Decimal("1470000.00")
            ),
        ),
        facts.Event(
            "acceptance",
            "@RID@",
            at,
            process,
            notice(7, "acceptance"),
            contract=contract,
            acceptance=facts.AcceptanceFact("acceptance-1", 1, "passed", "合格", "Passed", at),
            milestones=milestones,
            payments=(facts.PaymentFact("payment-1", Decimal("690000.00"), at.date(), "BANK-1"),),
        ),
        facts.Event(
            "breach",
            "@RID@",
            at,
            process,
            notice(8, "breach"),
            contract=contract,
            breach=facts.BreachFact(
                "breach-1", "termination", "违约解除合同", "Termination", "拒不交付第二批", bidders[0]
            ),
        ),
    ]
    out = []
    for event in events:
        data = releases.build_release(event)
        data["date"] = "@DATE@"
        out.append((data["tag"], releases.dumps(data).replace("\\", "\\\\")))  # COPY text format
    return out


def _bench_lots() -> list[int]:
    from accounts.models import Organisation, User
    from procurement.models import Lot, Project

    purchaser, _ = Organisation.objects.get_or_create(
        uscc="11330400MA0000001W",
        defaults={
            "kind": "purchaser",
            "name_zh": "嘉兴市第一中学",
            "name_en": "OCDS bench",
            "region_code": "330400",
        },
    )
    user, _ = User.objects.get_or_create(
        username="bench_ocds", defaults={"email": "bench_ocds@example.invalid"}
    )
    project, _ = Project.objects.get_or_create(
        reference="BENCH-OCDS-1",
        defaults={
            "purchaser": purchaser,
            "drafted_by": user,
            "title_zh": "OCDS 基准",
            "category": "goods",
            "classification_code": "A02010104",
            "budget": Decimal("1500000.00"),
            "funding_source": "fiscal_budget",
            "method": "public_tender",
        },
    )
    for number in range(1, LOTS + 1):
        Lot.objects.get_or_create(
            project=project,
            number=number,
            defaults={
                "title_zh": "台式计算机",
                "budget": Decimal("15000.00"),
                "quantity_and_specification": "—",
                "delivery_place": "—",
                "delivery_period": "—",
            },
        )
    return list(project.lots.order_by("number").values_list("pk", flat=True))


def ensure_dataset() -> float:
    """Seed the releases unless they are there; returns the seconds spent seeding (0 if kept)."""
    from django.db import connection, transaction

    from disclosure.models import Release

    present = Release.objects.filter(ocid__startswith=PREFIX).count()
    if (
        present == RELEASES
        and not Release.objects.filter(ocid__startswith="ocds-bnch").exclude(ocid__startswith=PREFIX).exists()
    ):
        return 0.0
    started = time.perf_counter()
    lots = _bench_lots()
    templates = _templates()
    buyer = "CN-USCC-11330400MA0000001W"
    start = datetime.datetime.combine(
        BENCH_DAY, datetime.time(0, 0, 1), tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    step = datetime.timedelta(seconds=86_000 / RELEASES)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM disclosure_release WHERE ocid LIKE 'ocds-bnch%%'")
        columns = "release_id, ocid, date, tags, lot_id, buyer_id, data, created_at"
        with cursor.cursor.copy(f"COPY disclosure_release ({columns}) FROM STDIN") as copy:
            batch = []
            for n in range(RELEASES):
                lot_n, k = divmod(n, PER_LOT)
                ocid = f"{PREFIX}-BENCH-{lot_n:07d}-1"
                rid = f"{ocid}-{k + 1}"
                date = (start + step * n).isoformat(timespec="microseconds")
                tags, text = templates[k]
                data = text.replace("@OCID@", ocid).replace("@RID@", rid).replace("@DATE@", date)
                lot = lots[lot_n % LOTS]
                batch.append(f"{rid}\t{ocid}\t{date}\t{{{','.join(tags)}}}\t{lot}\t{buyer}\t{data}\t{date}\n")
                if len(batch) == 5000:
                    copy.write("".join(batch))
                    batch = []
            if batch:
                copy.write("".join(batch))
    with connection.cursor() as cursor:
        # Outside the load's transaction: set the new rows' hint bits and visibility now, as the
        # nightly writer finds rows written days before (not on its first read of them).
        cursor.execute("VACUUM (ANALYZE) disclosure_release")
    return time.perf_counter() - started


def _child(*args: str, env: dict | None = None) -> dict:
    completed = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "benchmarks._ocds_child", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _package(path: Path) -> tuple[float, int]:
    """The day's release package as a download streams it from the file: seconds and bytes."""
    from disclosure.ocds import bulk

    meta = {"uri": "https://sunlight.example/api/ocds/bulk/2025-01-15.json", "version": "1.1"}
    started, size = time.perf_counter(), 0
    with path.open("rb") as handle:
        for chunk in bulk.package_stream(handle, meta):
            size += len(chunk)
    return time.perf_counter() - started, size


def run() -> Result:
    from disclosure.ocds import schema

    seeded = ensure_dataset()
    shutil.rmtree(SCRATCH, ignore_errors=True)
    media = SCRATCH / "media"
    media.mkdir(parents=True)
    try:
        env = dict(os.environ, MEDIA_ROOT=str(media))
        writer = _child("write", BENCH_DAY.isoformat(), env=env)
        written = media / writer["jsonl_gz"]
        sample, lines, valid = SCRATCH / "sample.jsonl", 0, 0
        with gzip.open(written, "rt", encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
            for line in source:
                if lines < OCDSKIT_SAMPLE:
                    out.write(line)
                    if lines % 997 == 0:  # a spread sample is validated against the schema
                        valid += not schema.release_errors(json.loads(line))
                lines += 1
        package_seconds, package_bytes = _package(written)
        patched = schema.write_release_schema(SCRATCH / "release-schema.json")
        ocdskit = _child("ocdskit", str(sample), str(patched))
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)

    rate = writer["releases"] / writer["seconds"]
    kit_rate = OCDSKIT_SAMPLE / ocdskit["seconds"]
    met = rate >= TARGET_RATE and writer["peak_mb"] < MEMORY_MB and lines == RELEASES == writer["releases"]
    details = {
        "releases": writer["releases"],
        "lines_in_file": lines,
        "sample_validated": valid,
        "seed_seconds": round(seeded, 1),
        "writer_seconds": round(writer["seconds"], 2),
        "writer_releases_per_second": round(rate),
        "writer_peak_mb": round(writer["peak_mb"], 1),
        "writer_peak_mb_after_django_setup": round(writer["peak_mb_before"], 1),
        "jsonl_gz_mb": round(writer["jsonl_gz_size"] / 2**20, 1),
        "package_json_mb": round(package_bytes / 2**20, 1),
        "package_stream_seconds": round(package_seconds, 2),
        "package_stream_releases_per_second": round(writer["releases"] / package_seconds),
        "ocdskit_sample": OCDSKIT_SAMPLE,
        "ocdskit_compiled": ocdskit["compiled"],
        "ocdskit_seconds": round(ocdskit["seconds"], 2),
        "ocdskit_releases_per_second": round(kit_rate),
        "ocdskit_peak_mb": round(ocdskit["peak_mb"], 1),
    }
    rows = [
        (
            "bulk file (write_day)",
            f"{writer['releases']:,}",
            f"{rate:,.0f}/s",
            f"{writer['peak_mb']:.0f} MB",
        ),
        (
            "release package streamed from it",
            f"{writer['releases']:,}",
            f"{writer['releases'] / package_seconds:,.0f}/s",
            "-",
        ),
        (
            f"ocdskit compile (sample of {OCDSKIT_SAMPLE:,})",
            f"{OCDSKIT_SAMPLE:,}",
            f"{kit_rate:,.0f}/s",
            f"{ocdskit['peak_mb']:.0f} MB",
        ),
    ]
    print(f"{'':40} | {'releases':>10} | {'rate':>10} | {'peak RSS':>9}   (ocdskit: a sample, see docstring)")
    for row in rows:
        print(f"{row[0]:40} | {row[1]:>10} | {row[2]:>10} | {row[3]:>9}")
    print(json.dumps(details, indent=1))
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{NAME}_details.json").write_text(json.dumps(details, indent=2) + "\n")
    return Result(
        name=NAME,
        value=round(rate),
        unit="releases/s",
        baseline_value=round(kit_rate),
        ratio=round(rate / kit_rate, 1),
        target=TARGET_RATE,
        met=met,
        cpus=cpus(),
    )
