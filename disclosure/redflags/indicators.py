"""The red-flag indicators (DESIGN §3, REFERENCE §C): what each one means, where it comes from, who
it is about, and who may see it. A registry of plain data; the computing is in
disclosure.redflags.compute (pure functions) and disclosure.redflags.services (the ORM side).

Three families:

* the Open Contracting Partnership's Cardinal indicators (`open-contracting/cardinal-rs`, R003 …
  R058), computed the way Cardinal computes them over OCDS data, here over the platform's own rows;
* the statistical bid-rigging screens of Imhof (2017) and Imhof, Karagök & Rutz (2018) per lot:
  coefficient of variation, relative distance and spread of the bid prices;
* what the platform itself records: the collusion screens at bid opening (bidding.collusion, one
  indicator per screen, with that screen's own legal basis) and the expert scoring deviations.

An indicator's `public` says whether the public portal shows it on the project's page: only lot
flags about the procedure are public. Flags about a company (tenderer, buyer, procuring entity),
the collusion screens (they rest on IP addresses, files and personal details of bidders) and the
expert deviations (they name persons) are for the regulator's worklist only.

Texts are kept in both languages on the registry, like the rulebook's rows: a citation or a
definition is domain data, corrected here, not in a translation file.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

from django.conf import settings

from common.i18n import in_english
from disclosure.models import RedFlag
from procurement.models import Method

Level = RedFlag.Level


@dataclass(frozen=True)
class Bilingual:
    """A text in Chinese and English; str() gives the one of the active language."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en if in_english() else self.zh


class Family:
    CARDINAL = "cardinal"
    SCREEN = "screen"
    COLLUSION = "collusion"
    EVALUATION = "evaluation"


FAMILY_NAMES = {
    Family.CARDINAL: Bilingual(
        "开放合同伙伴关系 Cardinal 指标", "Open Contracting Partnership's Cardinal indicators"
    ),
    Family.SCREEN: Bilingual("串通投标统计筛查", "Statistical bid-rigging screens"),
    Family.COLLUSION: Bilingual("开标时的串通筛查", "Collusion screens at bid opening"),
    Family.EVALUATION: Bilingual("评审打分偏离", "Expert scoring deviations"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    family: str
    title: object  # Bilingual, or a lazy translation (the collusion screens' own titles)
    definition: object
    basis: object
    levels: tuple[str, ...]
    public: bool
    # What the value of a raised flag is, in the reader's words ("days", "ratio"…).
    value_label: Bilingual
    parameters: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    @property
    def anchor(self) -> str:
        """The id of the indicator's entry on the public definitions page."""
        return f"indicator-{self.code}"

    def parameter(self, name: str):
        """The parameter `name`: settings.REDFLAG_PARAMETERS[code][name] if set, else the default."""
        overrides = getattr(settings, "REDFLAG_PARAMETERS", {}).get(self.code, {})
        return overrides.get(name, self.parameters.get(name))

    def effective_parameters(self) -> list[tuple[str, str, str]]:
        """Every parameter as (name, label, value in force: settings over defaults) for the public
        page; a threshold of None is shown as Tukey's fences."""
        rows = []
        for name in self.parameters:
            value = self.parameter(name)
            if name == "methods":
                separator = ", " if in_english() else "、"
                shown = separator.join(str(Method(method).label) for method in value)
            elif value is None:
                shown = str(FENCES_IN_FORCE)
            else:
                shown = str(value)
            rows.append((name, str(PARAMETER_LABELS.get(name, name)), shown))
        return rows

    @property
    def level_labels(self) -> list[str]:
        return [str(Level(level).label) for level in self.levels]


PARAMETER_LABELS = {
    "threshold": Bilingual("阈值", "threshold"),
    "minimum_lots": Bilingual("计算围栏所需的最少标包数", "fewest lots to draw the fences"),
    "minimum_tenderers": Bilingual("计算围栏所需的最少投标人数", "fewest tenderers to draw the fences"),
    "minimum_parties": Bilingual("计算围栏所需的最少主体数", "fewest parties to draw the fences"),
    "percentile": Bilingual("“投标较多”的百分位数", "percentile of a frequent tenderer"),
    "minimum_submitted_bids": Bilingual("投标人最少投标数", "fewest bids of a tenderer"),
    "minimum_contracting_processes": Bilingual("最少标包数", "fewest lots of a party"),
    "digits": Bilingual("一级品目代码位数", "characters of the first-level category"),
    "minimum_bids": Bilingual("最少投标供应商数", "fewest suppliers bidding"),
    "methods": Bilingual("适用的采购方式", "procurement methods"),
}
FENCES_IN_FORCE = Bilingual("由数据计算（Tukey 围栏）", "from the data (Tukey's fences)")


def _params(**values) -> MappingProxyType:
    return MappingProxyType(values)


_CARDINAL = "Open Contracting Partnership, Cardinal (open-contracting/cardinal-rs)"
_CARDINAL_ZH = (
    "开放合同伙伴关系（Open Contracting Partnership）Cardinal 指标库（open-contracting/cardinal-rs）"
)
_FAZEKAS_CRI = (
    "Fazekas, Tóth & King (2016), 'An Objective Corruption Risk Index Using Public Procurement Data', "
    "European Journal on Criminal Policy and Research 22(3)"
)
_FAZEKAS_SINGLE = (
    "Fazekas & Kocsis (2020), 'Uncovering High-Level Corruption: Cross-National Objective Corruption "
    "Risk Indicators Using Public Procurement Data', British Journal of Political Science 50(1)"
)
_OECD = "OECD, Guidelines for Fighting Bid Rigging in Public Procurement (2009; Council Recommendation 2012)"
_OECD_ZH = "经济合作与发展组织《打击公共采购中串通投标指南》（2009年；2012年理事会建议）"
_IMHOF = (
    "Imhof (2017), 'Simple Statistical Screens to Detect Bid Rigging', Université de Fribourg working "
    "paper 484; Imhof, Karagök & Rutz (2018), 'Screening for Bid Rigging — Does It Work?', Journal of "
    "Competition Law & Economics 14(2); Wallimann, Imhof & Huber (2020), 'A Machine Learning Approach "
    "for Flagging Incomplete Bid-Rigging Cartels'"
)
_IMHOF_ZH = (
    "Imhof（2017）《识别串通投标的简单统计筛查》；Imhof、Karagök、Rutz（2018）《串通投标筛查是否有效》；"
    "Wallimann、Imhof、Huber（2020）《识别不完全串通卡特尔的机器学习方法》"
)
_BIDDING_REGS_40_4 = (
    "《中华人民共和国招标投标法实施条例》第四十条第（四）项（不同投标人的投标文件异常一致或者投标报价呈规律性差异，视为串通投标）",
    "Implementing Regulations of the Bidding Law, art. 40(4) (bids abnormally identical or prices in "
    "regular differences are deemed collusion)",
)
_GP_REGS_74_3 = (
    "《中华人民共和国政府采购法实施条例》第七十四条第（三）项（供应商之间协商报价、技术方案等投标文件或者响应文件的实质性内容）",
    "Implementing Regulations of the Government Procurement Law, art. 74(3) (suppliers agreeing the "
    "price or other substance of their bids)",
)


def _cardinal(code: str, zh_more: str = "", en_more: str = "") -> Bilingual:
    zh = f"{_CARDINAL_ZH} {code}"
    en = f"{_CARDINAL}, {code}"
    return Bilingual(f"{zh}；{zh_more}" if zh_more else zh, f"{en}; {en_more}" if en_more else en)


_TUKEY_EN = (
    "Tukey's fences: lower Q1 − 1.5·IQR, upper Q3 + 1.5·IQR, quartiles by Hyndman and Fan's "
    "definition 8 (as Cardinal computes them)"
)
_TUKEY_ZH = (
    "Tukey 围栏：下限 Q1 − 1.5·IQR，上限 Q3 + 1.5·IQR（四分位数按 Hyndman–Fan 第8种定义，与 Cardinal 一致）"
)

_RATIO = Bilingual("比率", "ratio")

CARDINAL_INDICATORS = [
    Indicator(
        code="R003",
        family=Family.CARDINAL,
        title=Bilingual("投标期限过短", "Short submission period"),
        definition=Bilingual(
            "从采购公告发布到投标（响应）截止的期限短于规则库对该采购方式规定的最短期限（招标按日历日，"
            "竞争性谈判和询价按工作日）；规则库没有规定的采购方式以15日为限。单一来源和直接采购不计。",
            "The time from the tender notice to the bid deadline is shorter than the rulebook's minimum "
            "for the procurement method (calendar days for tenders and consultation, working days for "
            "negotiation and inquiry); 15 days for a method the rulebook sets no minimum for. Single "
            "source and direct purchase are not counted.",
        ),
        basis=_cardinal(
            "R003",
            "《中华人民共和国政府采购法》第三十五条（招标文件发出之日起至投标截止不得少于二十日）；"
            + _FAZEKAS_CRI,
            "Government Procurement Law, art. 35 (at least twenty days from the tender documents to the "
            "bid deadline); " + _FAZEKAS_CRI,
        ),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("期限（日或工作日）", "period (days or working days)"),
        parameters=_params(threshold=15),
    ),
    Indicator(
        code="R018",
        family=Family.CARDINAL,
        title=Bilingual("仅一家供应商投标", "Single bid received"),
        definition=Bilingual(
            "竞争性采购（公开招标、邀请招标、竞争性谈判、竞争性磋商、询价、框架协议）的标包只收到一家供应商的投标。",
            "A lot procured by a competitive method (public or invited tender, competitive negotiation "
            "or consultation, inquiry, framework agreement) received a bid from one supplier only.",
        ),
        basis=_cardinal(
            "R018",
            "《中华人民共和国政府采购法》第三十六条（供应商不足三家的应予废标）；" + _FAZEKAS_SINGLE,
            "Government Procurement Law, art. 36 (a tender with fewer than three suppliers fails); "
            + _FAZEKAS_SINGLE,
        ),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("投标供应商数", "bidders"),
        parameters=_params(
            methods=(
                "public_tender",
                "invited_tender",
                "competitive_negotiation",
                "competitive_consultation",
                "inquiry",
                "framework_agreement",
            )
        ),
    ),
    Indicator(
        code="R024",
        family=Family.CARDINAL,
        title=Bilingual("次低报价与中标价过于接近", "Price close to winning bid"),
        definition=Bilingual(
            "中标价为最低有效报价时，（次低有效报价 − 中标价）÷ 中标价 不高于全部标包该比率的 Tukey 下限"
            "（或配置的阈值）：陪标者的报价可能刚好高出一点。",
            "Where the winning bid is the lowest valid bid: (second-lowest valid price − winning price) "
            "/ winning price is at or below the lower Tukey fence of that ratio over all lots (or the "
            "configured threshold) — a cover bid placed just above the winner.",
        ),
        basis=_cardinal("R024", _OECD_ZH + "（陪标）", _OECD + " (cover bidding)"),
        levels=(Level.LOT,),
        public=True,
        value_label=_RATIO,
        parameters=_params(threshold=None, minimum_lots=5),
    ),
    Indicator(
        code="R025",
        family=Family.CARDINAL,
        title=Bilingual("投标多而中标少", "Excessive unsuccessful bids"),
        definition=Bilingual(
            "有效投标数多于全部投标人第75百分位数的投标人中，中标数 ÷ 有效投标数 低于全部投标人该比率的 "
            "Tukey 下限（或配置的阈值）：可能在为他人陪标。",
            "Among the tenderers with more valid bids than the 75th percentile of all tenderers, one "
            "whose wins / valid bids is below the lower Tukey fence of that ratio over all tenderers "
            "(or the configured threshold) — it may be bidding to lose, covering for others.",
        ),
        basis=_cardinal("R025", _OECD_ZH + "（陪标、轮流中标）", _OECD + " (cover bidding, bid rotation)"),
        levels=(Level.TENDERER,),
        public=False,
        value_label=_RATIO,
        parameters=_params(threshold=None, percentile=75, minimum_tenderers=5),
    ),
    Indicator(
        code="R028",
        family=Family.CARDINAL,
        title=Bilingual("不同供应商报价相同", "Identical bid prices"),
        definition=Bilingual(
            "同一标包中不同供应商的开标报价完全相同。",
            "Different suppliers bid exactly the same price for the lot.",
        ),
        basis=_cardinal(
            "R028",
            _BIDDING_REGS_40_4[0] + "；" + _GP_REGS_74_3[0],
            _BIDDING_REGS_40_4[1] + "; " + _GP_REGS_74_3[1],
        ),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("报价相同的投标数", "bids at a shared price"),
    ),
    Indicator(
        code="R030",
        family=Family.CARDINAL,
        title=Bilingual("逾期投标中标", "Late bid won"),
        definition=Bilingual(
            "中标的有效投标在投标截止时间之后才收到。平台拒收逾期投标，出现本标记说明数据在平台之外被改动。",
            "The winning valid bid was received after the bid deadline. The platform refuses late "
            "bids: a flag means the data were changed outside it.",
        ),
        basis=_cardinal(
            "R030",
            "《中华人民共和国招标投标法》第二十八条（截止时间后送达的投标文件应当拒收）",
            "Bidding Law, art. 28 (bids delivered after the deadline are refused)",
        ),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("逾期秒数", "seconds late"),
    ),
    Indicator(
        code="R035",
        family=Family.CARDINAL,
        title=Bilingual("除中标人外其余投标均被否决", "All except winning bid disqualified"),
        definition=Bilingual(
            "中标人是唯一通过资格和符合性审查的供应商，且至少有一家（阈值）其他供应商的投标被否决。",
            "The winner is the only supplier whose bid passed the qualification review, and at least "
            "one (the threshold) other supplier's bid was disqualified.",
        ),
        basis=_cardinal("R035"),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("被否决的供应商数", "disqualified suppliers"),
        parameters=_params(threshold=1),
    ),
    Indicator(
        code="R036",
        family=Family.CARDINAL,
        title=Bilingual("最低报价被否决", "Lowest bid disqualified"),
        definition=Bilingual(
            "已定标的标包中，开标报价最低的投标未通过资格或符合性审查。",
            "In an awarded lot, the bid with the lowest price was disqualified in the qualification review.",
        ),
        basis=_cardinal("R036"),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("最低报价（元）", "lowest price (CNY)"),
    ),
    Indicator(
        code="R038",
        family=Family.CARDINAL,
        title=Bilingual("被否决投标比例过高", "Excessive disqualified bids"),
        definition=Bilingual(
            "采购人（买方）、采购代理机构（采购实施方）所办标包中被否决投标的比例，或某投标人自身投标被否决的"
            "比例，不低于同类各方该比例的 Tukey 上限（或配置的阈值）；只比较至少有2个标包的采购人和代理机构、"
            "至少有2份投标的投标人。",
            "The share of disqualified bids among the bids to a buyer's (purchaser's) or procuring "
            "entity's (agency's) lots, or among a tenderer's own bids, is at or above the upper Tukey "
            "fence of that share over all buyers, procuring entities or tenderers (or the configured "
            "threshold); only buyers and procuring entities with at least 2 lots and tenderers with at "
            "least 2 bids are compared.",
        ),
        basis=_cardinal("R038"),
        levels=(Level.BUYER, Level.PROCURING_ENTITY, Level.TENDERER),
        public=False,
        value_label=_RATIO,
        parameters=_params(
            threshold=None, minimum_submitted_bids=2, minimum_contracting_processes=2, minimum_parties=5
        ),
    ),
    Indicator(
        code="R048",
        family=Family.CARDINAL,
        title=Bilingual("供应商中标品目异常分散", "Heterogeneous supplier"),
        definition=Bilingual(
            "供应商中标标包所属政府采购品目（一级品目，如 A02）的种类数"
            "不低于中标数达到最少数量的各供应商该数的 "
            "Tukey 上限（向上取整，或配置的阈值）。",
            "The number of different first-level categories of the government procurement catalogue "
            "(e.g. A02) among the lots a supplier won is at or above the upper Tukey fence (rounded up) "
            "of that number over the suppliers with at least the minimum number of awards (or the "
            "configured threshold).",
        ),
        basis=_cardinal(
            "R048",
            "Gallego、Rivero、Martínez（2021）《新冠疫情紧急采购背景下供应商视角的腐败风险指数》C1B 部分",
            "Gallego, Rivero & Martínez (2021), 'Design and measurement of a corruption risk index "
            "from a supplier perspective in the context of COVID-19 emergency', component C1B",
        ),
        levels=(Level.TENDERER,),
        public=False,
        value_label=Bilingual("一级品目数", "first-level categories"),
        parameters=_params(threshold=None, digits=3, minimum_contracting_processes=20, minimum_parties=5),
    ),
    Indicator(
        code="R058",
        family=Family.CARDINAL,
        title=Bilingual("中标价大幅低于其他报价", "Heavily discounted bid"),
        definition=Bilingual(
            "中标价为最低有效报价时，（次低有效报价 − 中标价）÷ 中标价 不低于全部标包该比率的 Tukey 上限"
            "（或配置的阈值）：过低的报价可能在履约中再抬高。",
            "Where the winning bid is the lowest valid bid: (second-lowest valid price − winning price) "
            "/ winning price is at or above the upper Tukey fence of that ratio over all lots (or the "
            "configured threshold) — a price so low it may be made up later.",
        ),
        basis=_cardinal("R058"),
        levels=(Level.LOT, Level.TENDERER),
        public=True,
        value_label=_RATIO,
        parameters=_params(threshold=None, minimum_lots=5),
    ),
]

SCREEN_INDICATORS = [
    Indicator(
        code="CV",
        family=Family.SCREEN,
        title=Bilingual("报价变异系数过低", "Low coefficient of variation of bids"),
        definition=Bilingual(
            "至少三家供应商投标的标包中，报价的变异系数 CV = σ/μ（样本标准差除以平均数）不高于全部此类标包的 "
            "Tukey 下限（或配置的阈值）：报价异常集中。",
            "In a lot with bids from at least three suppliers, the coefficient of variation of the "
            "prices, CV = σ/μ (sample standard deviation over the mean), is at or below the lower Tukey "
            "fence over all such lots (or the configured threshold): the prices are compressed.",
        ),
        basis=Bilingual(_IMHOF_ZH + "；" + _BIDDING_REGS_40_4[0], _IMHOF + "; " + _BIDDING_REGS_40_4[1]),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("变异系数", "coefficient of variation"),
        parameters=_params(threshold=None, minimum_bids=3, minimum_lots=5),
    ),
    Indicator(
        code="RD",
        family=Family.SCREEN,
        title=Bilingual("最低报价与其余报价相对距离过大", "High relative distance of bids"),
        definition=Bilingual(
            "至少三家供应商投标的标包中，相对距离 RD = (b₂ − b₁) ÷ 落选报价 b₂…bₙ 的标准差，"
            "不低于全部此类标包的 "
            "Tukey 上限（或配置的阈值）：最低价与聚在一起的陪标报价之间差距异常。",
            "In a lot with bids from at least three suppliers, the relative distance RD = (b₂ − b₁) / "
            "the standard deviation of the losing bids b₂…bₙ is at or above the upper Tukey fence over "
            "all such lots (or the configured threshold): a gap between the lowest bid and clustered "
            "cover bids.",
        ),
        basis=Bilingual(_IMHOF_ZH + "；" + _OECD_ZH, _IMHOF + "; " + _OECD),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("相对距离", "relative distance"),
        parameters=_params(threshold=None, minimum_bids=3, minimum_lots=5),
    ),
    Indicator(
        code="SPREAD",
        family=Family.SCREEN,
        title=Bilingual("报价极差过小", "Low spread of bids"),
        definition=Bilingual(
            "至少三家供应商投标的标包中，极差 (bₙ − b₁) ÷ b₁ "
            "不高于全部此类标包的 Tukey 下限（或配置的阈值）。",
            "In a lot with bids from at least three suppliers, the spread (bₙ − b₁) / b₁ is at or below "
            "the lower Tukey fence over all such lots (or the configured threshold).",
        ),
        basis=Bilingual(_IMHOF_ZH + "；" + _BIDDING_REGS_40_4[0], _IMHOF + "; " + _BIDDING_REGS_40_4[1]),
        levels=(Level.LOT,),
        public=True,
        value_label=Bilingual("极差", "spread"),
        parameters=_params(threshold=None, minimum_bids=3, minimum_lots=5),
    ),
]

EXPERT_DEVIATION = Indicator(
    code="EXPERT-DEV",
    family=Family.EVALUATION,
    title=Bilingual("评审专家打分偏离评审小组", "Expert score far from the panel"),
    definition=Bilingual(
        "评审成员对某投标某项评分因素的打分（或其非价格总分）落在小组其他成员打分的 Tukey 围栏之外，"
        "且与其他成员打分中位数之差超过该评审采用的偏离幅度（规则库：该因素分值的百分比）；"
        "至少三名成员打分时才比较。",
        "A panel member's score for a bid on a criterion (or their non-price total for it) lies "
        "outside the Tukey fences of the other members' scores for it, and further from their median "
        "than the evaluation's deviation share (the rulebook's percentage of the criterion's points); "
        "compared where at least three members scored.",
    ),
    basis=Bilingual(
        "《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十二条（持不同意见的成员应签署不同意见及理由）；"
        "规则库 evaluation.deviation_percent；" + _TUKEY_ZH,
        "MOF Order No. 87, art. 62 (a member who disagrees signs the report with their reasons); the "
        "rulebook's evaluation.deviation_percent; " + _TUKEY_EN,
    ),
    levels=(Level.LOT,),
    public=False,
    value_label=Bilingual("偏离的评分数", "deviating scores"),
)

# Prefix of the collusion screens' codes: "C-same_ip" for bidding.collusion.SCREENS["same_ip"].
COLLUSION_PREFIX = "C-"


def _collusion_indicators() -> list[Indicator]:
    """One indicator per screen of bidding.collusion, with that screen's title, explanation and
    legal basis (the bidding app keeps them; translated there)."""
    from bidding.collusion import SCREENS

    return [
        Indicator(
            code=f"{COLLUSION_PREFIX}{screen.kind}",
            family=Family.COLLUSION,
            title=screen.title,
            definition=screen.explanation,
            basis=Bilingual(screen.basis_zh, screen.basis_en),
            levels=(Level.LOT,),
            public=False,
            value_label=Bilingual("涉及的供应商数", "suppliers involved"),
        )
        for screen in SCREENS.values()
    ]


INDICATORS: dict[str, Indicator] = {
    indicator.code: indicator
    for indicator in [*CARDINAL_INDICATORS, *SCREEN_INDICATORS, *_collusion_indicators(), EXPERT_DEVIATION]
}

PUBLIC_CODES = frozenset(code for code, indicator in INDICATORS.items() if indicator.public)

TUKEY = Bilingual(_TUKEY_ZH, _TUKEY_EN)


def indicator(code: str) -> Indicator | None:
    return INDICATORS.get(code)


def by_family() -> list[tuple[Bilingual, list[Indicator]]]:
    """The indicators grouped by family, in the registry's order (for the definitions page)."""
    groups: dict[str, list[Indicator]] = {}
    for item in INDICATORS.values():
        groups.setdefault(item.family, []).append(item)
    return [(FAMILY_NAMES[family], items) for family, items in groups.items()]
