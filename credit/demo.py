"""Demo credit: a record for every demo party, and a few histories that show each feature.

- jx_supplier (嘉兴南湖办公设备): contracts completed on time and clean acceptances → red list.
- my_supplier2: a Mianyang Finance Bureau penalty for collusion, with its decision PDF → blacklist.
- zz_supplier2: failed acceptance and a terminated contract → two stars: must provide full
  documents instead of the credit commitment letter.
- zz_agency: a notice published late; jx_expert: complete and timely reviews.
- yx_regulator imported a feed of another credit platform: one row recorded (yx_supplier2 is a
  dishonest judgment debtor), one unmatched and one rejected, to show the report.

Each row is created only if missing (safe to run on a database that already has demo data).
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from stdnum.cn import uscc

from accounts.models import Membership, Organisation, Role, User

from . import selectors, services
from .models import CreditEvent, CreditImport


def _org(username: str) -> Organisation:
    return Membership.objects.select_related("organisation").get(user__username=username).organisation


def _days_ago(days: int) -> datetime.date:
    return selectors.today() - datetime.timedelta(days=days)


def _event(party, rule_code: str, days_ago: int, description: str = "") -> None:
    record = services.ensure_credit_record(party)
    day = _days_ago(days_ago)
    if not CreditEvent.objects.filter(record=record, rule__code=rule_code, occurred_on=day).exists():
        services.record_event(party, rule_code, occurred_on=day, description=description)


def _decision_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string("credit/demo_decision.html", context)).write_pdf()


def _penalty() -> None:
    supplier = _org("my_supplier2")
    record = services.ensure_credit_record(supplier)
    if record.events.filter(source=CreditEvent.Source.SUPERVISION).exists():
        return
    regulator = User.objects.get(username="my_regulator")
    day = _days_ago(20)
    description = (
        "经查，该公司在绵阳市某医院医疗设备采购项目中与其他投标人相互串通投标（投标文件由同一人编制）。"
        "依据《政府采购法》第七十七条，处以采购金额千分之五的罚款，列入不良行为记录名单，两年内禁止参加政府采购活动。"
    )
    pdf = _decision_pdf(
        {
            "number": "绵财采罚〔2026〕3号",
            "party": supplier.name_zh,
            "uscc": supplier.uscc,
            "day": day,
            "description": description,
        }
    )
    services.record_penalty(
        record.pk,
        actor=regulator,
        rule_code="supplier.collusion",
        occurred_on=day,
        description=description,
        document=SimpleUploadedFile("绵财采罚〔2026〕3号.pdf", pdf, content_type="application/pdf"),
        ban_years=2,
    )


_UNKNOWN_USCC = "91530400MA6KX0000" + uscc.calc_check_digit("91530400MA6KX0000")  # valid, nobody's


def _feed() -> None:
    if CreditImport.objects.exists():
        return
    regulator = User.objects.get(username="yx_regulator")
    debtor = _org("yx_supplier2")
    rows = [
        "uscc,name,rule,reference,decided_on,ends_on,authority,description",
        f"{debtor.uscc},{debtor.name_zh},external.dishonest_judgment_debtor,(2026)云04执1234号,"
        f"{_days_ago(40).isoformat()},{_days_ago(-325).isoformat()},玉溪市中级人民法院,未履行生效判决确定的付款义务",
        f"{_UNKNOWN_USCC},某某建材有限公司,external.major_tax_violation,玉税稽〔2026〕88号,"
        f"{_days_ago(60).isoformat()},,国家税务总局玉溪市税务局,",
        f"91530400MA6KX1234,格式错误的代码,external.serious_procurement_violation,CCGP-2026-0042,"
        f"{_days_ago(90).isoformat()},,财政部,",
    ]
    content = ("\n".join(rows) + "\n").encode("utf-8")
    services.import_feed(
        ContentFile(content, name="信用中国-2026-11.csv"), actor=regulator, source_name="信用中国（示例）"
    )


@transaction.atomic
def load() -> list:
    """Create what is missing; returns the records touched (empty when all was there)."""
    if not Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER).exists():
        return []
    before = CreditEvent.objects.count()
    for organisation in Organisation.objects.filter(
        kind__in=list(selectors.ORGANISATION_PARTY_KINDS), is_active=True
    ).order_by("pk"):
        services.ensure_credit_record(organisation)
    for expert in User.objects.filter(memberships__role=Role.EXPERT).distinct().order_by("pk"):
        services.ensure_credit_record(expert)

    jx_supplier = _org("jx_supplier")
    for days in (20, 45, 80, 120):
        _event(jx_supplier, "supplier.completed_on_time", days)
        _event(jx_supplier, "supplier.acceptance_without_remarks", days + 5)
    zz_supplier2 = _org("zz_supplier2")
    _event(zz_supplier2, "supplier.failed_acceptance", 30, "办公家具验收时发现板材甲醛释放量超标")
    _event(zz_supplier2, "supplier.breach_termination", 15, "未在整改期内更换不合格产品，采购人依约解除合同")
    _event(_org("zz_agency"), "agency.late_notice", 25, "中标结果公告晚于确认后 2 个工作日发布")
    jx_expert = User.objects.get(username="jx_expert")
    for days in (10, 50):
        _event(jx_expert, "expert.complete_timely_review", days)
    _penalty()
    _feed()
    added = CreditEvent.objects.count() - before
    if added:  # the nightly job is audited: run it only when the demo changed something
        services.recompute_scores()
    return list(range(added))
