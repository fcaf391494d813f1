"""The seeded credit rule catalogue: what conduct is worth, for how long, and on what basis.

Seeded by migration (idempotent: existing rows, perhaps edited by an administrator, are kept).
Points and periods are the platform's defaults under local credit measures (no national formula
exists; REFERENCE.md A.5). Bans are administrative penalties: only rules a regulator or another
authority decides (false materials, collusion, bribery, avoidance violations, the joint-punishment
lists) ban; what the platform records by itself never does.
"""

from decimal import Decimal

GPL_77_ZH = (
    "《中华人民共和国政府采购法》第七十七条：供应商有下列情形之一的，处以采购金额千分之五以上千分之十以下的罚款，"
    "列入不良行为记录名单，在一至三年内禁止参加政府采购活动：（一）提供虚假材料谋取中标、成交的；"
    "（二）采取不正当手段诋毁、排挤其他供应商的；（三）与采购人、其他供应商或者采购代理机构恶意串通的；"
    "（四）向采购人、采购代理机构行贿或者提供其他不正当利益的；（五）在招标采购过程中与采购人进行协商谈判的；"
    "（六）拒绝有关部门监督检查或者提供虚假情况的。"
)
GPL_77_EN = (
    "Government Procurement Law, Article 77: a supplier that (1) provides false materials to win, "
    "(2) disparages or squeezes out other suppliers by improper means, (3) colludes with the purchaser, "
    "other suppliers or the agency, (4) bribes the purchaser or agency, (5) negotiates with the "
    "purchaser during a tender, or (6) refuses supervision or gives false information is fined 0.5 %–1 % "
    "of the procurement amount, entered in the bad-behaviour record and banned from government "
    "procurement for one to three years."
)
REG_72_ZH = (
    "《政府采购法实施条例》第七十二条：供应商有下列情形之一的，依照政府采购法第七十七条第一款的规定追究法律责任："
    "（二）中标或者成交后无正当理由拒不与采购人签订政府采购合同；（三）未按照采购文件确定的事项签订政府采购合同；"
    "（五）提供虚假材料谋取中标、成交的……"
)
REG_72_EN = (
    "Implementing Regulations, Article 72: a supplier is liable under GPL Article 77 if it, among "
    "others, refuses without good reason to sign the contract after winning, or signs it on terms "
    "other than those of the procurement documents."
)
PERFORMANCE_ZH = (
    "《政府采购法》第四十九条、第五十条及《政府采购需求管理办法》（财库〔2021〕22号）关于履约验收的规定；"
    "地方政府采购信用评价办法（平台默认分值）。"
)
PERFORMANCE_EN = (
    "GPL Articles 49–50 and the MOF Measures on Procurement Requirements (Caiku [2021] No. 22) on "
    "performance and acceptance; local credit evaluation measures (platform default points)."
)
BID_WITHDRAWAL_ZH = (
    "《政府采购货物和服务招标投标管理办法》（财政部令第87号）第三十四条、第三十八条：投标截止时间后，"
    "投标人撤销投标文件的，投标保证金不予退还；地方信用评价办法（平台默认分值）。"
)
BID_WITHDRAWAL_EN = (
    "MOF Order No. 87, Articles 34 and 38: a bidder that withdraws its bid after the deadline forfeits "
    "its bid bond; local credit evaluation measures (platform default points)."
)
EXPERT_ZH = (
    "《政府采购评审专家管理办法》（财库〔2016〕198号）第二十九条、第三十条；"
    "《政府采购法实施条例》第六十二条、第七十五条。"
)
EXPERT_EN = (
    "MOF Measures on Evaluation Experts (Caiku [2016] No. 198), Articles 29–30; Implementing "
    "Regulations, Articles 62 and 75."
)
AGENCY_ZH = (
    "《政府采购法实施条例》第八条、第六十八条；《政府采购质疑和投诉办法》（财政部令第94号）第十三条；"
    "《政府采购代理机构管理暂行办法》（财库〔2018〕2号）第十七条（代理机构信用评价）。"
)
AGENCY_EN = (
    "Implementing Regulations, Articles 8 and 68; MOF Order No. 94 (challenges and complaints), "
    "Article 13; Interim Measures on Procurement Agencies (Caiku [2018] No. 2), Article 17 "
    "(credit evaluation of agencies)."
)
PURCHASER_ZH = (
    "《政府采购法实施条例》第四十三条、第五十条、第六十七条；"
    "《保障中小企业款项支付条例》（国务院令第728号）第八条、第九条。"
)
PURCHASER_EN = (
    "Implementing Regulations, Articles 43, 50 and 67; Regulations on Ensuring Payments to SMEs "
    "(State Council Order No. 728), Articles 8–9."
)
JOINT_ZH = (
    "《关于在政府采购活动中查询及使用信用记录有关问题的通知》（财库〔2016〕125号）：对列入失信被执行人、"
    "重大税收违法案件当事人名单、政府采购严重违法失信行为记录名单的供应商，拒绝其参与政府采购活动。"
)
JOINT_EN = (
    "MOF notice Caiku [2016] No. 125: suppliers listed as dishonest judgment debtors, parties to major "
    "tax violation cases, or on the record of serious violations in government procurement are "
    "refused participation in government procurement."
)


def _rule(code, kind, zh, en, points, days, decay, severity, ban_years, basis_zh, basis_en) -> dict:
    return {
        "code": code,
        "party_kind": kind,
        "name_zh": zh,
        "name_en": en,
        "points": Decimal(points),
        "counts_for_days": days,
        "decay": decay,
        "severity": severity,
        "ban_years": ban_years,
        "legal_basis_zh": basis_zh,
        "legal_basis_en": basis_en,
    }


DEFAULT_CREDIT_RULES: list[dict] = [
    # Suppliers
    _rule(
        "supplier.false_materials",
        "supplier",
        "提供虚假材料谋取中标、成交",
        "False materials to win a contract",
        "-40",
        1095,
        "none",
        "serious",
        1,
        GPL_77_ZH,
        GPL_77_EN,
    ),
    _rule(
        "supplier.collusion",
        "supplier",
        "与采购人、其他供应商或者采购代理机构恶意串通",
        "Collusion",
        "-50",
        1095,
        "none",
        "serious",
        2,
        GPL_77_ZH,
        GPL_77_EN,
    ),
    _rule(
        "supplier.bribery",
        "supplier",
        "行贿或者提供其他不正当利益",
        "Bribery or other improper benefits",
        "-50",
        1095,
        "none",
        "serious",
        3,
        GPL_77_ZH,
        GPL_77_EN,
    ),
    _rule(
        "supplier.refused_to_sign",
        "supplier",
        "中标、成交后无正当理由拒不签订合同",
        "Refusing to sign the contract after the award",
        "-20",
        730,
        "linear",
        "general",
        0,
        REG_72_ZH,
        REG_72_EN,
    ),
    _rule(
        "supplier.withdrew_after_deadline",
        "supplier",
        "投标截止后撤销投标文件",
        "Withdrawing a bid after the deadline",
        "-10",
        365,
        "linear",
        "minor",
        0,
        BID_WITHDRAWAL_ZH,
        BID_WITHDRAWAL_EN,
    ),
    _rule(
        "supplier.late_delivery",
        "supplier",
        "逾期交付",
        "Late delivery",
        "-5",
        365,
        "linear",
        "minor",
        0,
        PERFORMANCE_ZH,
        PERFORMANCE_EN,
    ),
    _rule(
        "supplier.failed_acceptance",
        "supplier",
        "履约验收不合格",
        "Failed acceptance",
        "-10",
        730,
        "linear",
        "general",
        0,
        PERFORMANCE_ZH,
        PERFORMANCE_EN,
    ),
    _rule(
        "supplier.breach_termination",
        "supplier",
        "违约导致合同解除",
        "Breach leading to termination",
        "-30",
        1095,
        "linear",
        "serious",
        0,
        PERFORMANCE_ZH,
        PERFORMANCE_EN,
    ),
    _rule(
        "supplier.completed_on_time",
        "supplier",
        "合同按期履约完成",
        "Contract completed on time",
        "2",
        730,
        "linear",
        "positive",
        0,
        PERFORMANCE_ZH,
        PERFORMANCE_EN,
    ),
    _rule(
        "supplier.acceptance_without_remarks",
        "supplier",
        "履约验收合格且无意见",
        "Acceptance passed with no remarks",
        "3",
        730,
        "linear",
        "positive",
        0,
        PERFORMANCE_ZH,
        PERFORMANCE_EN,
    ),
    # Joint reward and punishment: records of other credit platforms (imported feeds)
    _rule(
        "external.dishonest_judgment_debtor",
        "supplier",
        "失信被执行人",
        "Dishonest judgment debtor",
        "-30",
        365,
        "none",
        "serious",
        1,
        JOINT_ZH,
        JOINT_EN,
    ),
    _rule(
        "external.major_tax_violation",
        "supplier",
        "重大税收违法失信主体",
        "Party to a major tax violation case",
        "-30",
        1095,
        "none",
        "serious",
        1,
        JOINT_ZH,
        JOINT_EN,
    ),
    _rule(
        "external.serious_procurement_violation",
        "supplier",
        "政府采购严重违法失信行为记录",
        "Serious violation in government procurement",
        "-50",
        1095,
        "none",
        "serious",
        3,
        JOINT_ZH,
        JOINT_EN,
    ),
    # Experts
    _rule(
        "expert.no_show",
        "expert",
        "无故缺席评审",
        "No-show at an evaluation",
        "-10",
        730,
        "linear",
        "general",
        0,
        EXPERT_ZH,
        EXPERT_EN,
    ),
    _rule(
        "expert.declined_after_accepting",
        "expert",
        "确认参加后无故拒绝评审",
        "Declining after accepting a draw",
        "-5",
        365,
        "linear",
        "minor",
        0,
        EXPERT_ZH,
        EXPERT_EN,
    ),
    _rule(
        "expert.unexplained_score_deviation",
        "expert",
        "评分明显偏离且未说明理由",
        "Score deviation without a reason",
        "-5",
        365,
        "linear",
        "minor",
        0,
        EXPERT_ZH,
        EXPERT_EN,
    ),
    _rule(
        "expert.avoidance_violation",
        "expert",
        "应当回避而未回避",
        "Failing to stand aside on a conflict",
        "-40",
        1095,
        "none",
        "serious",
        3,
        EXPERT_ZH,
        EXPERT_EN,
    ),
    _rule(
        "expert.complete_timely_review",
        "expert",
        "按时完整完成评审",
        "Complete and timely review",
        "1",
        730,
        "linear",
        "positive",
        0,
        EXPERT_ZH,
        EXPERT_EN,
    ),
    # Agencies
    _rule(
        "agency.late_notice",
        "agency",
        "未按规定时限发布公告",
        "Notice published late",
        "-5",
        365,
        "linear",
        "minor",
        0,
        AGENCY_ZH,
        AGENCY_EN,
    ),
    _rule(
        "agency.late_challenge_answer",
        "agency",
        "未在规定时限内答复质疑",
        "Challenge answered late",
        "-5",
        365,
        "linear",
        "minor",
        0,
        AGENCY_ZH,
        AGENCY_EN,
    ),
    _rule(
        "agency.challenge_upheld",
        "agency",
        "质疑成立",
        "Challenge upheld against the agency",
        "-5",
        730,
        "linear",
        "general",
        0,
        AGENCY_ZH,
        AGENCY_EN,
    ),
    # Purchasers
    _rule(
        "purchaser.late_award_confirmation",
        "purchaser",
        "未在规定时限内确定中标、成交供应商",
        "Award confirmed late",
        "-5",
        365,
        "linear",
        "minor",
        0,
        PURCHASER_ZH,
        PURCHASER_EN,
    ),
    _rule(
        "purchaser.late_contract_signing",
        "purchaser",
        "未在规定时限内签订合同",
        "Contract signed late",
        "-5",
        365,
        "linear",
        "minor",
        0,
        PURCHASER_ZH,
        PURCHASER_EN,
    ),
    _rule(
        "purchaser.late_sme_payment",
        "purchaser",
        "逾期向中小企业支付款项",
        "Late payment to an SME",
        "-10",
        730,
        "linear",
        "general",
        0,
        PURCHASER_ZH,
        PURCHASER_EN,
    ),
    _rule(
        "purchaser.late_contract_disclosure",
        "purchaser",
        "未按时公告政府采购合同",
        "Contract disclosed late",
        "-5",
        365,
        "linear",
        "minor",
        0,
        PURCHASER_ZH,
        PURCHASER_EN,
    ),
]


def seed_credit_rules(*, rule_model=None) -> int:
    """Create the catalogue rows that are missing (by code); return how many. Existing rows are kept."""
    if rule_model is None:
        from .models import CreditRule as rule_model
    existing = set(rule_model.objects.values_list("code", flat=True))
    missing = [rule_model(**row) for row in DEFAULT_CREDIT_RULES if row["code"] not in existing]
    rule_model.objects.bulk_create(missing)
    return len(missing)
