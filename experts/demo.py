"""Demo expert pool: the four demo experts (<region>_expert) and ten more per region
(<region>_expert01 … _expert10, in the pool of their region's finance bureau) approved, with
specialties that cover the demo projects' catalogue codes, bilingual names and employers.

A few declarations make avoidance show in a draw: yx_expert01 works for Yuxi Dianzhong Agricultural
Machinery (yx_supplier, a bidder on the opened Yuxi soil-testing lot), yx_expert02's spouse works for
Mianyang Kechuang (my_supplier, another bidder there), and jx_expert03 sits on the board of Jiaxing
Nanhu Office Equipment (jx_supplier). yx_expert04 and jx_expert05 cannot serve in the coming
fortnight. Every demo expert has confirmed their declarations. Loaded after the accounts demo; safe
to load again (each row is created only when missing).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts import services as accounts_services
from accounts.models import Membership, Organisation, Role, User
from audit.services import record_event

from . import selectors
from .models import Declaration, ExpertProfile, Unavailability

# Per region: specialty sets given in turn (each demo project's code is covered by most experts),
# and employers (name zh, name en) given in turn.
SPECIALTIES = {
    "jx": [["A020101", "A020211"], ["A0201", "C1601"], ["A02", "C16"]],
    "my": [["A0322", "C2302"], ["A03", "C16"], ["A032200", "C23", "C1601"]],
    "zz": [["A0203", "C1601"], ["A02", "C16"], ["A020305", "C1601"]],
    "yx": [["A0334", "A0210"], ["A03", "C16"], ["A033400", "A021000", "C1601"]],
}
EMPLOYERS = {
    "jx": [
        ("嘉兴学院", "Jiaxing University"),
        ("嘉兴职业技术学院", "Jiaxing Vocational and Technical College"),
        ("嘉兴市建筑设计研究院", "Jiaxing Architectural Design Institute"),
    ],
    "my": [
        ("西南科技大学", "Southwest University of Science and Technology"),
        ("绵阳市中心医院", "Mianyang Central Hospital"),
        ("绵阳职业技术学院", "Mianyang Polytechnic"),
    ],
    "zz": [
        ("郑州大学", "Zhengzhou University"),
        ("河南省交通科学技术研究院", "Henan Provincial Transport Research Institute"),
        ("郑州市政工程设计院", "Zhengzhou Municipal Engineering Design Institute"),
    ],
    "yx": [
        ("玉溪师范学院", "Yuxi Normal University"),
        ("玉溪市农业科学院", "Yuxi Academy of Agricultural Sciences"),
        ("云南省土壤肥料测试中心", "Yunnan Soil and Fertiliser Testing Centre"),
    ],
}
TITLES = [
    ("教授级高级工程师", 22),
    ("高级工程师", 15),
    ("副教授", 12),
    ("高级会计师", 18),
    ("工程师", 9),
]
# Ten more experts per region: (name zh, name en).
NAMES = {
    "jx": [
        ("沈国华", "Shen Guohua"),
        ("钱晓燕", "Qian Xiaoyan"),
        ("陆建明", "Lu Jianming"),
        ("顾丽萍", "Gu Liping"),
        ("徐志刚", "Xu Zhigang"),
        ("朱红梅", "Zhu Hongmei"),
        ("蒋文斌", "Jiang Wenbin"),
        ("褚玉兰", "Chu Yulan"),
        ("卫东升", "Wei Dongsheng"),
        ("许春雷", "Xu Chunlei"),
    ],
    "my": [
        ("何志勇", "He Zhiyong"),
        ("邓丽华", "Deng Lihua"),
        ("罗建国", "Luo Jianguo"),
        ("谢晓梅", "Xie Xiaomei"),
        ("唐伟", "Tang Wei"),
        ("冯静", "Feng Jing"),
        ("曾德明", "Zeng Deming"),
        ("彭秀英", "Peng Xiuying"),
        ("袁刚", "Yuan Gang"),
        ("蒲海燕", "Pu Haiyan"),
    ],
    "zz": [
        ("郭建华", "Guo Jianhua"),
        ("马丽娟", "Ma Lijuan"),
        ("高志强", "Gao Zhiqiang"),
        ("梁雪", "Liang Xue"),
        ("宋国庆", "Song Guoqing"),
        ("韩冬梅", "Han Dongmei"),
        ("曹振东", "Cao Zhendong"),
        ("程玉洁", "Cheng Yujie"),
        ("常宏伟", "Chang Hongwei"),
        ("贾晓东", "Jia Xiaodong"),
    ],
    "yx": [
        ("李春华", "Li Chunhua"),
        ("普建云", "Pu Jianyun"),
        ("段丽琼", "Duan Liqiong"),
        ("杨正华", "Yang Zhenghua"),
        ("刀美玲", "Dao Meiling"),
        ("赵永明", "Zhao Yongming"),
        ("孔德芬", "Kong Defen"),
        ("施国荣", "Shi Guorong"),
        ("王艳萍", "Wang Yanping"),
        ("鲁文武", "Lu Wenwu"),
    ],
}
# A district of each demo city, where two of its experts live (the region filter shows them).
DISTRICTS = {"jx": "330402", "my": "510703", "zz": "410102", "yx": "530402"}
EMPLOYER_SERIAL = 500  # demo employers' codes: accounts_demo.demo_uscc(region, 500 + n, "12")


def _employer(prefix: str, region_code: str, index: int) -> tuple[str, str, str]:
    name_zh, name_en = EMPLOYERS[prefix][index % len(EMPLOYERS[prefix])]
    code = accounts_demo.demo_uscc(region_code, EMPLOYER_SERIAL + index % len(EMPLOYERS[prefix]), "12")
    return name_zh, name_en, code


def _supplier(username: str) -> Organisation | None:
    membership = (
        Membership.objects.filter(user__username=username, role=Role.SUPPLIER_REPRESENTATIVE)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


def _new_expert_user(username: str, name_zh: str, name_en: str, region_code: str) -> User | None:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    organisation = selectors.pool_organisation(region_code)
    if organisation is None:
        return None
    user = User(
        username=username,
        email=f"{username}@demo.sunlight.invalid",
        first_name=name_zh,
        name_en=name_en,
        preferred_language="zh-hans",
    )
    user.set_password(accounts_demo.DEMO_PASSWORD)
    user.save()
    membership = accounts_services.save_membership(
        Membership(user=user, organisation=organisation, role=Role.EXPERT), actor=None
    )
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    return user


def _profile(user: User, *, prefix: str, index: int, region_code: str, reviewer: User | None) -> tuple:
    employer_zh, employer_en, employer_uscc = _employer(prefix, region_code[:4] + "00", index)
    title, years = TITLES[index % len(TITLES)]
    profile, created = ExpertProfile.objects.get_or_create(
        user=user,
        defaults={
            "status": ExpertProfile.Status.APPROVED,
            "name_zh": user.first_name,
            "name_en": user.name_en,
            "professional_title": title,
            "years_of_experience": years,
            "employer_name": f"{employer_zh} {employer_en}",
            "employer_uscc": employer_uscc,
            "region_code": region_code,
            "specialties": SPECIALTIES[prefix][index % len(SPECIALTIES[prefix])],
            "phone": f"139{index:02d}{user.pk % 1000000:06d}",
            "status_reason": "资格审核通过，入库。",
            "reviewed_by": reviewer,
            "reviewed_at": timezone.now(),
            "declared_at": timezone.now(),
        },
    )
    if created:
        from credit.services import ensure_credit_record

        ensure_credit_record(user)
        record_event(
            "experts.registered_by_keeper",
            actor=None,
            target=profile,
            data={"status": profile.status, "region_code": region_code, "demo": True},
        )
    return profile, created


def _declare(profile: ExpertProfile, organisation: Organisation | None, kind: str, **fields) -> bool:
    if organisation is None:
        return False
    declaration, created = Declaration.objects.get_or_create(
        expert=profile,
        kind=kind,
        organisation_uscc=organisation.uscc,
        defaults={"organisation_name": organisation.name_zh, **fields},
    )
    if created:
        record_event(
            "experts.declaration_added",
            actor=None,
            target=declaration,
            data={"kind": kind, "organisation_uscc": organisation.uscc, "demo": True},
        )
    return created


def _unavailable(profile: ExpertProfile, starts_on: datetime.date, days: int, reason: str) -> bool:
    if profile.unavailable_days.exists():
        return False
    period = Unavailability.objects.create(
        expert=profile, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=days), reason=reason
    )
    record_event(
        "experts.unavailability_added",
        actor=None,
        target=period,
        data={"starts_on": period.starts_on, "ends_on": period.ends_on, "demo": True},
    )
    return True


@transaction.atomic
def load() -> list:
    rows: list = []
    today = timezone.localdate()
    experts: dict[str, ExpertProfile] = {}
    for prefix, region_code, _city_zh, _city_en in accounts_demo.REGIONS:
        reviewer = User.objects.filter(username=f"{prefix}_regulator").first()
        demo_expert = User.objects.filter(username=f"{prefix}_expert", memberships__role=Role.EXPERT).first()
        if demo_expert is not None:
            profile, created = _profile(
                demo_expert, prefix=prefix, index=0, region_code=region_code, reviewer=reviewer
            )
            experts[demo_expert.username] = profile
            if created:
                rows.append(profile)
        if reviewer is None:
            continue  # no accounts demo here: no pool to fill
        for number, (name_zh, name_en) in enumerate(NAMES[prefix], start=1):
            region = DISTRICTS[prefix] if number in (9, 10) else region_code
            user = _new_expert_user(f"{prefix}_expert{number:02d}", name_zh, name_en, region)
            if user is None:
                continue
            profile, created = _profile(
                user, prefix=prefix, index=number, region_code=region, reviewer=reviewer
            )
            experts[user.username] = profile
            if created:
                rows.append(profile)
    two_years_ago = today - datetime.timedelta(days=2 * 365)
    declarations = [
        ("yx_expert01", "yx_supplier", Declaration.Kind.EMPLOYMENT, {"started_on": two_years_ago}),
        (
            "yx_expert02",
            "my_supplier",
            Declaration.Kind.RELATIVE,
            {"relative_name": "段志华", "relationship": "配偶 spouse", "started_on": two_years_ago},
        ),
        ("jx_expert03", "jx_supplier", Declaration.Kind.DIRECTOR, {"started_on": two_years_ago}),
    ]
    for username, supplier, kind, fields in declarations:
        if username in experts and _declare(experts[username], _supplier(supplier), kind, **fields):
            rows.append(username)
    for username, starts, days, reason in (
        ("yx_expert04", today, 14, "出国学术交流 Academic visit abroad"),
        ("jx_expert05", today + datetime.timedelta(days=3), 10, "住院治疗 In hospital"),
        ("zz_expert06", today + datetime.timedelta(days=30), 5, "年度休假 Annual leave"),
    ):
        if username in experts and _unavailable(experts[username], starts, days, reason):
            rows.append(username)
    return rows
