"""The rulebook's default rows: national rules, each with its legal basis.

Each issue that needs a number adds its rows here (one dict per row, the Rule model's fields) and a
data migration that runs ``seed_default_rules`` again (copy ``0002_seed_default_rules``); loading
is idempotent, so rows already present, perhaps corrected by an administrator, are left as they are.
A changed number is a new dict with a later ``effective_from``, never an edit of an old one.

Percentages are in percent (2 means 2 %); amounts are in CNY.
"""

import datetime
from decimal import Decimal

DEFAULT_RULES: list[dict] = [
    {
        "key": "archive.retention_years",
        "name_zh": "采购文件保存期限",
        "name_en": "Retention period of procurement files",
        "value": Decimal("15"),
        "unit": "years",
        "legal_basis_zh": (
            "《中华人民共和国政府采购法》第四十二条：采购人、采购代理机构对政府采购项目每项采购活动的"
            "采购文件应当妥善保存，不得伪造、变造、隐匿或者销毁。采购文件的保存期限为从采购结束之日起"
            "至少保存十五年。"
        ),
        "legal_basis_en": (
            "Government Procurement Law of the People's Republic of China, Article 42: purchasers and "
            "procurement agencies shall properly keep the procurement files of every procurement "
            "activity and shall not forge, alter, conceal or destroy them. Procurement files shall be "
            "kept for at least fifteen years from the end of the procurement."
        ),
        "effective_from": datetime.date(2015, 3, 1),
        "note": (
            "Counted from the end of the procurement. 2015-03-01 is the day the Implementing "
            "Regulations of the Government Procurement Law (which allow electronic archives, "
            "Article 46) took effect."
        ),
    },
]

# --- Credit (credit app) -------------------------------------------------------------------------
# Star ratings, scores and red lists are local schemes (no national formula; REFERENCE.md A.5):
# these are the platform's defaults, to be set by each regulator's own credit measures.
_LOCAL_CREDIT_BASIS_ZH = (
    "《政府采购法实施条例》第六十三条（供应商、采购代理机构、评审专家的不良行为记录纳入统一的信用信息平台）；"
    "《关于在政府采购活动中查询及使用信用记录有关问题的通知》（财库〔2016〕125号）。"
    "星级、分值与红名单为地方信用评价办法的事项，本值为平台默认值，由本级财政部门按其办法设定。"
)
_LOCAL_CREDIT_BASIS_EN = (
    "Implementing Regulations of the Government Procurement Law, Article 63 (bad-behaviour records of "
    "suppliers, agencies and experts go into the unified credit information platform); MOF notice "
    "Caiku [2016] No. 125 on checking and using credit records in government procurement. Stars, "
    "scores and red lists are set by local credit evaluation measures; this value is the platform's "
    "default for the finance bureau to set under its own measures."
)
_CREDIT_DATE = datetime.date(2016, 8, 1)  # Caiku [2016] 125 was issued in August 2016


def _credit_rule(key: str, name_zh: str, name_en: str, value: str, unit: str, note: str = "") -> dict:
    return {
        "key": key,
        "name_zh": name_zh,
        "name_en": name_en,
        "value": Decimal(value),
        "unit": unit,
        "legal_basis_zh": _LOCAL_CREDIT_BASIS_ZH,
        "legal_basis_en": _LOCAL_CREDIT_BASIS_EN,
        "effective_from": _CREDIT_DATE,
        "note": note,
    }


DEFAULT_RULES += [
    _credit_rule(
        "credit.base_score",
        "信用基础分",
        "Base credit score",
        "100",
        "points",
        "A party's score is this base plus the current points of its events in force.",
    ),
    _credit_rule(
        "credit.stars_5_min_score", "五星（AAA）最低分", "Lowest score for five stars (AAA)", "110", "points"
    ),
    _credit_rule(
        "credit.stars_4_min_score", "四星（AA）最低分", "Lowest score for four stars (AA)", "95", "points"
    ),
    _credit_rule(
        "credit.stars_3_min_score", "三星（A）最低分", "Lowest score for three stars (A)", "80", "points"
    ),
    _credit_rule(
        "credit.stars_2_min_score",
        "二星（B）最低分",
        "Lowest score for two stars (B)",
        "60",
        "points",
        "Below this score a party has one star (C).",
    ),
    _credit_rule(
        "credit.red_list_window_days",
        "红名单考察期",
        "Red list window",
        "365",
        "days",
        "A party is on the red list with five stars and no negative event in force within this many days.",
    ),
    _credit_rule(
        "credit.appeal_working_days",
        "信用记录异议期限",
        "Time to appeal a credit event",
        "15",
        "working_days",
        "Counted from the day the event is recorded.",
    ),
    _credit_rule(
        "credit.commitment_min_stars",
        "适用信用承诺制的最低星级",
        "Fewest stars for the credit commitment letter",
        "3",
        "count",
        "A supplier with fewer stars must provide the full supporting documents instead of the "
        "credit commitment letter (信用承诺书).",
    ),
    {
        "key": "credit.ban_max_years",
        "name_zh": "禁止参加政府采购活动的最长期限",
        "name_en": "Longest ban from government procurement",
        "value": Decimal("3"),
        "unit": "years",
        "legal_basis_zh": (
            "《中华人民共和国政府采购法》第七十七条：供应商有下列情形之一的，处以采购金额千分之五以上"
            "千分之十以下的罚款，列入不良行为记录名单，在一至三年内禁止参加政府采购活动。"
        ),
        "legal_basis_en": (
            "Government Procurement Law, Article 77: a supplier who commits one of the listed acts is "
            "fined 0.5 % to 1 % of the procurement amount, entered in the bad-behaviour record and "
            "banned from government procurement for one to three years."
        ),
        "effective_from": datetime.date(2003, 1, 1),
        "note": "A regulator's penalty decision sets a ban of one year up to this many.",
    },
]
