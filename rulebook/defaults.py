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

# --- Procurement (procurement app) ---------------------------------------------------------------
# The national rules for goods and services (works where noted): DESIGN §4, REFERENCE.md A.1–A.7.
# Each source below with the day it took effect, which is the effective_from of the rows it sets.
_GPL = ("《中华人民共和国政府采购法》", "Government Procurement Law of the People's Republic of China")
_GPL_DATE = datetime.date(2003, 1, 1)  # amended 2014-08-31; the articles cited here are unchanged
_REG = (
    "《中华人民共和国政府采购法实施条例》",
    "Implementing Regulations of the Government Procurement Law (State Council Decree No. 658)",
)
_REG_DATE = datetime.date(2015, 3, 1)
_ORDER_87 = (
    "《政府采购货物和服务招标投标管理办法》（财政部令第87号）",
    "Measures for Tendering and Bidding in Government Procurement of Goods and Services (MOF Order No. 87)",
)
_ORDER_87_DATE = datetime.date(2017, 10, 1)
_ORDER_74 = (
    "《政府采购非招标采购方式管理办法》（财政部令第74号）",
    "Measures for the Non-Tender Methods of Government Procurement (MOF Order No. 74)",
)
_ORDER_74_DATE = datetime.date(2014, 2, 1)
_ORDER_94 = (
    "《政府采购质疑和投诉办法》（财政部令第94号）",
    "Measures on Challenges and Complaints in Government Procurement (MOF Order No. 94)",
)
_CAIKU_2014_214 = (
    "《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）",
    "Interim Measures for the Competitive Consultation Method (MOF notice Caiku [2014] No. 214)",
)
_CAIKU_2014_214_DATE = datetime.date(2014, 12, 31)  # in force from its publication
_CAIKU_2020_46 = (
    "《政府采购促进中小企业发展管理办法》（财库〔2020〕46号）",
    "Measures for Promoting SMEs through Government Procurement (MOF notice Caiku [2020] No. 46)",
)
_CAIKU_2020_46_DATE = datetime.date(2021, 1, 1)
_CAIKU_2022_19 = (
    "《关于进一步加大政府采购支持中小企业力度的通知》（财库〔2022〕19号）",
    "Notice on Further Strengthening Government Procurement Support for SMEs (Caiku [2022] No. 19)",
)
_CAIKU_2022_19_DATE = datetime.date(2022, 7, 1)
_CAIKU_2020_10 = (
    "《关于开展政府采购意向公开工作的通知》（财库〔2020〕10号）",
    "Notice on Publishing Government Procurement Intentions (MOF notice Caiku [2020] No. 10)",
)
_CAIKU_2020_10_DATE = datetime.date(2020, 7, 1)  # central budget units; provinces by 2022-01-01
_GUOBANFA_2019_55 = (
    "《中央预算单位政府集中采购目录及标准（2020年版）》（国办发〔2019〕55号）",
    "Central Catalogue and Thresholds of Government Procurement, 2020 edition "
    "(General Office of the State Council, Guobanfa [2019] No. 55)",
)
_GUOBANFA_2019_55_DATE = datetime.date(2020, 1, 1)
_NDRC_16 = (
    "《必须招标的工程项目规定》（国家发展和改革委员会令第16号）",
    "Provisions on Construction Projects that Must Be Tendered (NDRC Order No. 16)",
)
_NDRC_16_DATE = datetime.date(2018, 6, 1)

# Thresholds are set by the State Council for central budgets and by each province for local ones.
_BAND_SCOPE_ZH = (
    "本值为中央预算单位的标准；地方预算单位适用本省（自治区、直辖市）公布的标准，由本级财政部门修改。"
)
_BAND_SCOPE_EN = (
    "This value is the threshold for central budget units; local budget units apply the threshold "
    "published by their province, which the finance bureau enters here."
)
_GPL_ART_2_8_ZH = (
    f"{_GPL[0]}第二条：本法所称政府采购，是指各级国家机关、事业单位和团体组织，使用财政性资金采购"
    "依法制定的集中采购目录以内的或者采购限额标准以上的货物、工程和服务的行为。第八条：政府采购限额"
    "标准，属于中央预算的政府采购项目，由国务院确定并公布；属于地方预算的政府采购项目，由省、自治区、"
    "直辖市人民政府或者其授权的机构确定并公布。"
)
_GPL_ART_2_8_EN = (
    f"{_GPL[1]}, Article 2: government procurement is the purchase with fiscal funds of goods, works "
    "and services in the centralised procurement catalogue or above the purchase threshold. Article 8: "
    "the threshold is set and published by the State Council for central budgets and by the provincial "
    "government (or the body it authorises) for local budgets."
)
_GPL_ART_27_ZH = (
    f"{_GPL[0]}第二十七条：采购人采购货物或者服务应当采用公开招标方式的，其具体数额标准，属于中央预算"
    "的政府采购项目，由国务院规定；属于地方预算的政府采购项目，由省、自治区、直辖市人民政府规定；因特殊"
    "情况需要采用公开招标以外的采购方式的，应当在采购活动开始前获得设区的市、自治州以上人民政府采购"
    "监督管理部门的批准。"
)
_GPL_ART_27_EN = (
    f"{_GPL[1]}, Article 27: the amount from which goods and services must be bought by public tender "
    "is set by the State Council for central budgets and by the provincial government for local "
    "budgets; another method needs, before the procurement starts, the approval of the procurement "
    "supervision department at prefecture-level city or above."
)

# The purchaser's internal approval chain: no national number, only the duty to have one.
_APPROVAL_BASIS_ZH = (
    "平台默认值，非法律规定的数额。《行政事业单位内部控制规范（试行）》（财会〔2012〕21号）要求单位建立"
    "政府采购内部管理制度，明确相关岗位的职责权限，确保政府采购需求制定与内部审批等不相容岗位相互分离；"
    "《政府采购需求管理办法》（财库〔2021〕22号）要求采购人建立审查工作机制，在采购活动开始前对采购需求"
    "和采购实施计划进行审查。审批层级由采购人按其内部控制制度设定，金额越大，层级越多。"
)
_APPROVAL_BASIS_EN = (
    "Platform default, not a number set by law. The Internal Control Rules for Administrative and "
    "Public Institutions (trial) (MOF, Caikuai [2012] No. 21) require an internal management system "
    "for government procurement with defined authority, keeping incompatible duties such as drafting "
    "the requirement and approving it apart; the Measures for Government Procurement Requirement "
    "Management (Caiku [2021] No. 22) require the purchaser to review the requirement and the "
    "implementation plan before the procurement starts. The purchaser sets the number of approval "
    "levels under its own internal control rules: the larger the amount, the more levels."
)
_APPROVAL_DATE = datetime.date(2021, 7, 1)  # Caiku [2021] 22 in force; Caikuai [2012] 21 since 2014-01-01


def _rule(
    key: str,
    name_zh: str,
    name_en: str,
    value: str,
    unit: str,
    *,
    basis: tuple[str, str],
    since: datetime.date,
    note: str = "",
) -> dict:
    return {
        "key": key,
        "name_zh": name_zh,
        "name_en": name_en,
        "value": Decimal(value),
        "unit": unit,
        "legal_basis_zh": basis[0],
        "legal_basis_en": basis[1],
        "effective_from": since,
        "note": note,
    }


def _approval_levels(key: str, name_zh: str, name_en: str, value: str, note: str) -> dict:
    basis = (_APPROVAL_BASIS_ZH, _APPROVAL_BASIS_EN)
    return _rule(key, name_zh, name_en, value, "count", basis=basis, since=_APPROVAL_DATE, note=note)


def _purchase_threshold(category: str, category_zh: str, value: str) -> dict:
    return _rule(
        f"procurement.{category}.threshold_amount",
        f"{category_zh}类分散采购限额标准",
        f"{category.capitalize()}: purchase threshold (decentralised purchase limit)",
        value,
        "amount_cny",
        basis=(
            f"{_GPL_ART_2_8_ZH}{_GUOBANFA_2019_55[0]}：各部门自行采购单项或批量金额达到100万元以上的货物"
            f"和服务的项目、120万元以上的工程项目应按《中华人民共和国政府采购法》和《中华人民共和国招标投标法》"
            f"有关规定执行。{_BAND_SCOPE_ZH}",
            f"{_GPL_ART_2_8_EN} {_GUOBANFA_2019_55[1]}: projects a department buys itself of 1,000,000 "
            "yuan or more (goods and services) or 1,200,000 yuan or more (works) follow the Government "
            f"Procurement Law and the Tendering and Bidding Law. {_BAND_SCOPE_EN}",
        ),
        since=_GUOBANFA_2019_55_DATE,
        note=(
            f"Below {int(value):,} CNY a purchase is below the threshold (direct purchase, "
            "e-mall, inquiry); from it up to the public tender amount the non-tender methods apply."
        ),
    )


def _public_tender_goods_services(category: str, category_zh: str) -> dict:
    return _rule(
        f"procurement.{category}.public_tender_amount",
        f"{category_zh}类公开招标数额标准",
        f"{category.capitalize()}: public tender threshold",
        "2000000",
        "amount_cny",
        basis=(
            f"{_GPL_ART_27_ZH}{_GUOBANFA_2019_55[0]}：政府采购货物或服务项目，单项采购金额达到200万元以上的，"
            f"必须采用公开招标方式。{_BAND_SCOPE_ZH}",
            f"{_GPL_ART_27_EN} {_GUOBANFA_2019_55[1]}: goods or services of 2,000,000 yuan or more in a "
            f"single procurement must be bought by public tender. {_BAND_SCOPE_EN}",
        ),
        since=_GUOBANFA_2019_55_DATE,
        note="From this amount the method is public tender; another method needs the regulator's approval.",
    )


DEFAULT_RULES += [
    # Amount bands per category.
    _purchase_threshold("goods", "货物", "1000000"),
    _public_tender_goods_services("goods", "货物"),
    _purchase_threshold("services", "服务", "1000000"),
    _public_tender_goods_services("services", "服务"),
    _purchase_threshold("works", "工程", "1200000"),
    _rule(
        "procurement.works.public_tender_amount",
        "工程类必须招标数额标准（施工单项合同估算价）",
        "Works: mandatory tender threshold (estimated value of a construction contract)",
        "4000000",
        "amount_cny",
        basis=(
            f"{_GPL[0]}第四条：政府采购工程进行招标投标的，适用招标投标法。{_REG[0]}第七条：政府采购工程以及"
            "与工程建设有关的货物、服务，采用招标方式采购的，适用《中华人民共和国招标投标法》及其实施条例。"
            f"{_NDRC_16[0]}第五条：施工单项合同估算价在400万元人民币以上的，必须招标。",
            f"{_GPL[1]}, Article 4: government works procured by tendering follow the Tendering and Bidding "
            f"Law. {_REG[1]}, Article 7: works and works-related goods and services procured by tendering "
            f"follow the Tendering and Bidding Law and its implementing regulations. {_NDRC_16[1]}, "
            "Article 5: a construction contract estimated at 4,000,000 yuan or more must be tendered.",
        ),
        since=_NDRC_16_DATE,
        note=(
            "The same order sets 2,000,000 yuan for important works-related goods and 1,000,000 yuan for "
            "survey, design and supervision services."
        ),
    ),
    _rule(
        "panel.large_project_amount",
        "评标委员会应为7人以上的采购预算金额",
        "Budget from which the evaluation panel has seven or more members",
        "10000000",
        "amount_cny",
        basis=(
            f"{_ORDER_87[0]}第四十七条规定，采购预算金额在1000万元以上、技术复杂或者社会影响较大的采购项目，"
            "评标委员会成员人数应当为7人以上单数。",
            f"{_ORDER_87[1]}, Article 47: when the procurement budget is 10,000,000 yuan or more, or the "
            "project is technically complex or of wide social impact, the evaluation panel has seven or more "
            "members, in an odd number.",
        ),
        since=_ORDER_87_DATE,
        note=(
            "Goes with panel.min_size_large. Article number from secondary sources: check the official text."
        ),
    ),
    # The purchaser's approval levels (platform defaults).
    _approval_levels(
        "approval.levels_below_threshold",
        "限额标准以下项目的内部审批层级",
        "Approval levels below the purchase threshold",
        "1",
        "Projects below procurement.<category>.threshold_amount.",
    ),
    _approval_levels(
        "approval.levels_from_threshold",
        "达到限额标准项目的内部审批层级",
        "Approval levels from the purchase threshold",
        "2",
        "From procurement.<category>.threshold_amount up to the public tender amount.",
    ),
    _approval_levels(
        "approval.levels_from_public_tender",
        "达到公开招标数额标准项目的内部审批层级",
        "Approval levels from the public tender threshold",
        "3",
        "From procurement.<category>.public_tender_amount.",
    ),
    # Time limits of the methods.
    _rule(
        "public_tender.min_days_notice_to_deadline",
        "公开招标等标期（招标文件发出至投标截止）",
        "Public tender: fewest days from the tender documents to the bid deadline",
        "20",
        "days",
        basis=(
            f"{_GPL[0]}第三十五条：货物和服务项目实行招标方式采购的，自招标文件开始发出之日起至投标人提交投标"
            "文件截止之日止，不得少于二十日。",
            f"{_GPL[1]}, Article 35: when goods and services are procured by tender, at least twenty days "
            "pass from the day the tender documents are first issued to the bid deadline.",
        ),
        since=_GPL_DATE,
        note=(
            "Calendar days, counted from the day the tender documents are first issued (with the notice). "
            "Works tendered under the Tendering and Bidding Law: also 20 days (that law, Article 24)."
        ),
    ),
    _rule(
        "public_tender.min_working_days_documents_available",
        "招标文件提供期限",
        "Public tender: fewest working days the tender documents can be obtained",
        "5",
        "working_days",
        basis=(
            f"{_REG[0]}第三十一条：招标文件的提供期限自招标文件开始发出之日起不得少于5个工作日。",
            f"{_REG[1]}, Article 31: the tender documents are provided for at least 5 working days from the "
            "day they are first issued.",
        ),
        since=_REG_DATE,
    ),
    _rule(
        "competitive_consultation.min_days_documents_to_response",
        "竞争性磋商：磋商文件发出至首次响应截止的最少天数",
        "Competitive consultation: fewest days from the documents to the first response",
        "10",
        "days",
        basis=(
            f"{_CAIKU_2014_214[0]}第十条：从磋商文件发出之日起至供应商提交首次响应文件截止之日止不得少于10日。",
            f"{_CAIKU_2014_214[1]}, Article 10: at least 10 days pass from the day the consultation "
            "documents are issued to the deadline for the suppliers' first responses.",
        ),
        since=_CAIKU_2014_214_DATE,
        note="Calendar days.",
    ),
    _rule(
        "competitive_negotiation.min_working_days_documents_to_response",
        "竞争性谈判：谈判文件发出至首次响应截止的最少工作日",
        "Competitive negotiation: fewest working days from the documents to the first response",
        "3",
        "working_days",
        basis=(
            f"{_ORDER_74[0]}第二十九条：从谈判文件发出之日起至供应商提交首次响应文件截止之日止不得少于"
            "3个工作日。",
            f"{_ORDER_74[1]}, Article 29: at least 3 working days pass from the day the negotiation "
            "documents are issued to the deadline for the suppliers' first responses.",
        ),
        since=_ORDER_74_DATE,
    ),
    _rule(
        "inquiry.min_working_days_documents_to_response",
        "询价：询价通知书发出至响应截止的最少工作日",
        "Inquiry: fewest working days from the request for quotations to the response deadline",
        "3",
        "working_days",
        basis=(
            f"{_ORDER_74[0]}第四十五条：从询价通知书发出之日起至供应商提交响应文件截止之日止不得少于"
            "3个工作日。",
            f"{_ORDER_74[1]}, Article 45: at least 3 working days pass from the day the request for "
            "quotations is issued to the deadline for the suppliers' responses.",
        ),
        since=_ORDER_74_DATE,
    ),
    _rule(
        "clarification.min_days_before_deadline",
        "澄清或者修改距投标截止时间的最少天数",
        "Fewest days between a clarification or change affecting bids and the bid deadline",
        "15",
        "days",
        basis=(
            f"{_REG[0]}第三十一条：澄清或者修改的内容可能影响投标文件编制的，采购人或者采购代理机构应当在投标"
            "截止时间至少15日前，以书面形式通知所有获取招标文件的潜在投标人；不足15日的，采购人或者采购代理"
            "机构应当顺延提交投标文件的截止时间。",
            f"{_REG[1]}, Article 31: a clarification or change that may affect the preparation of bids is "
            "notified in writing to every potential bidder who obtained the tender documents at least 15 "
            "days before the bid deadline; if fewer than 15 days remain, the deadline is postponed.",
        ),
        since=_REG_DATE,
        note="For tenders. The deadline moves to at least this many calendar days after the clarification.",
    ),
    _rule(
        "single_source.justification_working_days",
        "单一来源采购公示期",
        "Single source: justification notice period",
        "5",
        "working_days",
        basis=(
            f"{_REG[0]}第三十八条：达到公开招标数额标准，符合政府采购法第三十一条第一项规定情形，只能从唯一供应商"
            "处采购的，采购人应当将采购项目信息和唯一供应商名称在省级以上人民政府财政部门指定的媒体上公示，"
            "公示期不得少于5个工作日。",
            f"{_REG[1]}, Article 38: when a purchase reaching the public tender threshold can only be made "
            "from a single supplier (Government Procurement Law, Article 31(1)), the purchaser publishes the "
            "project and the supplier's name on the media designated by a provincial or higher finance "
            "department for at least 5 working days.",
        ),
        since=_REG_DATE,
        note="Counted from the day the notice is published.",
    ),
    _rule(
        "intention.min_days_before_tender",
        "采购意向公开的最少提前天数",
        "Fewest days the procurement intention is published before the procurement",
        "30",
        "days",
        basis=(
            f"{_CAIKU_2020_10[0]}：采购意向公开时间应当尽量提前，原则上不得晚于采购活动开始前30日公开采购意向。"
            "因预算单位不可预见的原因急需开展的采购项目，可不公开采购意向。",
            f"{_CAIKU_2020_10[1]}: the procurement intention is published as early as possible and in "
            "principle no later than 30 days before the procurement starts; an urgent purchase for reasons "
            "the budget unit could not foresee may skip it.",
        ),
        since=_CAIKU_2020_10_DATE,
        note=(
            "Calendar days before the tender notice. In force for central budget units from 2020-07-01, "
            "for all local budget units from 2022-01-01."
        ),
    ),
    # Bonds and contract caps.
    _rule(
        "bond.max_percent_of_lot_budget",
        "投标保证金上限（占采购包预算金额的比例）",
        "Bid bond cap (share of the lot budget)",
        "2",
        "percent",
        basis=(
            f"{_REG[0]}第三十三条：招标文件要求投标人提交投标保证金的，投标保证金不得超过采购项目预算金额的2%。"
            "投标保证金应当以支票、汇票、本票或者金融机构、担保机构出具的保函等非现金形式提交。",
            f"{_REG[1]}, Article 33: a bid bond required by the tender documents may not exceed 2 % of the "
            "procurement project's budget and is given in non-cash form (cheque, draft, promissory note or "
            "a guarantee of a financial institution or guarantor).",
        ),
        since=_REG_DATE,
        note=(
            "Applied to each lot's budget, so the bonds of a multi-lot project never exceed 2 % of its "
            "budget. Negotiation and inquiry bonds follow the same cap (same article)."
        ),
    ),
    _rule(
        "bond.refund_working_days",
        "投标保证金退还期限",
        "Time to refund bid bonds",
        "5",
        "working_days",
        basis=(
            f"{_REG[0]}第三十三条：采购人或者采购代理机构应当自中标通知书发出之日起5个工作日内退还未中标供应商"
            "的投标保证金，自政府采购合同签订之日起5个工作日内退还中标供应商的投标保证金。",
            f"{_REG[1]}, Article 33: the bonds of unsuccessful bidders are refunded within 5 working days of "
            "the award notice, the winner's within 5 working days of the signing of the contract.",
        ),
        since=_REG_DATE,
        note="Counted from the award notice (unsuccessful bidders) or the contract signing (the winner).",
    ),
    _rule(
        "performance_bond.max_percent",
        "履约保证金上限（占合同金额的比例）",
        "Performance bond cap (share of the contract amount)",
        "10",
        "percent",
        basis=(
            f"{_REG[0]}第四十八条：采购文件要求中标或者成交供应商提交履约保证金的，供应商应当以支票、汇票、本票"
            "或者金融机构、担保机构出具的保函等非现金形式提交。履约保证金的数额不得超过政府采购合同金额的10%。",
            f"{_REG[1]}, Article 48: a performance bond required by the procurement documents is given in "
            "non-cash form and may not exceed 10 % of the government procurement contract amount.",
        ),
        since=_REG_DATE,
    ),
    _rule(
        "supplementary_contract.max_percent",
        "补充合同累计金额上限（占原合同金额的比例）",
        "Cap on supplementary contracts (share of the original contract)",
        "10",
        "percent",
        basis=(
            f"{_GPL[0]}第四十九条：政府采购合同履行中，采购人需追加与合同标的相同的货物、工程或者服务的，在不改变"
            "合同其他条款的前提下，可以与供应商协商签订补充合同，但所有补充合同的采购金额不得超过原合同采购金额"
            "的百分之十。",
            f"{_GPL[1]}, Article 49: during performance the purchaser may sign supplementary contracts for "
            "more of the same goods, works or services without changing the other terms, but all "
            "supplementary contracts together may not exceed 10 % of the original contract amount.",
        ),
        since=_GPL_DATE,
        note="The sum of all supplementary contracts of one contract.",
    ),
    # The evaluation panel.
    _rule(
        "panel.min_size",
        "评标委员会最少人数",
        "Smallest evaluation panel",
        "5",
        "count",
        basis=(
            f"{_ORDER_87[0]}第四十七条规定，评标委员会由采购人代表和评审专家组成，成员人数应当为5人以上单数，"
            "其中评审专家不得少于成员总数的三分之二。",
            f"{_ORDER_87[1]}, Article 47: the evaluation panel consists of the purchaser's representatives "
            "and evaluation experts, five or more in an odd number, of whom experts are at least two thirds.",
        ),
        since=_ORDER_87_DATE,
        note=(
            "An odd number. Negotiation and inquiry panels may have three members (Government Procurement "
            "Law, Articles 38 and 40). Article number from secondary sources: check the official text."
        ),
    ),
    _rule(
        "panel.min_size_large",
        "大额、复杂项目评标委员会最少人数",
        "Smallest evaluation panel for large or complex projects",
        "7",
        "count",
        basis=(
            f"{_ORDER_87[0]}第四十七条规定，采购预算金额在1000万元以上、技术复杂或者社会影响较大的采购项目，"
            "评标委员会成员人数应当为7人以上单数。",
            f"{_ORDER_87[1]}, Article 47: when the procurement budget is 10,000,000 yuan or more, or the "
            "project is technically complex or of wide social impact, the evaluation panel has seven or more "
            "members, in an odd number.",
        ),
        since=_ORDER_87_DATE,
        note="An odd number; the amount is panel.large_project_amount.",
    ),
    _rule(
        "panel.min_expert_share_percent",
        "评审专家占评标委员会成员总数的最低比例",
        "Lowest share of experts on the evaluation panel",
        "66.67",
        "percent",
        basis=(
            f"{_ORDER_87[0]}第四十七条规定，评审专家不得少于成员总数的三分之二。{_GPL[0]}第三十八条、第四十条规定，"
            "谈判小组、询价小组由采购人的代表和有关专家共三人以上的单数组成，其中专家的人数不得少于成员总数的"
            "三分之二。",
            f"{_ORDER_87[1]}, Article 47: experts are at least two thirds of the panel. {_GPL[1]}, Articles "
            "38 and 40: negotiation and inquiry panels have three or more members in an odd number, of whom "
            "experts are at least two thirds.",
        ),
        since=_ORDER_87_DATE,
        note=(
            "Two thirds, rounded to 66.67: compare the share rounded to two decimals (6 experts of 9 is "
            "66.67 % and lawful), or compare experts × 3 ≥ members × 2."
        ),
    ),
    # Price weight and SME price deduction.
    _rule(
        "price_weight.goods_min_percent",
        "综合评分法货物项目价格分值的最低比重",
        "Comprehensive scoring: lowest price weight for goods",
        "30",
        "percent",
        basis=(
            f"{_ORDER_87[0]}第五十五条规定，货物项目的价格分值占总分值的比重不得低于30%；执行国家统一定价标准和"
            f"采用固定价格采购的项目，其价格不列为评审因素。{_CAIKU_2014_214[0]}第二十四条：货物项目的价格分值"
            "占总分值的比重（即权值）为30%至60%。",
            f"{_ORDER_87[1]}, Article 55: in goods projects the price score is at least 30 % of the total; "
            "a project at a uniform state price or a fixed price does not score price. "
            f"{_CAIKU_2014_214[1]}, Article 24: price weight for goods 30 % to 60 %.",
        ),
        since=_ORDER_87_DATE,
    ),
    _rule(
        "price_weight.services_min_percent",
        "综合评分法服务项目价格分值的最低比重",
        "Comprehensive scoring: lowest price weight for services",
        "10",
        "percent",
        basis=(
            f"{_ORDER_87[0]}第五十五条规定，服务项目的价格分值占总分值的比重不得低于10%；执行国家统一定价标准和"
            f"采用固定价格采购的项目，其价格不列为评审因素。{_CAIKU_2014_214[0]}第二十四条：服务项目的价格分值"
            "占总分值的比重（即权值）为10%至30%。",
            f"{_ORDER_87[1]}, Article 55: in services projects the price score is at least 10 % of the "
            "total; a project at a uniform state price or a fixed price does not score price. "
            f"{_CAIKU_2014_214[1]}, Article 24: price weight for services 10 % to 30 %.",
        ),
        since=_ORDER_87_DATE,
    ),
    _rule(
        "price_weight.consultation_goods_max_percent",
        "竞争性磋商货物项目价格分值的最高比重",
        "Competitive consultation: highest price weight for goods",
        "60",
        "percent",
        basis=(
            f"{_CAIKU_2014_214[0]}第二十四条：综合评分法货物项目的价格分值占总分值的比重（即权值）为30%至60%。"
            "有特殊情况需要在上述规定范围外设定价格分权重的，应当经本级人民政府财政部门审核同意。",
            f"{_CAIKU_2014_214[1]}, Article 24: in comprehensive scoring the price weight for goods is 30 % "
            "to 60 %; a weight outside that range needs the approval of the finance department.",
        ),
        since=_CAIKU_2014_214_DATE,
        note="The lowest weight is price_weight.goods_min_percent.",
    ),
    _rule(
        "price_weight.consultation_services_max_percent",
        "竞争性磋商服务项目价格分值的最高比重",
        "Competitive consultation: highest price weight for services",
        "30",
        "percent",
        basis=(
            f"{_CAIKU_2014_214[0]}第二十四条：综合评分法服务项目的价格分值占总分值的比重（即权值）为10%至30%。"
            "有特殊情况需要在上述规定范围外设定价格分权重的，应当经本级人民政府财政部门审核同意。",
            f"{_CAIKU_2014_214[1]}, Article 24: in comprehensive scoring the price weight for services is "
            "10 % to 30 %; a weight outside that range needs the approval of the finance department.",
        ),
        since=_CAIKU_2014_214_DATE,
        note="The lowest weight is price_weight.services_min_percent.",
    ),
]

_SME_46_ZH = (
    f"{_CAIKU_2020_46[0]}第九条：对于经主管预算单位统筹后未预留份额专门面向中小企业采购的采购项目，以及预留"
    "份额项目中的非预留部分采购包，采购人、采购代理机构应当对符合本办法规定的小微企业报价给予6%—10%（工程项目"
    "为3%—5%）的扣除，用扣除后的价格参加评审。"
)
_SME_46_EN = (
    f"{_CAIKU_2020_46[1]}, Article 9: in a project not reserved for SMEs, and in the non-reserved lots of "
    "a partly reserved project, the price of a qualifying small or micro enterprise is reduced by 6 % to "
    "10 % (works: 3 % to 5 %) for the evaluation."
)
_SME_19 = (
    f"{_SME_46_ZH}{_CAIKU_2022_19[0]}：货物服务采购项目给予小微企业的价格扣除优惠，由6%—10%提高至10%—20%。",
    f"{_SME_46_EN} {_CAIKU_2022_19[1]}: for goods and services the deduction is raised from 6 %–10 % to "
    "10 %–20 %.",
)
_SME_NOTE = "The tender documents fix one value in this range; no deduction on a lot reserved for SMEs."


def _sme_rule(key: str, name_zh: str, name_en: str, value: str, basis, since, note=_SME_NOTE) -> dict:
    return _rule(key, name_zh, name_en, value, "percent", basis=basis, since=since, note=note)


DEFAULT_RULES += [
    # The 2021 range, kept so a project approved before 2022-07-01 reads the rule then in force.
    _sme_rule(
        "sme.deduction_min_percent",
        "小微企业价格扣除比例下限（货物、服务）",
        "Small and micro enterprises: lowest price deduction (goods and services)",
        "6",
        (_SME_46_ZH, _SME_46_EN),
        _CAIKU_2020_46_DATE,
    ),
    _sme_rule(
        "sme.deduction_max_percent",
        "小微企业价格扣除比例上限（货物、服务）",
        "Small and micro enterprises: highest price deduction (goods and services)",
        "10",
        (_SME_46_ZH, _SME_46_EN),
        _CAIKU_2020_46_DATE,
    ),
    _sme_rule(
        "sme.deduction_min_percent",
        "小微企业价格扣除比例下限（货物、服务）",
        "Small and micro enterprises: lowest price deduction (goods and services)",
        "10",
        _SME_19,
        _CAIKU_2022_19_DATE,
    ),
    _sme_rule(
        "sme.deduction_max_percent",
        "小微企业价格扣除比例上限（货物、服务）",
        "Small and micro enterprises: highest price deduction (goods and services)",
        "20",
        _SME_19,
        _CAIKU_2022_19_DATE,
    ),
    _sme_rule(
        "sme.works_deduction_min_percent",
        "小微企业价格扣除比例下限（工程）",
        "Small and micro enterprises: lowest price deduction (works)",
        "3",
        (_SME_46_ZH, _SME_46_EN),
        _CAIKU_2020_46_DATE,
    ),
    _sme_rule(
        "sme.works_deduction_max_percent",
        "小微企业价格扣除比例上限（工程）",
        "Small and micro enterprises: highest price deduction (works)",
        "5",
        (_SME_46_ZH, _SME_46_EN),
        _CAIKU_2020_46_DATE,
    ),
]

_REG_43_ZH = (
    f"{_REG[0]}第四十三条：采购代理机构应当自评审结束之日起2个工作日内将评审报告送交采购人。采购人应当自收到"
    "评审报告之日起5个工作日内在评审报告推荐的中标或者成交候选人中按顺序确定中标或者成交供应商。采购人或者采购"
    "代理机构应当自中标、成交供应商确定之日起2个工作日内，发出中标、成交通知书，并在省级以上人民政府财政部门"
    "指定的媒体上公告中标、成交结果，招标文件、竞争性谈判文件、询价通知书随中标、成交结果同时公告。"
)
_REG_43_EN = (
    f"{_REG[1]}, Article 43: the procurement agency sends the evaluation report to the purchaser within 2 "
    "working days of the end of the evaluation; the purchaser determines the winning supplier, in the "
    "order of the candidates the report recommends, within 5 working days of receiving it; within 2 "
    "working days of that determination the purchaser or agency issues the award notice and publishes "
    "the result, with the tender or negotiation documents or the request for quotations, on the media "
    "designated by a provincial or higher finance department."
)
_REG_43 = (_REG_43_ZH, _REG_43_EN)
_GPL_36_ZH = (
    f"{_GPL[0]}第三十六条：在招标采购中，出现下列情形之一的，应予废标：（一）符合专业条件的供应商或者对招标"
    "文件作实质响应的供应商不足三家的；……第三十八条、第四十条规定，谈判小组、询价小组从符合相应资格条件的供应商名单中"
    "确定不少于三家的供应商。"
)
_GPL_36_EN = (
    f"{_GPL[1]}, Article 36: a tender fails when fewer than three suppliers meet the professional "
    "conditions or respond substantively to the tender documents (among other grounds). Articles 38 and "
    "40: at least three qualified suppliers are invited to negotiate or quote."
)

DEFAULT_RULES += [
    # Evaluation and award.
    _rule(
        "evaluation.report_working_days",
        "评审报告送交采购人期限",
        "Time to send the evaluation report to the purchaser",
        "2",
        "working_days",
        basis=_REG_43,
        since=_REG_DATE,
        note="Counted from the end of the evaluation.",
    ),
    _rule(
        "bids.fewest_valid",
        "有效投标（响应）供应商的最少家数",
        "Fewest valid bids",
        "3",
        "count",
        basis=(_GPL_36_ZH, _GPL_36_EN),
        since=_GPL_DATE,
        note="With fewer valid bids the tender fails (废标) and is tendered again or changes method.",
    ),
    _rule(
        "bids.fewest_valid_single_source",
        "单一来源采购的最少供应商家数",
        "Fewest valid responses in single-source procurement",
        "1",
        "count",
        basis=(
            f"{_GPL[0]}第三十一条：符合下列情形之一的货物或者服务，可以依照本法采用单一来源方式采购：（一）只能从"
            "唯一供应商处采购的；……第三十九条：采取单一来源方式采购的，采购人与供应商应当遵循本法规定的原则，在"
            "保证采购项目质量和双方商定合理价格的基础上进行采购。",
            f"{_GPL[1]}, Article 31: goods or services may be bought from a single source when, among "
            "other cases, they can only be bought from one supplier. Article 39: in single-source "
            "procurement the purchaser and the supplier agree a reasonable price while ensuring quality.",
        ),
        since=_GPL_DATE,
        note="By the nature of the method: one supplier is negotiated with.",
    ),
    _rule(
        "award.confirmation_working_days",
        "采购人确定中标（成交）供应商期限",
        "Time for the purchaser to confirm the winner",
        "5",
        "working_days",
        basis=_REG_43,
        since=_REG_DATE,
        note="Counted from the day the purchaser receives the evaluation report.",
    ),
    _rule(
        "result_notice.working_days",
        "发出中标（成交）通知书并公告结果的期限",
        "Time to issue the award notice and publish the result",
        "2",
        "working_days",
        basis=_REG_43,
        since=_REG_DATE,
        note="Counted from the day the winner is confirmed.",
    ),
    _rule(
        "result_notice.standing_working_days",
        "中标（成交）结果公告期限",
        "Result notice period",
        "1",
        "working_days",
        basis=(
            f"{_ORDER_87[0]}第六十九条规定，中标公告期限为1个工作日。",
            f"{_ORDER_87[1]}, Article 69: the award result notice stands for 1 working day.",
        ),
        since=_ORDER_87_DATE,
        note=(
            "A challenge to the result may be made within challenge.working_days after this period ends "
            "(Implementing Regulations, Article 53). Article number from secondary sources and real notices."
        ),
    ),
    # Challenges and complaints.
    _rule(
        "challenge.working_days",
        "质疑期限",
        "Time to challenge",
        "7",
        "working_days",
        basis=(
            f"{_GPL[0]}第五十二条：供应商认为采购文件、采购过程和中标、成交结果使自己的权益受到损害的，可以在知道"
            f"或者应知其权益受到损害之日起七个工作日内，以书面形式向采购人提出质疑。{_ORDER_94[0]}第十条作相同规定。",
            f"{_GPL[1]}, Article 52: a supplier who considers that the procurement documents, process or "
            "result harm its rights may challenge them in writing to the purchaser within seven working "
            "days of the day it knew or should have known of the harm. "
            f"{_ORDER_94[1]}, Article 10 says the same.",
        ),
        since=_GPL_DATE,
        note=(
            "'Should have known' (Implementing Regulations, Article 53): documents - the day they were "
            "obtained or their notice period ended; process - the end of each step; result - the end of "
            "the result notice period."
        ),
    ),
    _rule(
        "challenge.answer_working_days",
        "质疑答复期限",
        "Time to answer a challenge",
        "7",
        "working_days",
        basis=(
            f"{_GPL[0]}第五十三条：采购人应当在收到供应商的书面质疑后七个工作日内作出答复，并以书面形式通知质疑"
            f"供应商和其他有关供应商，但答复的内容不得涉及商业秘密。{_ORDER_94[0]}第十三条作相同规定。",
            f"{_GPL[1]}, Article 53: the purchaser answers a written challenge within seven working days of "
            "receiving it and notifies the challenger and the other suppliers concerned in writing, without "
            f"disclosing trade secrets. {_ORDER_94[1]}, Article 13 says the same.",
        ),
        since=_GPL_DATE,
        note="Counted from the day the challenge is received.",
    ),
    _rule(
        "complaint.working_days",
        "投诉期限",
        "Time to complain",
        "15",
        "working_days",
        basis=(
            f"{_GPL[0]}第五十五条：质疑供应商对采购人、采购代理机构的答复不满意或者采购人、采购代理机构未在规定的"
            f"时间内作出答复的，可以在答复期满后十五个工作日内向同级政府采购监督管理部门投诉。{_ORDER_94[0]}"
            "第十七条作相同规定。",
            f"{_GPL[1]}, Article 55: a challenger dissatisfied with the answer, or not answered in time, may "
            "complain to the government procurement supervision department at the same level within fifteen "
            f"working days after the answer period ends. {_ORDER_94[1]}, Article 17 says the same.",
        ),
        since=_GPL_DATE,
        note="Counted from the end of the answer period (challenge.answer_working_days).",
    ),
    _rule(
        "complaint.decision_working_days",
        "投诉处理期限",
        "Time to decide a complaint",
        "30",
        "working_days",
        basis=(
            f"{_GPL[0]}第五十六条：政府采购监督管理部门应当在收到投诉后三十个工作日内，对投诉事项作出处理决定，"
            f"并以书面形式通知投诉人和与投诉事项有关的当事人。{_REG[0]}第五十八条：财政部门处理投诉事项，需要检验、"
            "检测、鉴定、专家评审以及需要投诉人补正材料的，所需时间不计算在投诉处理期限内。",
            f"{_GPL[1]}, Article 56: the supervision department decides a complaint within thirty working "
            "days of receiving it and notifies the complainant and the parties concerned in writing. "
            f"{_REG[1]}, Article 58: time for testing, inspection, appraisal, expert review or the "
            "complainant's supplementary materials is not counted.",
        ),
        since=_GPL_DATE,
        note="Counted from receipt of the complaint, excluding the periods Article 58 names.",
    ),
    # Contracts.
    _rule(
        "contract.signing_days",
        "政府采购合同签订期限",
        "Time to sign the contract",
        "30",
        "days",
        basis=(
            f"{_GPL[0]}第四十六条：采购人与中标、成交供应商应当在中标、成交通知书发出之日起三十日内，按照采购文件"
            "确定的事项签订政府采购合同。",
            f"{_GPL[1]}, Article 46: the purchaser and the winning supplier sign the government procurement "
            "contract on the terms of the procurement documents within thirty days of the award notice.",
        ),
        since=_GPL_DATE,
        note="Calendar days, counted from the day the award notice is issued.",
    ),
    _rule(
        "contract.notice_working_days",
        "政府采购合同公告期限",
        "Time to publish the contract",
        "2",
        "working_days",
        basis=(
            f"{_REG[0]}第五十条：采购人应当自政府采购合同签订之日起2个工作日内，将政府采购合同在省级以上人民政府"
            "财政部门指定的媒体上公告，但政府采购合同中涉及国家秘密、商业秘密的内容除外。",
            f"{_REG[1]}, Article 50: the purchaser publishes the contract on the media designated by a "
            "provincial or higher finance department within 2 working days of signing it, except content "
            "involving state or trade secrets.",
        ),
        since=_REG_DATE,
        note="Counted from the day the contract is signed.",
    ),
    _rule(
        "contract.signing_warning_days",
        "合同签订期限届满前提醒提前期",
        "Warning before the signing limit",
        "5",
        "days",
        basis=(
            f"{_GPL[0]}第四十六条（中标、成交通知书发出之日起三十日内签订合同）。届满前提醒的天数为平台默认值，"
            "由本级财政部门设定。",
            f"{_GPL[1]}, Article 46 (the contract is signed within thirty days of the award notice). "
            "The days of warning before the limit are the platform's default, for the finance bureau to set.",
        ),
        since=_GPL_DATE,
        note="Calendar days before contract.signing_days runs out.",
    ),
    _rule(
        "contract.notice_redacts_personal_data",
        "合同公告隐去个人信息",
        "Personal data withheld from the published contract",
        "1",
        "count",
        basis=(
            f"{_REG[0]}第五十条（合同公告，涉及国家秘密、商业秘密的内容除外）；《中华人民共和国个人信息保护法》"
            "第十三条、第二十五条（个人信息处理者不得公开其处理的个人信息，取得个人单独同意的除外）。",
            f"{_REG[1]}, Article 50 (the contract is published except content involving state or trade "
            "secrets); Personal Information Protection Law, Articles 13 and 25 (a handler does not make "
            "public the personal information it handles without the person's separate consent).",
        ),
        since=datetime.date(2021, 11, 1),
        note="1: contact persons, telephones and bank account numbers are masked in the published copy; "
        "0: the signed contract is published as it is.",
    ),
    _rule(
        "payment.sme_days",
        "向中小企业支付款项期限（验收合格后）",
        "Time to pay a small or micro enterprise (after acceptance)",
        "30",
        "days",
        basis=(
            "《保障中小企业款项支付条例》第八条、第十条：机关、事业单位从中小企业采购货物、工程、服务，应当自"
            "货物、工程、服务交付之日起30日内支付款项；合同另有约定的，付款期限最长不得超过60日。合同约定采取"
            "履行进度结算、定期结算等结算方式的，付款期限应当自双方确认结算金额之日起算；约定以检验或者验收合格"
            "作为支付条件的，付款期限应当自检验或者验收合格之日起算。",
            "Regulations on Guaranteeing Payments to Small and Medium-sized Enterprises, Articles 8 and 10: "
            "government bodies and public institutions pay an SME within 30 days of delivery (at most 60 "
            "days if the contract says so); where acceptance is the condition of payment, the time counts "
            "from acceptance.",
        ),
        since=datetime.date(2020, 9, 1),
        note="Calendar days from the acceptance of the milestone paid for.",
    ),
]


# --- Suppliers (suppliers app) -------------------------------------------------------------------
DEFAULT_RULES += [
    _rule(
        "supplier.qualification_warning_days",
        "资质证书到期提醒提前期",
        "Warning before a licence expires",
        "30",
        "days",
        basis=(
            "《中华人民共和国政府采购法》第二十二条（供应商参加政府采购活动应当具备的条件，包括法律、行政法规规定的"
            "其他条件）。到期前提醒的天数为平台默认值，由本级财政部门设定。",
            "Government Procurement Law, Article 22 (the conditions a supplier must meet, including those of "
            "other laws and regulations). The days of warning before a licence expires are the platform's "
            "default, for the finance bureau to set.",
        ),
        since=datetime.date(2003, 1, 1),
        note="Days before the expiry date on which the supplier's representatives are warned, once.",
    ),
]

# --- Experts, evaluation, award and complaints (experts app, bidding.evaluation/award/challenges) --
_CAIKU_2016_198 = (
    "《政府采购评审专家管理办法》（财库〔2016〕198号）",
    "Measures for the Management of Government Procurement Evaluation Experts (Caiku [2016] No. 198)",
)
_CAIKU_2016_198_DATE = datetime.date(2017, 1, 1)
_PLATFORM_DEFAULT_ZH = "本值为平台默认值，由本级财政部门按其办法设定。"
_PLATFORM_DEFAULT_EN = (
    "This value is the platform's default, for the finance bureau to set under its own measures."
)

DEFAULT_RULES += [
    _rule(
        "panel.min_size_non_tender",
        "竞争性谈判、询价、竞争性磋商小组最少人数",
        "Smallest panel for negotiation, consultation and inquiry",
        "3",
        "count",
        basis=(
            f"{_GPL[0]}第三十八条、第四十条规定，谈判小组、询价小组由采购人的代表和有关专家共三人以上的单数组成。",
            f"{_GPL[1]}, Articles 38 and 40: negotiation and inquiry panels have three or more members in "
            "an odd number.",
        ),
        since=_GPL_DATE,
        note="From the public-tender threshold these panels follow panel.min_size (MOF Order 74).",
    ),
    _rule(
        "panel.avoidance_years",
        "评审专家回避：与供应商存在关系的追溯年限",
        "Years back an expert's ties to a supplier count for avoidance",
        "3",
        "years",
        basis=(
            f"{_REG[0]}第九条规定，在政府采购活动中，采购人员及相关人员与供应商有下列利害关系之一的，应当回避："
            "（一）参加采购活动前3年内与供应商存在劳动关系；（二）参加采购活动前3年内担任供应商的董事、监事；"
            "（三）参加采购活动前3年内是供应商的控股股东或者实际控制人；（四）与供应商的法定代表人或者负责人有"
            "夫妻、直系血亲、三代以内旁系血亲或者近姻亲关系；（五）与供应商有其他可能影响政府采购活动公平、公正"
            "进行的关系。",
            f"{_REG[1]}, Article 9: procurement staff and others involved (including evaluation "
            "experts) stand aside when, within the 3 years before the procurement, they were employed "
            "by a supplier, were its director or supervisor, or its controlling shareholder or actual "
            "controller; or are closely related to its legal representative; or have another relation "
            "that may affect fairness.",
        ),
        since=_REG_DATE,
    ),
    _rule(
        "panel.reserves",
        "抽取备选专家人数",
        "Reserve experts drawn with a panel",
        "3",
        "count",
        basis=(
            f"{_CAIKU_2016_198[0]}第十五条（采购人或者采购代理机构应当从省级以上人民政府财政部门设立的评审专家库中随机抽取"
            f"评审专家；评审专家库中相关专家数量不能保证随机抽取需要的，可以推荐符合条件的人员）。{_PLATFORM_DEFAULT_ZH}",
            f"{_CAIKU_2016_198[1]}, Article 15 (experts are drawn at random from the pool of a provincial "
            "or higher "
            f"finance department). {_PLATFORM_DEFAULT_EN}",
        ),
        since=_CAIKU_2016_198_DATE,
        note=(
            "Reserves are called in draw order when a drawn expert declines, does not answer or "
            "declares a conflict."
        ),
    ),
    _rule(
        "panel.answer_hours",
        "被抽取专家答复时限（小时）",
        "Hours an invited expert has to answer",
        "12",
        "count",
        basis=(
            f"{_CAIKU_2016_198[0]}第十九条（评审专家应当在评审活动开始前按时到场，因故不能参加的应当及时告知）。"
            f"{_PLATFORM_DEFAULT_ZH}",
            f"{_CAIKU_2016_198[1]}, Article 19 (an expert who cannot attend says so in time). "
            f"{_PLATFORM_DEFAULT_EN}",
        ),
        since=_CAIKU_2016_198_DATE,
        note="A count of hours; no answer by then calls the next reserve.",
    ),
    _rule(
        "evaluation.deviation_percent",
        "评分偏离中位数须说明理由的幅度",
        "Deviation from the panel's median that needs a written reason",
        "30",
        "percent",
        basis=(
            f"{_ORDER_87[0]}第六十二条（评标委员会成员对需要共同认定的事项存在争议的，应当按照少数服从多数的原则作出结论；"
            "持不同意见的评标委员会成员应当在评标报告上签署不同意见及理由）。"
            f"{_PLATFORM_DEFAULT_ZH}",
            f"{_ORDER_87[1]}, Article 62 (a member who disagrees signs the report with their dissent and r"
            "easons). "
            f"{_PLATFORM_DEFAULT_EN}",
        ),
        since=_ORDER_87_DATE,
        note=(
            "A share of the criterion's points: a score further than this from the panel's median "
            "needs a reason."
        ),
    ),
    _rule(
        "evaluation.abnormal_price_percent",
        "异常低价认定幅度（低于其他报价平均值）",
        "Abnormally low price: this far below the mean of the other prices",
        "40",
        "percent",
        basis=(
            f"{_ORDER_87[0]}第六十条规定，评标委员会认为投标人的报价明显低于其他通过符合性审查投标人的报价，有可能影响产品质量"
            "或者不能诚信履约的，应当要求其在评标现场合理的时间内提供书面说明，必要时提交相关证明材料；投标人不能证明其报价"
            f"合理性的，评标委员会应当将其作为无效投标处理。{_PLATFORM_DEFAULT_ZH}",
            f"{_ORDER_87[1]}, Article 60: when a price is obviously lower than the other compliant bidders"
            "' prices and may "
            "affect quality or performance, the panel asks the bidder for a written explanation within a "
            "reasonable time; "
            "a bidder who cannot show the price is reasonable has its bid treated as invalid. "
            f"{_PLATFORM_DEFAULT_EN}",
        ),
        since=_ORDER_87_DATE,
    ),
    _rule(
        "evaluation.explanation_hours",
        "异常低价书面说明时限（小时）",
        "Hours a bidder has to explain an abnormally low price",
        "24",
        "count",
        basis=(
            f"{_ORDER_87[0]}第六十条（在评标现场合理的时间内提供书面说明）。{_PLATFORM_DEFAULT_ZH}",
            f"{_ORDER_87[1]}, Article 60 (a written explanation within a reasonable time). "
            f"{_PLATFORM_DEFAULT_EN}",
        ),
        since=_ORDER_87_DATE,
        note="A count of hours.",
    ),
    _rule(
        "complaint.max_suspension_days",
        "投诉处理期间暂停采购活动最长期限",
        "Longest suspension of a procurement during a complaint",
        "30",
        "days",
        basis=(
            f"{_GPL[0]}第五十七条规定，政府采购监督管理部门在处理投诉事项期间，可以视具体情况书面通知采购人暂停采购活动，"
            "但暂停时间最长不得超过三十日。",
            f"{_GPL[1]}, Article 57: while handling a complaint, the supervising department may notify the"
            " purchaser "
            "in writing to suspend the procurement, for at most thirty days.",
        ),
        since=_GPL_DATE,
    ),
]
