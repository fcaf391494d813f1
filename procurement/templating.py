"""The standard templates of tender documents (采购文件) per procurement method: pure functions.

They give the editable starting text of a project's documents, modelled on the Ministry of
Finance's standard texts (政府采购货物和服务招标文件范本, 竞争性磋商文件范本 and the like): seven
sections under stable keys, the pass/fail qualification items, the requirements per lot and the
default evaluation method and scoring criteria. No ORM queries: the caller passes the project (with
purchaser and agency loaded: select_related("purchaser", "agency")) and its lots, in number order.

The texts are Chinese, the language of the documents; the section titles are (Chinese, English)
pairs stored as data, because a published document is frozen and reads the same in either UI
language. Dates are structured fields of the TenderDocument and are never written into the text;
rulebook numbers (days, percentages) are not written either, except where the caller passes them.
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .models import Category, Method, TenderDocument

SECTION_KEYS: tuple[str, ...] = (
    "invitation",
    "instructions",
    "qualification",
    "requirements",
    "evaluation",
    "contract_terms",
    "bid_format",
)

# The titles of a tender (public or invited); the other methods' titles are in section_titles().
SECTION_TITLES: dict[str, tuple[str, str]] = {
    "invitation": ("投标邀请", "Invitation to bid"),
    "instructions": ("投标人须知", "Instructions to bidders"),
    "qualification": ("资格要求", "Qualification requirements"),
    "requirements": ("技术和商务要求", "Technical and commercial requirements"),
    "evaluation": ("评标方法和标准", "Evaluation method and criteria"),
    "contract_terms": ("合同条款", "Contract terms"),
    "bid_format": ("投标文件格式", "Bid format"),
}

_RESPONSE_TITLES: dict[str, tuple[str, str]] = {
    "instructions": ("供应商须知", "Instructions to suppliers"),
    "qualification": ("资格要求", "Qualification requirements"),
    "requirements": ("技术和商务要求", "Technical and commercial requirements"),
    "evaluation": ("评审方法和成交原则", "Evaluation method and award rule"),
    "contract_terms": ("合同条款", "Contract terms"),
    "bid_format": ("响应文件格式", "Response format"),
}

_METHOD_TITLES: dict[str, dict[str, tuple[str, str]]] = {
    Method.PUBLIC_TENDER: SECTION_TITLES,
    Method.INVITED_TENDER: SECTION_TITLES,
    Method.COMPETITIVE_CONSULTATION: {
        **_RESPONSE_TITLES,
        "invitation": ("磋商邀请", "Invitation to consultation"),
        "evaluation": ("评审方法和标准", "Evaluation method and criteria"),
    },
    Method.COMPETITIVE_NEGOTIATION: {
        **_RESPONSE_TITLES,
        "invitation": ("谈判邀请", "Invitation to negotiation"),
    },
    Method.INQUIRY: {**_RESPONSE_TITLES, "invitation": ("询价邀请", "Invitation to quote")},
    Method.SINGLE_SOURCE: {
        **_RESPONSE_TITLES,
        "invitation": ("单一来源采购邀请", "Invitation to single-source negotiation"),
        "evaluation": ("协商程序和成交原则", "Negotiation procedure and award rule"),
    },
    Method.FRAMEWORK_AGREEMENT: {
        **_RESPONSE_TITLES,
        "invitation": ("征集邀请", "Invitation to the framework agreement"),
        "requirements": ("采购需求", "Requirements"),
        "evaluation": ("评审方法和入围标准", "Evaluation method and admission criteria"),
        "contract_terms": ("框架协议和合同条款", "Framework agreement and contract terms"),
    },
    Method.DIRECT_PURCHASE: {**_RESPONSE_TITLES, "invitation": ("采购邀请", "Invitation to quote")},
}

# The documents' own name per method: (Chinese, English).
DOCUMENT_TITLES: dict[str, tuple[str, str]] = {
    Method.PUBLIC_TENDER: ("招标文件", "Tender documents"),
    Method.INVITED_TENDER: ("招标文件", "Tender documents"),
    Method.COMPETITIVE_NEGOTIATION: ("竞争性谈判文件", "Competitive negotiation documents"),
    Method.COMPETITIVE_CONSULTATION: ("竞争性磋商文件", "Competitive consultation documents"),
    Method.INQUIRY: ("询价通知书", "Request for quotations"),
    Method.SINGLE_SOURCE: ("单一来源采购文件", "Single-source procurement documents"),
    Method.FRAMEWORK_AGREEMENT: ("框架协议征集文件", "Framework agreement solicitation documents"),
    Method.DIRECT_PURCHASE: ("采购文件", "Procurement documents"),
}

# The methods' Chinese names as the documents print them (the UI label comes from Method).
METHOD_NAMES_ZH: dict[str, str] = {
    Method.PUBLIC_TENDER: "公开招标",
    Method.INVITED_TENDER: "邀请招标",
    Method.COMPETITIVE_NEGOTIATION: "竞争性谈判",
    Method.COMPETITIVE_CONSULTATION: "竞争性磋商",
    Method.INQUIRY: "询价",
    Method.SINGLE_SOURCE: "单一来源采购",
    Method.FRAMEWORK_AGREEMENT: "框架协议采购",
    Method.DIRECT_PURCHASE: "限额以下直接采购",
}

CATEGORY_NAMES_ZH: dict[str, str] = {
    Category.GOODS: "货物",
    Category.WORKS: "工程",
    Category.SERVICES: "服务",
}

EVALUATION_METHOD_NAMES: dict[str, tuple[str, str]] = {
    TenderDocument.EvaluationMethod.LOWEST_PRICE: ("最低评标价法", "Lowest evaluated price"),
    TenderDocument.EvaluationMethod.COMPREHENSIVE: ("综合评分法", "Comprehensive scoring"),
}

CRITERION_KIND_NAMES: dict[str, tuple[str, str]] = {
    "technical": ("技术", "Technical"),
    "commercial": ("商务", "Commercial"),
}

_TENDERS = frozenset({Method.PUBLIC_TENDER, Method.INVITED_TENDER})

# The words a document uses for its parties and steps: a tender's, or the other methods'.
_TENDER_TERMS = {
    "supplier": "投标人",
    "response": "投标文件",
    "participate": "投标",
    "price": "投标报价",
    "deadline": "投标截止时间",
    "opening": "开标",
    "panel": "评标委员会",
    "evaluate": "评标",
    "win": "中标",
    "winner": "中标人",
    "candidate": "中标候选人",
    "award_notice": "中标通知书",
}
_RESPONSE_TERMS = {
    "supplier": "供应商",
    "response": "响应文件",
    "participate": "响应",
    "price": "报价",
    "deadline": "响应文件提交截止时间",
    "opening": "响应文件开启",
    "panel": "评审小组",
    "evaluate": "评审",
    "win": "成交",
    "winner": "成交供应商",
    "candidate": "成交候选供应商",
    "award_notice": "成交通知书",
}
_PARTICIPATE = {
    Method.COMPETITIVE_CONSULTATION: "磋商",
    Method.COMPETITIVE_NEGOTIATION: "谈判",
    Method.INQUIRY: "询价",
    Method.SINGLE_SOURCE: "协商",
    Method.FRAMEWORK_AGREEMENT: "征集",
}
_PANELS = {
    Method.COMPETITIVE_CONSULTATION: "磋商小组",
    Method.COMPETITIVE_NEGOTIATION: "谈判小组",
    Method.INQUIRY: "询价小组",
    Method.SINGLE_SOURCE: "协商小组",
}

# Comprehensive scoring: the non-price criteria per category, (zh, en, kind, points); with the price
# weight below they add up to 100. Goods at least 30 price points, services at least 10 (and at most
# 30 in competitive consultation), so 30 fits every method's range.
DEFAULT_PRICE_WEIGHT = Decimal("30.00")
_CRITERIA: dict[str, list[tuple[str, str, str, str]]] = {
    Category.GOODS: [
        ("技术参数响应", "Compliance with the technical specification", "technical", "30.00"),
        ("质量保证措施", "Quality assurance", "technical", "10.00"),
        ("供货、安装和培训方案", "Delivery, installation and training plan", "commercial", "10.00"),
        ("售后服务", "After-sales service", "commercial", "15.00"),
        ("同类项目业绩", "Past performance on similar contracts", "commercial", "5.00"),
    ],
    Category.SERVICES: [
        ("服务方案", "Service approach and methodology", "technical", "30.00"),
        ("项目团队", "Project team", "technical", "15.00"),
        ("实施计划", "Implementation plan", "technical", "10.00"),
        ("质量保障和应急措施", "Quality assurance and contingency measures", "commercial", "10.00"),
        ("同类项目业绩", "Past performance on similar contracts", "commercial", "5.00"),
    ],
    Category.WORKS: [
        ("施工方案与技术措施", "Construction method and technical measures", "technical", "30.00"),
        ("质量和安全文明施工措施", "Quality, safety and site management", "technical", "15.00"),
        ("工期保证措施", "Programme and time assurance", "commercial", "10.00"),
        ("项目管理机构", "Project management team", "commercial", "10.00"),
        ("同类工程业绩", "Past performance on similar works", "commercial", "5.00"),
    ],
}

_DEFAULT_EVALUATION_METHODS: dict[str, str] = {
    Method.PUBLIC_TENDER: TenderDocument.EvaluationMethod.COMPREHENSIVE,
    Method.INVITED_TENDER: TenderDocument.EvaluationMethod.COMPREHENSIVE,
    Method.COMPETITIVE_CONSULTATION: TenderDocument.EvaluationMethod.COMPREHENSIVE,
    Method.FRAMEWORK_AGREEMENT: TenderDocument.EvaluationMethod.COMPREHENSIVE,
    Method.COMPETITIVE_NEGOTIATION: TenderDocument.EvaluationMethod.LOWEST_PRICE,
    Method.INQUIRY: TenderDocument.EvaluationMethod.LOWEST_PRICE,
    Method.SINGLE_SOURCE: TenderDocument.EvaluationMethod.LOWEST_PRICE,
    Method.DIRECT_PURCHASE: TenderDocument.EvaluationMethod.LOWEST_PRICE,
}

_CN_NUMERALS = "一二三四五六七八九十"


def section_titles(method: str) -> dict[str, tuple[str, str]]:
    """key -> (Chinese, English) title of each section, as the method names it."""
    return _METHOD_TITLES.get(method, SECTION_TITLES)


def document_title(method: str) -> tuple[str, str]:
    """The documents' name, e.g. ("招标文件", "Tender documents")."""
    return DOCUMENT_TITLES.get(method, DOCUMENT_TITLES[Method.DIRECT_PURCHASE])


def chapter_number(index: int) -> str:
    """第一章 … 第十章 for 1 … 10."""
    return _CN_NUMERALS[index - 1] if 1 <= index <= 10 else str(index)


def yuan(amount: Decimal | str | None) -> str:
    """1500000 -> "1,500,000.00" (CNY, always two places); None -> ""."""
    if amount is None or amount == "":
        return ""
    return f"{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def default_evaluation_method(method: str) -> str:
    """The evaluation method a method's documents start with (TenderDocument.EvaluationMethod)."""
    return _DEFAULT_EVALUATION_METHODS.get(method, TenderDocument.EvaluationMethod.LOWEST_PRICE)


def default_criteria(category: str) -> tuple[Decimal, list[dict[str, str]]]:
    """(price weight, non-price criteria) of comprehensive scoring, together exactly 100 points."""
    rows = _CRITERIA.get(category, _CRITERIA[Category.GOODS])
    return DEFAULT_PRICE_WEIGHT, [
        {"name_zh": zh, "name_en": en, "kind": kind, "points": points} for zh, en, kind, points in rows
    ]


def document_terms(method: str) -> dict[str, str]:
    """The words the method's documents use: supplier (投标人/供应商), response (投标文件/响应文件),
    participate (投标/磋商/谈判…), price, deadline, opening, panel, evaluate, win, winner, candidate,
    award_notice."""
    if method in _TENDERS:
        return _TENDER_TERMS
    return {
        **_RESPONSE_TERMS,
        "participate": _PARTICIPATE.get(method, _RESPONSE_TERMS["participate"]),
        "panel": _PANELS.get(method, _RESPONSE_TERMS["panel"]),
    }


def _organiser(project: Any) -> str:
    """Who runs the procurement: the agency on the purchaser's behalf, or the purchaser itself."""
    agency = project.agency if project.agency_id else None
    if agency is None or project.agency_id == project.purchaser_id:
        return f"{project.purchaser.name_zh}（本单位采购机构）组织"
    return f"{agency.name_zh}受{project.purchaser.name_zh}委托组织"


def _lot_line(lot: Any) -> str:
    reserved = "（专门面向中小企业采购）" if lot.sme_reserved else ""
    return f"第{lot.number}包：{lot.title_zh}，预算金额 {yuan(lot.budget)} 元{reserved}"


def _lot_numbers(lots: Sequence[Any]) -> str:
    return "、".join(f"第{lot.number}包" for lot in lots)


def _paragraphs(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)


def _sme_clause(project: Any, lots: Sequence[Any], terms: dict[str, str], deduction: Decimal | None) -> str:
    reserved = [lot for lot in lots if lot.sme_reserved]
    open_lots = [lot for lot in lots if not lot.sme_reserved]
    makes = {Category.GOODS: "制造", Category.WORKS: "承建"}.get(project.category, "承接")
    what = CATEGORY_NAMES_ZH.get(project.category, "")
    text = []
    if reserved:
        text.append(
            f"{_lot_numbers(reserved)}专门面向中小企业采购。依照《政府采购促进中小企业发展管理办法》"
            f"（财库〔2020〕46号），{terms['supplier']}应为中小企业，"
            f"所提供的{what}应全部由中小企业{makes}，并按规定格式提供《中小企业声明函》；上述各包不再对小微企业报价给予价格扣除。"
        )
    if open_lots:
        rate = f"{deduction.normalize():f}%" if deduction is not None else "第五章规定的比例"
        text.append(
            f"{_lot_numbers(open_lots)}未专门面向中小企业：对符合财库〔2020〕46号规定的小微企业，"
            f"其{terms['price']}给予 {rate} 的扣除，用扣除后的价格参加评审"
            "（监狱企业、残疾人福利性单位视同小微企业）。"
        )
    return "\n".join(text)


def _green_clause(terms: dict[str, str]) -> str:
    return (
        "本项目落实节能环保政策：采购的产品属于节能产品、环境标志产品政府采购品目清单内强制采购品目的，"
        f"{terms['supplier']}应提供国家确定的认证机构出具的、处于有效期之内的节能产品认证证书，否则其{terms['response']}无效；"
        "属于优先采购品目的，在评审时予以优先（依据财库〔2019〕9号《关于调整优化节能产品、环境标志产品政府采购执行机制的通知》）。"
    )


def _import_clause(project: Any, terms: dict[str, str]) -> str:
    if project.imported_products:
        return (
            "本项目经财政部门核准，允许提供进口产品（进口产品是指通过中国海关报关验放进入中国境内且产自关境外的产品）；"
            f"满足采购需求的国内产品同样可以参与，{terms['supplier']}提供进口产品的，应保证其来源合法并提供相应证明。"
        )
    return (
        "本项目不接受进口产品（通过中国海关报关验放进入中国境内且产自关境外的产品）。"
        f"{terms['supplier']}提供进口产品的，其{terms['response']}无效。"
    )


def _invitation(project: Any, lots: Sequence[Any], terms: dict[str, str]) -> str:
    method = METHOD_NAMES_ZH.get(project.method, "")
    doc = document_title(project.method)[0]
    if project.method == Method.INVITED_TENDER:
        who = "现邀请经资格审查合格并被选定的供应商参加投标。"
    elif project.method == Method.SINGLE_SOURCE:
        who = "本项目的单一来源采购公示期已满，现邀请被公示的供应商参加协商。"
    else:
        who = f"欢迎符合资格条件的供应商参加{terms['participate']}。"
    lines = "\n".join(_lot_line(lot) for lot in lots)
    return _paragraphs(
        f"{_organiser(project)}{project.title_zh}项目的{method}，{who}",
        f"一、项目基本情况\n项目编号：{project.reference}\n项目名称：{project.title_zh}\n"
        f"采购方式：{method}\n预算金额：{yuan(project.budget)} 元\n"
        f"采购需求：本项目共分 {len(lots)} 个包，"
        f"{terms['supplier']}可以对其中一个或者多个包提交{terms['response']}，"
        f"按包评审、按包确定{terms['winner']}。\n{lines}",
        "二、申请人的资格要求\n1. 满足《中华人民共和国政府采购法》第二十二条规定；\n"
        "2. 落实政府采购政策需满足的资格要求：见第三章；\n3. 本项目的特定资格要求：见第三章。",
        f"三、获取{doc}\n{doc}在阳光采购平台在线免费获取，获取的起止时间见本文件所附“关键时间”表。"
        f"未在平台获取{doc}的供应商，不得参加{terms['participate']}。",
        f"四、{terms['deadline']}、{terms['opening']}时间和地点\n"
        f"{terms['response']}应在{terms['deadline']}前通过阳光采购平台加密提交，逾期提交的，平台不予接收。"
        f"{terms['deadline']}即{terms['opening']}时间，{terms['opening']}在线进行，时间和地点见“关键时间”表。",
        "五、联系方式\n"
        f"采购人：{project.purchaser.name_zh}\n"
        + (
            f"采购代理机构：{project.agency.name_zh}\n"
            if project.agency_id and project.agency_id != project.purchaser_id
            else ""
        )
        + "联系人及电话见阳光采购平台本项目页面。",
    )


def _days(n: int | None, unit: str) -> str:
    """ "7个工作日" from the rulebook's number, or the law's wording when none is given."""
    return f"{n}{unit}" if n is not None else "规定期限"


def _instructions(
    project: Any,
    lots: Sequence[Any],
    terms: dict[str, str],
    deduction: Decimal | None,
    limits: dict[str, int | None],
) -> str:
    doc = document_title(project.method)[0]
    policies = [_sme_clause(project, lots, terms, deduction)]
    if project.green_requirement:
        policies.append(_green_clause(terms))
    return _paragraphs(
        f"一、总则\n本项目实行电子化采购。{terms['supplier']}应当通过阳光采购平台获取{doc}、提出询问、"
        f"提交和撤回{terms['response']}；{terms['response']}应使用数字证书加密，未按要求加密或逾期提交的，平台不予接收。"
        f"{terms['supplier']}参加本项目的一切费用自行承担。",
        f"二、{doc}的澄清和修改\n{terms['supplier']}对{doc}有疑问的，应在“关键时间”表规定的提问截止时间前通过平台书面提出。"
        f"采购人或者采购代理机构可以对已发出的{doc}进行必要的澄清或者修改，并在平台发布更正公告；澄清或者修改的内容"
        f"可能影响{terms['response']}编制的，不足规定期限的，{terms['deadline']}相应顺延。",
        f"三、{terms['price']}\n{terms['price']}以人民币计价，应包括完成本项目所需的全部费用（含税费、运输、安装、"
        f"调试、培训和售后服务等）。每个包只能有一个{terms['price']}，超过该包预算金额的，其{terms['response']}无效。",
        f"四、保证金\n要求提交保证金的包，{terms['supplier']}应按“标包一览表”所列金额，在{terms['deadline']}前以银行转账、"
        f"电子保函等非现金形式提交（《政府采购法实施条例》第三十三条）；未按要求提交的，其{terms['response']}无效。"
        "保证金按照财政部令第87号第三十八条规定的期限无息退还。",
        f"五、{terms['opening']}和{terms['evaluate']}\n{terms['opening']}在平台在线进行，{terms['supplier']}应在规定时间内"
        f"完成解密。{terms['evaluate']}由依法组建的{terms['panel']}负责，方法和标准见第五章。",
        f"六、{terms['win']}和合同\n{terms['win']}结果在指定媒体公告，同时向{terms['winner']}发出{terms['award_notice']}。"
        f"采购人与{terms['winner']}应当在{terms['award_notice']}发出之日起"
        f"{_days(limits.get('contract_signing_days'), '日')}内，按照{doc}和{terms['response']}"
        "确定的事项在平台签订政府采购合同（《政府采购法》第四十六条）。",
        "七、落实政府采购政策\n" + "\n".join(part for part in policies if part),
        f"八、质疑\n{terms['supplier']}认为{doc}、采购过程和{terms['win']}结果使自己的权益受到损害的，可以在知道"
        f"或者应知其权益受到损害之日起{_days(limits.get('challenge_working_days'), '个工作日')}内，"
        "通过平台以书面形式提出质疑（《政府采购法》第五十二条）。",
    )


def _qualification(project: Any, terms: dict[str, str]) -> str:
    return _paragraphs(
        f"{terms['supplier']}应当符合下列资格条件，并在{terms['response']}中提供相应的证明材料。资格审查采用合格制，"
        f"所附“资格审查表”中任何一项不合格的，其{terms['response']}无效。",
        "证明材料：营业执照等主体资格证明；上一年度财务状况报告或者银行出具的资信证明；具备履行合同所必需的设备和"
        "专业技术能力的书面声明；依法缴纳税收和社会保障资金的相关材料；参加政府采购活动前三年内在经营活动中没有重大"
        "违法记录的书面声明。供应商也可以按规定提交信用承诺函代替上述部分证明材料。",
        f"信用记录：采购人或者采购代理机构将在{terms['deadline']}后，通过阳光采购平台信用记录、“信用中国”网站和中国政府"
        "采购网查询供应商的信用记录，并截图存档；被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为"
        "记录名单的供应商，不得参加本项目。",
        "本项目的特定资格要求：无。（如有，由采购人根据采购项目的特殊要求在此列明，并列入资格审查表；"
        "不得以不合理的条件对供应商实行差别待遇或者歧视待遇。）",
    )


def _requirements(project: Any, lots: Sequence[Any], terms: dict[str, str]) -> str:
    description = f"一、项目概况\n{project.description_zh.strip()}" if project.description_zh.strip() else ""
    return _paragraphs(
        description,
        f"二、采购标的\n采购品目：{project.classification_code}"
        f"（{CATEGORY_NAMES_ZH.get(project.category, '')}）。本项目共分 {len(lots)} 个包，"
        "各包的采购内容、数量、技术规格、交付地点和期限见下文“各包技术和商务要求”。",
        f"三、实质性要求\n标注“★”的条款为实质性要求，{terms['supplier']}必须全部满足，否则其{terms['response']}无效；"
        "其余条款为一般要求，偏离的应在偏离表中如实说明。技术规格中出现的品牌、型号仅为说明需求，"
        "不构成对特定产品的指定，可以提供性能相当或者更优的产品。",
        "四、进口产品\n" + _import_clause(project, terms),
        "五、商务要求\n付款方式：按合同约定，在验收合格并收到发票后支付。\n"
        "履约验收：采购人按照《政府采购需求管理办法》（财库〔2021〕22号）和合同约定组织履约验收，验收结果在平台公告。",
    )


def _evaluation(project: Any, terms: dict[str, str]) -> str:
    method = default_evaluation_method(project.method)
    intro = (
        f"{terms['evaluate']}由{terms['panel']}负责。{terms['panel']}先进行资格审查和符合性审查，"
        f"未通过的{terms['response']}不再参加评审，并说明理由。"
    )
    if project.method == Method.SINGLE_SOURCE:
        rule = (
            "采购人、采购代理机构组织具有相关经验的专业人员与供应商商定合理的成交价格并保证采购项目质量"
            "（《政府采购法》第三十九条），协商情况记录在案。"
        )
    elif method == TenderDocument.EvaluationMethod.COMPREHENSIVE:
        rule = (
            f"本项目采用综合评分法。{terms['panel']}各成员独立评分，{terms['supplier']}的得分为全体成员评分的算术平均值；"
            f"按得分由高到低排序，得分相同的按{terms['price']}由低到高排序，得分且{terms['price']}相同的按技术得分由高到低排序，"
            f"排名第一的为第一{terms['candidate']}。评审因素和分值见下方评分表。\n"
            f"价格分采用低价优先法计算：满足{document_title(project.method)[0]}要求且{terms['price']}（价格扣除后）最低的为评标基准价，"
            f"价格分 = 评标基准价 / {terms['price']} × 价格权重。"
        )
    else:
        rule = (
            f"本项目采用最低评标价法：{terms['response']}满足{document_title(project.method)[0]}全部实质性要求，"
            f"且{terms['price']}（价格扣除后）最低的{terms['supplier']}为第一{terms['candidate']}；"
            f"{terms['price']}相同的，由{terms['panel']}按技术指标优劣顺序排列。"
        )
    return _paragraphs(
        intro,
        rule,
        f"{terms['panel']}认为{terms['supplier']}的报价明显低于其他通过符合性审查的报价，有可能影响产品质量或者"
        "不能诚信履约的，应当要求其在合理的时间内提供书面说明，必要时提交相关证明材料；不能证明其报价合理性的，"
        f"{terms['panel']}应当将其作为无效{terms['response']}处理。",
    )


def _contract_terms(project: Any, terms: dict[str, str]) -> str:
    return _paragraphs(
        f"一、合同的订立\n政府采购合同由采购人与{terms['winner']}在阳光采购平台以电子方式签订，合同内容以"
        f"{document_title(project.method)[0]}、{terms['response']}和{terms['award_notice']}为准，"
        "不得对实质性内容作出变更。合同签订后在指定媒体公告（《政府采购法实施条例》第五十条）。",
        f"二、合同价款\n合同价款为{terms['winner']}的{terms['price']}，为固定总价，包含完成合同所需的全部费用，"
        "合同履行期间不作调整。",
        "三、交付和验收\n供应商应按照合同约定的时间、地点和要求交付；采购人按合同约定的标准组织验收，"
        "验收不合格的，供应商应在约定期限内更换或者整改，费用由供应商承担。",
        "四、付款\n采购人在验收合格并收到合法发票后，按合同约定的时间和比例支付合同价款；对中小企业，"
        "按照《保障中小企业款项支付条例》的规定及时支付。",
        "五、履约保证金\n要求提交履约保证金的，以非现金形式提交，数额不超过《政府采购法实施条例》第四十八条规定的上限，"
        "履约完毕后无息退还。",
        "六、质量保证和售后服务\n供应商保证所交付的产品或者服务符合合同约定和国家有关标准，并按其响应的承诺提供售后服务。",
        "七、违约责任\n一方违约的，应按合同约定承担违约责任并赔偿对方损失；供应商严重违约的，采购人可以解除合同，"
        "并将违约情况记入政府采购信用记录。",
        "八、争议解决\n因合同履行发生的争议，双方协商解决；协商不成的，依法向采购人所在地有管辖权的人民法院提起诉讼。",
    )


def _bid_format(project: Any, terms: dict[str, str]) -> str:
    doc = document_title(project.method)[0]
    letter = "投标函" if project.method in _TENDERS else "响应函"
    price_sheet = "开标一览表" if project.method in _TENDERS else "报价一览表"
    return _paragraphs(
        f"{terms['response']}应包括下列内容，并按顺序编制、逐页编码，通过平台加密提交：\n"
        f"1. {letter}\n2. {price_sheet}（分包报价）\n3. 资格证明文件（按第三章“资格审查表”顺序）\n"
        "4. 法定代表人身份证明或者授权委托书\n5. 技术和商务响应偏离表\n6. 技术方案及其他证明材料\n"
        "7. 《中小企业声明函》（适用时）\n8. 信用承诺函（适用时）",
        f"{letter}（格式）\n致：{project.purchaser.name_zh}\n"
        f"我方已仔细研究{project.title_zh}（项目编号：{project.reference}）{doc}的全部内容，"
        f"愿意以{price_sheet}所列报价参加第____包的{terms['participate']}，并承诺：\n"
        f"1. 完全接受{doc}的全部条款，按其要求履行合同；\n"
        f"2. {terms['response']}有效期为{terms['deadline']}起____日；\n"
        "3. 所提供的全部资料真实、准确、完整，如有虚假，愿承担相应的法律责任；\n"
        "4. 与采购人、采购代理机构及其他供应商不存在串通行为。\n"
        f"{terms['supplier']}（电子签章）：____________　日期：______年____月____日",
    )


def standard_sections(
    project: Any,
    lots: Sequence[Any],
    *,
    sme_deduction: Decimal | None = None,
    challenge_working_days: int | None = None,
    contract_signing_days: int | None = None,
) -> dict[str, str]:
    """The editable starting text of every section (SECTION_KEYS), filled from the project.

    lots: the project's lots in number order. sme_deduction: the small and micro enterprise price
    deduction in percent, from the rulebook; without it the text refers to chapter five.
    """
    terms = document_terms(project.method)
    return {
        "invitation": _invitation(project, lots, terms),
        "instructions": _instructions(
            project,
            lots,
            terms,
            sme_deduction,
            {
                "challenge_working_days": challenge_working_days,
                "contract_signing_days": contract_signing_days,
            },
        ),
        "qualification": _qualification(project, terms),
        "requirements": _requirements(project, lots, terms),
        "evaluation": _evaluation(project, terms),
        "contract_terms": _contract_terms(project, terms),
        "bid_format": _bid_format(project, terms),
    }


def standard_lot_requirements(lots: Sequence[Any]) -> dict[str, str]:
    """Lot number (as str) -> the starting text of that lot's technical and commercial requirements."""
    return {
        str(lot.number): _paragraphs(
            f"一、采购内容、数量和技术规格\n{lot.quantity_and_specification.strip()}",
            f"二、交付（服务）地点\n{lot.delivery_place}",
            f"三、交付（服务）期限\n{lot.delivery_period}",
            "四、质量要求\n所提供的产品应为全新、未使用过的合格产品，服务应符合国家和行业有关标准和规范。",
            "五、验收标准\n按国家标准、行业标准、本包技术要求和供应商的响应承诺进行验收。",
        )
        for lot in lots
    }


def standard_qualification_items(project: Any, lots: Sequence[Any] | None = None) -> list[str]:
    """The pass/fail qualification items: the conditions of the Government Procurement Law,
    article 22, the credit lists, and the SME declaration when a lot is reserved for SMEs.

    Pass the lots (as to standard_sections) to keep this free of queries; without them the
    project's lots are read (project.lots.all(), which uses a prefetch when there is one).
    """
    if lots is None:
        lots = list(project.lots.all())
    items = [
        "具有独立承担民事责任的能力（提供营业执照等主体资格证明）",
        "具有良好的商业信誉和健全的财务会计制度（提供财务状况报告或者银行资信证明）",
        "具有履行合同所必需的设备和专业技术能力（提供书面声明）",
        "有依法缴纳税收和社会保障资金的良好记录（提供缴纳凭证或者证明）",
        "参加政府采购活动前三年内，在经营活动中没有重大违法记录（提供书面声明）",
        "未被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单"
        "（以阳光采购平台、“信用中国”网站和中国政府采购网的查询结果为准）",
        "符合法律、行政法规规定的其他条件",
    ]
    reserved = [lot for lot in lots if lot.sme_reserved]
    if reserved:
        items.append(
            f"参加{_lot_numbers(reserved)}（专门面向中小企业）的，应为符合《政府采购促进中小企业发展管理办法》"
            "（财库〔2020〕46号）规定的中小企业，并提供《中小企业声明函》"
        )
    return items


def standard_response_documents() -> list[dict[str, str]]:
    """The response documents every bid uploads (one file each: PDF, DOCX, XLSX or ZIP); the price
    is typed in the bid form and sealed on its own, never read from a file."""
    return [
        {"key": "bid_letter", "name_zh": "投标（响应）函", "name_en": "Bid letter"},
        {"key": "qualification", "name_zh": "资格证明文件", "name_en": "Qualification documents"},
        {"key": "technical", "name_zh": "技术响应文件", "name_en": "Technical response"},
        {"key": "commercial", "name_zh": "商务响应文件", "name_en": "Commercial response"},
    ]
