"""Demo organisations and users of every role in four demo regions, names in both languages.

Loaded once by `manage.py load_demo` (each app's demo.py, in layer order). Every demo user's
password is DEMO_PASSWORD; privileged roles share one demo TOTP secret (see demo_totp_secret()).
"""

import base64
import hashlib

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc

from . import services
from .models import Membership, Organisation, Role, User

DEMO_PASSWORD = "Sunlight-demo-2026"  # noqa: S105 - published demo credential
DEMO_TOTP_KEY = hashlib.sha1(b"sunlight-demo-second-factor").hexdigest()  # noqa: S324 - a demo key, not a hash
OPERATOR_USCC_BODY = "12330400MB0000001"

REGIONS = [
    # prefix, region code, city (zh, en)
    ("jx", "330400", "嘉兴", "Jiaxing"),
    ("my", "510700", "绵阳", "Mianyang"),
    ("zz", "410100", "郑州", "Zhengzhou"),
    ("yx", "530400", "玉溪", "Yuxi"),
]

# Per region: (key, kind, name_zh, name_en); {zh}/{en} is the city name.
REGION_ORGANISATIONS = {
    "jx": [
        ("purchaser", "purchaser", "嘉兴市教育局", "Jiaxing Municipal Education Bureau"),
        ("soe", "purchaser", "嘉兴市水务投资集团有限公司", "Jiaxing Water Investment Group Co., Ltd."),
        ("agency", "agency", "浙江嘉禾招标代理有限公司", "Zhejiang Jiahe Tendering Agency Co., Ltd."),
        ("supplier", "supplier", "嘉兴南湖办公设备有限公司", "Jiaxing Nanhu Office Equipment Co., Ltd."),
        (
            "supplier2",
            "supplier",
            "浙江禾信信息技术有限公司",
            "Zhejiang Hexin Information Technology Co., Ltd.",
        ),
        ("regulator", "regulator", "嘉兴市财政局", "Jiaxing Municipal Finance Bureau"),
        ("bank", "bank", "嘉禾商业银行嘉兴分行", "Jiahe Commercial Bank, Jiaxing Branch"),
    ],
    "my": [
        ("purchaser", "purchaser", "绵阳市卫生健康委员会", "Mianyang Municipal Health Commission"),
        ("agency", "agency", "四川涪江招标代理有限公司", "Sichuan Fujiang Tendering Agency Co., Ltd."),
        ("supplier", "supplier", "绵阳科创医疗器械有限公司", "Mianyang Kechuang Medical Devices Co., Ltd."),
        (
            "supplier2",
            "supplier",
            "四川绵州建设工程有限公司",
            "Sichuan Mianzhou Construction Engineering Co., Ltd.",
        ),
        ("regulator", "regulator", "绵阳市财政局", "Mianyang Municipal Finance Bureau"),
        ("bank", "bank", "涪江银行绵阳分行", "Fujiang Bank, Mianyang Branch"),
    ],
    "zz": [
        ("purchaser", "purchaser", "郑州市交通运输局", "Zhengzhou Municipal Transport Bureau"),
        ("agency", "agency", "河南中原招标有限公司", "Henan Zhongyuan Tendering Co., Ltd."),
        (
            "supplier",
            "supplier",
            "郑州绿城环保科技有限公司",
            "Zhengzhou Lvcheng Environmental Technology Co., Ltd.",
        ),
        ("supplier2", "supplier", "河南嵩山物业服务有限公司", "Henan Songshan Property Services Co., Ltd."),
        ("regulator", "regulator", "郑州市财政局", "Zhengzhou Municipal Finance Bureau"),
        ("bank", "bank", "中原商业银行郑州分行", "Zhongyuan Commercial Bank, Zhengzhou Branch"),
    ],
    "yx": [
        (
            "purchaser",
            "purchaser",
            "玉溪市农业农村局",
            "Yuxi Municipal Bureau of Agriculture and Rural Affairs",
        ),
        ("agency", "agency", "云南抚仙招标咨询有限公司", "Yunnan Fuxian Tendering Consulting Co., Ltd."),
        ("supplier", "supplier", "玉溪滇中农机有限公司", "Yuxi Dianzhong Agricultural Machinery Co., Ltd."),
        ("supplier2", "supplier", "云南星云软件有限公司", "Yunnan Xingyun Software Co., Ltd."),
        ("regulator", "regulator", "玉溪市财政局", "Yuxi Municipal Finance Bureau"),
        ("bank", "bank", "滇中银行玉溪分行", "Dianzhong Bank, Yuxi Branch"),
    ],
}

# Per region: (username suffix, person name zh, name en, role, organisation key, approval limit)
REGION_USERS = [
    ("clerk", "王芳", "Wang Fang", Role.PURCHASER_CLERK, "purchaser", None),
    ("approver", "李强", "Li Qiang", Role.PURCHASER_APPROVER, "purchaser", 5_000_000),
    ("agency", "张伟", "Zhang Wei", Role.AGENCY_OFFICER, "agency", None),
    ("supplier", "刘洋", "Liu Yang", Role.SUPPLIER_REPRESENTATIVE, "supplier", None),
    ("supplier2", "陈静", "Chen Jing", Role.SUPPLIER_REPRESENTATIVE, "supplier2", None),
    ("expert", "杨敏", "Yang Min", Role.EXPERT, "operator", None),
    ("regulator", "赵磊", "Zhao Lei", Role.REGULATOR, "regulator", None),
    ("bank", "黄丽", "Huang Li", Role.BANK_OFFICER, "bank", None),
]


# Demo members who may correct their organisation's details (an object grant, see accounts.policies).
MANAGER_ROLES = {
    Role.PURCHASER_CLERK,
    Role.AGENCY_OFFICER,
    Role.SUPPLIER_REPRESENTATIVE,
    Role.REGULATOR,
    Role.BANK_OFFICER,
    Role.OPERATOR,
}


def demo_uscc(region_code: str, serial: int, registration: str = "91") -> str:
    body = f"{registration}{region_code}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def demo_totp_secret() -> str:
    """The base32 secret to type into an authenticator app for the demo's privileged users."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def is_loaded() -> bool:
    return Organisation.objects.filter(
        uscc=OPERATOR_USCC_BODY + uscc.calc_check_digit(OPERATOR_USCC_BODY)
    ).exists()


def _user(username: str, name_zh: str, name_en: str, *, staff: bool = False, language="zh-hans") -> User:
    user = User(
        username=username,
        email=f"{username}@demo.sunlight.invalid",
        first_name=name_zh,
        last_name="",
        name_en=name_en,
        preferred_language=language,
        is_staff=staff,
        is_superuser=staff,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _membership(user: User, org: Organisation, role: str, limit=None) -> Membership:
    membership = services.save_membership(
        Membership(user=user, organisation=org, role=role, approval_limit=limit), actor=None
    )
    if membership.requires_second_factor and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="demo authenticator", key=DEMO_TOTP_KEY, confirmed=True)
    if role in MANAGER_ROLES:
        services.set_organisation_manager(membership, manager=True, actor=None)
    if user.active_membership_id is None:
        user.active_membership = membership
        user.save(update_fields=["active_membership"])
    return membership


@transaction.atomic
def load() -> list[tuple[str, str, str]]:
    """Create the demo organisations and users; returns (username, role label, organisation) rows."""
    if is_loaded():
        return []
    operator_org = services.create_organisation(
        actor=None,
        kind=Organisation.Kind.OPERATOR,
        name_zh="阳光采购平台运营中心",
        name_en="Sunlight Platform Operations Centre",
        uscc=OPERATOR_USCC_BODY + uscc.calc_check_digit(OPERATOR_USCC_BODY),
        region_code="330400",
    )
    operator = _user("operator", "周平", "Zhou Ping", staff=True)
    _membership(operator, operator_org, Role.OPERATOR)
    rows = [("operator", str(Role.OPERATOR.label), operator_org.name_zh)]
    serial = 1
    for prefix, region_code, _city_zh, _city_en in REGIONS:
        orgs = {"operator": operator_org}
        for key, kind, name_zh, name_en in REGION_ORGANISATIONS[prefix]:
            registration = "11" if kind in ("purchaser", "regulator") and key != "soe" else "91"
            orgs[key] = services.create_organisation(
                actor=None,
                kind=kind,
                name_zh=name_zh,
                name_en=name_en,
                uscc=demo_uscc(region_code, serial, registration),
                region_code=region_code,
            )
            serial += 1
        for suffix, name_zh, name_en, role, org_key, limit in REGION_USERS:
            language = "en" if prefix == "yx" and suffix == "supplier2" else "zh-hans"
            user = _user(f"{prefix}_{suffix}", name_zh, name_en, language=language)
            _membership(user, orgs[org_key], role, limit)
            rows.append((user.username, str(role.label), orgs[org_key].name_zh))
        if prefix == "jx":
            # One person with two roles, to show switching: the clerk also files for the water group.
            clerk = User.objects.get(username="jx_clerk")
            _membership(clerk, orgs["soe"], Role.PURCHASER_CLERK)
    welcome = User.objects.filter(username__in=[row[0] for row in rows])
    services.notify(
        welcome,
        subject=_("Welcome to Sunlight"),
        body=_("Your demo account is ready. Every step you take here is recorded on the public audit chain."),
        link="/accounts/workspace/",
    )
    return rows
