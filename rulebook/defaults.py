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
