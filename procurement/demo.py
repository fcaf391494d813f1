"""Demo procurement projects: in each of the four demo regions one draft, one awaiting approval and
one approved (some of them entrusted or already tendering), taken there through
procurement.services like real ones.

Approval needs as many distinct approvers as the amount's levels (the drafter never approves), and
the demo accounts give each purchaser one approver, so this demo adds two more per purchaser:
{region}_approver2 (deputy director) and {region}_approver3 (director), with the second factor
like every approver. Levels are decided in that order: approver, approver2, approver3.

- Jiaxing: computers for teaching (two lots, inquiry band, approved at both levels, entrusted to
  the Jiahe agency, tender notice published); school
  property services (public tender, awaiting level 1); smart-classroom displays (draft).
- Mianyang: primary-care medical equipment (public tender, approved at three levels, entrusted to
  the Fujiang agency, tender documents drafted); medical
  waste collection (returned once for the market research, resubmitted, awaiting); hospital
  information system maintenance (below the threshold, draft).
- Zhengzhou: law-enforcement vehicles (below the threshold, approved); office property services
  (competitive consultation band, level 1 passed, awaiting level 2); bus shelter cleaning (draft).
- Yuxi: soil testing instruments (inquiry band, approved, entrusted, tender notice published);
  plant-protection drones (public tender,
  awaiting); the agricultural information platform's maintenance (draft).

The method is the rulebook's default for the category and budget. A project whose Chinese title
the purchaser already has is not filed again, so the demo is safe to load again; an approved one
is taken on to its stage (a demo project someone has since moved on is left as it is).
"""

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import demo as accounts_demo
from accounts import services as accounts_services
from accounts.models import Membership, Organisation, Role, User
from common.exceptions import DomainError

from . import methods, services
from .models import Notice, Project

logger = logging.getLogger(__name__)

# Extra approvers per purchaser: (username suffix, name zh, name en, approval limit in CNY).
EXTRA_APPROVERS = [
    ("approver2", "孙建国", "Sun Jianguo", 10_000_000),
    ("approver3", "吴海燕", "Wu Haiyan", 50_000_000),
]
APPROVER_ORDER = ("approver", "approver2", "approver3")
APPROVED_STAGES = ("approved", "entrusted", "tendering")
ENTRUSTMENT_SCOPE = (
    "组织实施本项目采购活动：编制采购文件、发布公告、组织开标评标、发布结果公告、协助签订合同。"
)


@dataclass(frozen=True)
class DemoLot:
    title_zh: str
    title_en: str
    budget: str
    specification: str
    place: str
    period: str
    sme_reserved: bool = False


@dataclass(frozen=True)
class DemoProject:
    title_zh: str
    title_en: str
    category: str
    code: str
    budget: str
    description_zh: str
    description_en: str
    lots: list[DemoLot]
    # "draft", "pending" (levels_passed levels approved), "approved", "entrusted" (to the region's
    # agency, documents drafted) or "tendering" (tender notice published)
    stage: str = "draft"
    levels_passed: int = 0
    returned_with: str = ""  # returned once with this comment, then resubmitted
    funding_source: str = "fiscal_budget"
    green_requirement: bool = False
    comments: list[str] = field(default_factory=list)


PROJECTS: dict[str, list[DemoProject]] = {
    "jx": [
        DemoProject(
            "教学用计算机采购",
            "Computers for teaching",
            "goods",
            "A02010104",
            "1860000.00",
            "为市属 6 所中学更新学生机房计算机和教师办公计算机，旧设备已使用 8 年以上。",
            "Replacing the pupils' computer rooms and the teachers' computers of six municipal secondary "
            "schools; the current machines are more than eight years old.",
            [
                DemoLot(
                    "学生机房台式计算机",
                    "Desktop computers for computer rooms",
                    "1380000.00",
                    "台式计算机 300 台：国产处理器不低于 8 核，内存 16GB，固态硬盘 512GB，23.8 英寸显示器；"
                    "三年原厂上门保修。",
                    "嘉兴市第一中学等 6 所学校",
                    "合同签订后 45 日内",
                ),
                DemoLot(
                    "教师办公便携式计算机",
                    "Laptops for teachers",
                    "480000.00",
                    "便携式计算机 120 台：14 英寸，内存 16GB，固态硬盘 512GB，重量不超过 1.5kg；三年保修。",
                    "嘉兴市教育局",
                    "合同签订后 30 日内",
                    sme_reserved=True,
                ),
            ],
            stage="tendering",
            green_requirement=True,
            comments=["预算已列入年度部门预算，同意。", "同意按询价方式采购。"],
        ),
        DemoProject(
            "中小学校园物业管理服务",
            "Property management for primary and secondary schools",
            "services",
            "C1601",
            "2400000.00",
            "市直属中小学校园保洁、绿化养护、门卫及设施设备日常维护，服务期一年。",
            "Cleaning, grounds maintenance, gatekeeping and day-to-day upkeep of the municipal schools, "
            "for one year.",
            [
                DemoLot(
                    "南湖区片区",
                    "Nanhu district schools",
                    "1300000.00",
                    "7 所学校，建筑面积约 12 万平方米；驻场人员不少于 46 人。",
                    "嘉兴市南湖区",
                    "2027 年 1 月 1 日至 12 月 31 日",
                ),
                DemoLot(
                    "秀洲区片区",
                    "Xiuzhou district schools",
                    "1100000.00",
                    "5 所学校，建筑面积约 9.5 万平方米；驻场人员不少于 38 人。",
                    "嘉兴市秀洲区",
                    "2027 年 1 月 1 日至 12 月 31 日",
                    sme_reserved=True,
                ),
            ],
            stage="pending",
        ),
        DemoProject(
            "智慧教室交互式显示设备采购",
            "Interactive displays for smart classrooms",
            "goods",
            "A02021100",
            "760000.00",
            "为 40 间普通教室配置 86 英寸交互式智能平板。",
            "86-inch interactive flat panels for 40 classrooms.",
            [
                DemoLot(
                    "交互式智能平板",
                    "Interactive flat panels",
                    "760000.00",
                    "86 英寸交互式智能平板 40 套，含移动支架、安装调试和教师培训。",
                    "嘉兴市秀洲区实验小学",
                    "合同签订后 30 日内",
                    sme_reserved=True,
                ),
            ],
        ),
    ],
    "my": [
        DemoProject(
            "基层医疗卫生机构医疗设备采购",
            "Medical equipment for primary health care facilities",
            "goods",
            "A032200",
            "3200000.00",
            "为 12 个乡镇卫生院配置数字化 X 射线摄影系统和全自动生化分析仪。",
            "Digital radiography systems and chemistry analysers for twelve township health centres.",
            [
                DemoLot(
                    "数字化 X 射线摄影系统（DR）",
                    "Digital radiography systems (DR)",
                    "2160000.00",
                    "双立柱 DR 6 台：平板探测器不小于 43cm×43cm，高压发生器功率不低于 50kW；"
                    "含安装及操作培训。",
                    "绵阳市安州区、梓潼县乡镇卫生院",
                    "合同签订后 60 日内",
                ),
                DemoLot(
                    "全自动生化分析仪",
                    "Clinical chemistry analysers",
                    "1040000.00",
                    "全自动生化分析仪 8 台：测试速度不低于 400 测试/小时；五年维保。",
                    "绵阳市三台县、盐亭县乡镇卫生院",
                    "合同签订后 45 日内",
                ),
            ],
            stage="entrusted",
            comments=["设备配置符合基层卫生院建设标准。", "同意。", "同意公开招标。"],
        ),
        DemoProject(
            "医疗废物收集转运处置服务",
            "Collection, transport and disposal of medical waste",
            "services",
            "C2302",
            "1450000.00",
            "全市 210 家基层医疗卫生机构的医疗废物定期收集、转运和集中处置，服务期两年。",
            "Regular collection, transport and central disposal of medical waste from 210 primary care "
            "facilities, for two years.",
            [
                DemoLot(
                    "医疗废物收集转运处置",
                    "Medical waste collection and disposal",
                    "1450000.00",
                    "收集频次每 48 小时不少于一次；转运车辆须具备危险废物运输资质。",
                    "绵阳市各县（市、区）",
                    "两年",
                ),
            ],
            stage="pending",
            returned_with="请补充市场调研报告及近两年处置量统计。",
        ),
        DemoProject(
            "卫生健康信息系统运维服务",
            "Maintenance of the health information systems",
            "services",
            "C1601",
            "680000.00",
            "全民健康信息平台及卫生监督系统的日常运维、等保测评整改。",
            "Day-to-day maintenance of the population health platform and the health inspection system, "
            "with the security classification fixes.",
            [
                DemoLot(
                    "信息系统运维",
                    "System maintenance",
                    "680000.00",
                    "驻场运维工程师 2 名，7×24 小时响应；重大故障 2 小时内到场。",
                    "绵阳市卫生健康委员会",
                    "一年",
                    sme_reserved=True,
                ),
            ],
            funding_source="mixed",
        ),
    ],
    "zz": [
        DemoProject(
            "交通运输综合执法车辆采购",
            "Vehicles for transport law enforcement",
            "goods",
            "A020305",
            "900000.00",
            "更新已达报废年限的执法车辆 6 辆，新能源汽车比例不低于 50%。",
            "Replacing six law-enforcement vehicles past their service life; at least half electric.",
            [
                DemoLot(
                    "执法车辆",
                    "Law-enforcement vehicles",
                    "900000.00",
                    "乘用车 6 辆（其中纯电动 3 辆），配装执法标识、警示灯具和车载记录仪。",
                    "郑州市交通运输局",
                    "合同签订后 60 日内",
                ),
            ],
            stage="approved",
            green_requirement=True,
            comments=["同意，符合公务用车配备标准。"],
        ),
        DemoProject(
            "机关办公区物业管理服务",
            "Property management of the bureau's offices",
            "services",
            "C1601",
            "1520000.00",
            "办公楼保洁、安保、会议服务和设施设备维护，服务期两年。",
            "Cleaning, security, meeting services and building upkeep of the offices, for two years.",
            [
                DemoLot(
                    "物业管理服务",
                    "Property management",
                    "1520000.00",
                    "办公楼建筑面积 2.8 万平方米，服务人员不少于 32 人。",
                    "郑州市金水区",
                    "两年",
                ),
            ],
            stage="pending",
            levels_passed=1,
            comments=["服务内容与上一期合同一致，同意。"],
        ),
        DemoProject(
            "公交候车亭保洁服务",
            "Cleaning of bus shelters",
            "services",
            "C1601",
            "420000.00",
            "主城区 860 座公交候车亭的日常保洁和小修。",
            "Daily cleaning and small repairs of 860 bus shelters in the city centre.",
            [
                DemoLot(
                    "候车亭保洁",
                    "Bus shelter cleaning",
                    "420000.00",
                    "每座候车亭每周清洗不少于 2 次，广告灯箱每月擦拭 1 次。",
                    "郑州市主城区",
                    "一年",
                    sme_reserved=True,
                ),
            ],
        ),
    ],
    "yx": [
        DemoProject(
            "耕地质量检测仪器采购",
            "Soil testing instruments",
            "goods",
            "A033400",
            "1280000.00",
            "为市农业技术推广站配置土壤养分和重金属检测仪器。",
            "Instruments for nutrient and heavy-metal soil testing at the agricultural extension station.",
            [
                DemoLot(
                    "原子吸收分光光度计",
                    "Atomic absorption spectrophotometer",
                    "820000.00",
                    "火焰/石墨炉一体原子吸收分光光度计 1 套，含自动进样器。",
                    "玉溪市农业技术推广站",
                    "合同签订后 60 日内",
                ),
                DemoLot(
                    "土壤养分速测仪",
                    "Rapid soil nutrient testers",
                    "460000.00",
                    "便携式土壤养分速测仪 40 台，检测氮、磷、钾及有机质。",
                    "玉溪市各县（市、区）农业农村局",
                    "合同签订后 30 日内",
                    sme_reserved=True,
                ),
            ],
            stage="tendering",
            comments=["同意。", "同意按询价方式采购。"],
        ),
        DemoProject(
            "植保无人机采购",
            "Crop-protection drones",
            "goods",
            "A021000",
            "2650000.00",
            "为 9 个县（市、区）病虫害统防统治服务组织配置植保无人机。",
            "Crop-protection drones for the pest control service groups of nine counties.",
            [
                DemoLot(
                    "植保无人机",
                    "Crop-protection drones",
                    "2650000.00",
                    "载药量不小于 30L 的植保无人机 45 架，含电池 4 组、充电站和飞手培训。",
                    "玉溪市各县（市、区）",
                    "合同签订后 45 日内",
                ),
            ],
            stage="pending",
        ),
        DemoProject(
            "农业农村信息化平台运维服务",
            "Maintenance of the agricultural information platform",
            "services",
            "C1601",
            "560000.00",
            "高原特色农业大数据平台的运维和数据更新。",
            "Maintenance and data updates of the plateau agriculture data platform.",
            [
                DemoLot(
                    "平台运维",
                    "Platform maintenance",
                    "560000.00",
                    "驻场工程师 1 名，远程支持 5×8 小时；每季度更新农情数据。",
                    "玉溪市农业农村局",
                    "一年",
                    sme_reserved=True,
                ),
            ],
            funding_source="mixed",
        ),
    ],
}


def _purchaser(prefix: str) -> Organisation:
    return (
        Membership.objects.select_related("organisation")
        .get(user__username=f"{prefix}_approver")
        .organisation
    )


def _acting_for(username: str, purchaser: Organisation) -> User:
    """The user, acting (for this load only, nothing saved) in their membership of the purchaser:
    jx_clerk also files for the water group and may have switched to it."""
    user = User.objects.get(username=username)
    user.active_membership = Membership.objects.select_related("organisation").get(
        user=user, organisation=purchaser, is_active=True
    )
    return user


def _ensure_approvers(prefix: str, purchaser: Organisation) -> None:
    for suffix, name_zh, name_en, limit in EXTRA_APPROVERS:
        username = f"{prefix}_{suffix}"
        if User.objects.filter(username=username).exists():
            continue
        user = accounts_services.save_user(
            User(
                username=username,
                email=f"{username}@demo.sunlight.invalid",
                first_name=name_zh,
                name_en=name_en,
                preferred_language="zh-hans",
            ),
            actor=None,
        )
        user.set_password(accounts_demo.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        membership = accounts_services.save_membership(
            Membership(
                user=user,
                organisation=purchaser,
                role=Role.PURCHASER_APPROVER,
                approval_limit=Decimal(limit),
            ),
            actor=None,
        )
        TOTPDevice.objects.create(
            user=user, name="demo authenticator", key=accounts_demo.DEMO_TOTP_KEY, confirmed=True
        )
        user.active_membership = membership
        user.save(update_fields=["active_membership"])


def _file(prefix: str, purchaser: Organisation, spec: DemoProject) -> Project:
    budget = Decimal(spec.budget)
    method = methods.default_method(
        spec.category, budget, services.bands(spec.category, on=timezone.localdate())
    )
    project = services.file_project(
        actor=_acting_for(f"{prefix}_clerk", purchaser),
        title_zh=spec.title_zh,
        title_en=spec.title_en,
        description_zh=spec.description_zh,
        description_en=spec.description_en,
        category=spec.category,
        classification_code=spec.code,
        budget=budget,
        funding_source=spec.funding_source,
        method=method,
        green_requirement=spec.green_requirement,
        lots=[
            {
                "title_zh": lot.title_zh,
                "title_en": lot.title_en,
                "budget": lot.budget,
                "quantity_and_specification": lot.specification,
                "delivery_place": lot.place,
                "delivery_period": lot.period,
                "sme_reserved": lot.sme_reserved,
            }
            for lot in spec.lots
        ],
    )
    if spec.stage == "draft":
        return project
    clerk = _acting_for(f"{prefix}_clerk", purchaser)
    project = services.submit_project(project.pk, actor=clerk)
    if spec.returned_with:
        approver = _acting_for(f"{prefix}_approver", purchaser)
        services.return_project(project.pk, actor=approver, comment=spec.returned_with)
        project = services.submit_project(project.pk, actor=clerk)
    levels = project.approval_levels if spec.stage in APPROVED_STAGES else spec.levels_passed
    for level in range(levels):
        approver = _acting_for(f"{prefix}_{APPROVER_ORDER[level]}", purchaser)
        comment = spec.comments[level] if level < len(spec.comments) else ""
        project = services.approve_project(project.pk, actor=approver, comment=comment)
    return project


def _advance(prefix: str, purchaser: Organisation, project: Project, spec: DemoProject) -> None:
    """Entrust an approved project to the region's agency, draft its documents from the standard
    template and, for "tendering", publish the tender notice.

    The procurement intention must be public 30 days before the tender notice; the demo dates the
    approval and the intention 40 days back, as if the project had been approved then, so that its
    tender is open today. A deadline the working-day calendar does not cover yet (a year not
    declared) leaves the project entrusted with its draft.
    """
    if spec.stage not in ("entrusted", "tendering") or project.status != Project.Status.APPROVED:
        return
    clerk = _acting_for(f"{prefix}_clerk", purchaser)
    officer = User.objects.get(username=f"{prefix}_agency")
    agency = officer.active_membership.organisation
    back = timezone.now() - datetime.timedelta(days=40)
    Project.objects.filter(pk=project.pk).update(approved_at=back, intention_published_on=back.date())
    Notice.objects.filter(project=project, kind=Notice.Kind.INTENTION).update(published_at=back)
    services.entrust_project(project.pk, actor=clerk, agency_id=agency.pk, scope=ENTRUSTMENT_SCOPE)
    document = services.start_tender_documents(project.pk, actor=officer)
    if spec.stage == "tendering" and document.bid_deadline is not None:
        try:
            with transaction.atomic():
                services.publish_tender(project.pk, actor=officer)
        except DomainError as error:
            logger.warning("demo tender of %s not published: %s", project.reference, error)


@transaction.atomic
def load() -> list[Project]:
    """File what is missing; returns the projects created (empty when all were there)."""
    created = []
    for prefix, _code, _city_zh, _city_en in accounts_demo.REGIONS:
        if not User.objects.filter(username=f"{prefix}_approver").exists():
            continue  # no demo accounts (load_demo runs accounts first)
        purchaser = _purchaser(prefix)
        _ensure_approvers(prefix, purchaser)
        existing = {p.title_zh: p for p in Project.objects.filter(purchaser=purchaser)}
        for spec in PROJECTS[prefix]:
            project = existing.get(spec.title_zh)
            if project is None:
                project = _file(prefix, purchaser, spec)
                created.append(project)
            _advance(prefix, purchaser, project, spec)
    return created
