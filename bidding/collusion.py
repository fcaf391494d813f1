"""Collusion screens at bid opening (pure functions over plain data; no ORM).

The opening service gathers, per bid, what the platform knows about how it was made and sent
(`BidFacts`), calls `screen_bids`, and records every `Flag` (bidding.models.CollusionFlag). A flag
never blocks anything by itself: it is shown to the agency, the evaluation panel and the regulator
with the legal basis of its screen (`SCREENS`) and carried into evaluation, where people decide.

The screens follow the statutory lists of what counts, or is deemed to count, as collusion:

* 《中华人民共和国招标投标法实施条例》第四十条 (deemed collusion): bids prepared by the same
  entity or person (1), bidding handled by the same entity or person (2), abnormally identical
  bids or prices in a regular progression (4), bonds paid from the same account (6);
* 《中华人民共和国政府采购法实施条例》第十八条 (suppliers with the same person in charge may not
  bid on the same contract) and 第七十四条 (malicious collusion, among others suppliers agreeing
  prices or the content of their bids);

and the device signals that Chinese e-platforms add to them (same IP for download and upload,
identical file hashes, identical document properties).

Grouping: suppliers that share one value make one flag for that value, not one flag per pair;
a flag always names at least two different suppliers. Several `BidFacts` of one supplier (a bid
withdrawn and submitted again) are merged into one supplier first.

Creating software: the software that made a file (PDF /Creator and /Producer, the Office
"Application") is shared by most honest bidders — nearly everyone writes with Word or WPS and
prints with the same PDF library — so identical software is flagged only when the whole
creator-and-producer pair is identical and at least one part of it is *not* common office or PDF
software (`GENERIC_SOFTWARE`): an unusual converter or a bidding tool licensed to one company.
"""

import ipaddress
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# --- The screens and their legal basis -----------------------------------------------------------

_BIDDING_REGS = "《中华人民共和国招标投标法实施条例》"
_GP_REGS = "《中华人民共和国政府采购法实施条例》"
_BIDDING_REGS_EN = "Implementing Regulations of the Bidding Law"
_GP_REGS_EN = "Implementing Regulations of the Government Procurement Law"


@dataclass(frozen=True)
class Screen:
    """One screen: its stable code, title and one-line explanation (translated), and the legal
    basis in both languages (a citation, the same in every locale, so it is not translated)."""

    kind: str
    title: Promise
    explanation: Promise
    basis_zh: str
    basis_en: str


def _screen(kind, title, explanation, basis_zh, basis_en) -> tuple[str, Screen]:
    return kind, Screen(kind, title, explanation, basis_zh, basis_en)


SCREENS: dict[str, Screen] = dict(
    [
        _screen(
            "same_ip",
            _("Bids uploaded from the same IP address"),
            _("Different suppliers submitted or uploaded their bids from the same network address."),
            f"{_BIDDING_REGS}第四十条第（一）项、第（二）项",
            f"{_BIDDING_REGS_EN}, art. 40(1) and (2)",
        ),
        _screen(
            "same_download_ip",
            _("Tender documents downloaded from the same IP address"),
            _("Different suppliers downloaded the tender documents from the same network address."),
            f"{_BIDDING_REGS}第四十条第（一）项、第（二）项",
            f"{_BIDDING_REGS_EN}, art. 40(1) and (2)",
        ),
        _screen(
            "same_user_agent",
            _("Bids sent from the same browser fingerprint"),
            _(
                "Different suppliers used exactly the same browser and system description; "
                "a weak signal alone, stronger beside others."
            ),
            f"{_BIDDING_REGS}第四十条第（一）项、第（二）项",
            f"{_BIDDING_REGS_EN}, art. 40(1) and (2)",
        ),
        _screen(
            "identical_file",
            _("Identical files in different bids"),
            _("A file in one supplier's bid is byte for byte the same as a file in another's."),
            f"{_BIDDING_REGS}第四十条第（一）项、第（四）项",
            f"{_BIDDING_REGS_EN}, art. 40(1) and (4)",
        ),
        _screen(
            "same_document_author",
            _("Same author in the document properties"),
            _(
                "Files of different suppliers name the same author or were last saved by the same "
                "person, according to their document properties."
            ),
            f"{_BIDDING_REGS}第四十条第（一）项",
            f"{_BIDDING_REGS_EN}, art. 40(1)",
        ),
        _screen(
            "same_document_company",
            _("Same company in the document properties"),
            _("Files of different suppliers name the same company in their document properties."),
            f"{_BIDDING_REGS}第四十条第（一）项",
            f"{_BIDDING_REGS_EN}, art. 40(1)",
        ),
        _screen(
            "same_creating_software",
            _("Same unusual creating software"),
            _(
                "Files of different suppliers were made by the same uncommon software "
                "(common office and PDF software is not counted)."
            ),
            f"{_BIDDING_REGS}第四十条第（一）项",
            f"{_BIDDING_REGS_EN}, art. 40(1)",
        ),
        _screen(
            "same_bond_account",
            _("Bid bonds paid from the same account"),
            _("The bid bonds of different suppliers were transferred from the same bank account."),
            f"{_BIDDING_REGS}第四十条第（六）项",
            f"{_BIDDING_REGS_EN}, art. 40(6)",
        ),
        _screen(
            "same_legal_representative",
            _("Same legal representative"),
            _(
                "Different suppliers have the same legal representative; suppliers with the same "
                "person in charge may not bid on the same contract."
            ),
            f"{_GP_REGS}第十八条",
            f"{_GP_REGS_EN}, art. 18",
        ),
        _screen(
            "same_phone",
            _("Same contact telephone"),
            _("Different suppliers gave the same telephone number."),
            f"{_BIDDING_REGS}第四十条第（二）项；{_GP_REGS}第十八条",
            f"{_BIDDING_REGS_EN}, art. 40(2); {_GP_REGS_EN}, art. 18",
        ),
        _screen(
            "same_address",
            _("Same address"),
            _("Different suppliers gave the same address."),
            f"{_BIDDING_REGS}第四十条第（二）项；{_GP_REGS}第十八条",
            f"{_BIDDING_REGS_EN}, art. 40(2); {_GP_REGS_EN}, art. 18",
        ),
        _screen(
            "identical_price",
            _("Identical prices"),
            _("Different suppliers bid exactly the same price."),
            f"{_BIDDING_REGS}第四十条第（四）项；{_GP_REGS}第七十四条第（三）项",
            f"{_BIDDING_REGS_EN}, art. 40(4); {_GP_REGS_EN}, art. 74(3)",
        ),
        _screen(
            "regular_price_progression",
            _("Prices in a regular progression"),
            _("Three or more prices rise by the same amount or by the same percentage from one to the next."),
            f"{_BIDDING_REGS}第四十条第（四）项；{_GP_REGS}第七十四条第（三）项",
            f"{_BIDDING_REGS_EN}, art. 40(4); {_GP_REGS_EN}, art. 74(3)",
        ),
        _screen(
            "compressed_prices",
            _("Prices unusually close together"),
            _(
                "The prices vary by less than one per cent of their mean (coefficient of variation); "
                "a statistical screen for agreed prices (Imhof 2017)."
            ),
            f"{_BIDDING_REGS}第四十条第（四）项；{_GP_REGS}第七十四条第（三）项",
            f"{_BIDDING_REGS_EN}, art. 40(4); {_GP_REGS_EN}, art. 74(3)",
        ),
    ]
)

# Our threshold, not a legal one: Imhof (2017) finds the coefficient of variation of bids in
# cartel periods of Swiss road tenders far below that of competitive ones; 1 per cent flags only
# bids that are nearly the same, so a flag is worth a human look.
COMPRESSED_CV_THRESHOLD = Decimal("0.01")
# Consecutive percentage steps count as "the same" when they differ by at most 0.1 per cent of
# the step (5 % and 5.005 %), so prices rounded to the cent still match.
RATIO_TOLERANCE = Decimal("0.001")


# --- Input and output ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BidFacts:
    supplier_id: int
    supplier_name: str  # for the evidence text
    price: Decimal | None
    ip_addresses: frozenset[str] = frozenset()  # submission and upload IPs
    download_ips: frozenset[str] = frozenset()  # tender-document download IPs
    user_agents: frozenset[str] = frozenset()
    file_hashes: frozenset[str] = frozenset()  # SHA-256 of every plaintext file
    metadata: tuple[dict, ...] = ()  # per file: author, company, creator, producer, last_modified_by
    bond_accounts: frozenset[str] = frozenset()  # normalised payer account numbers (cash bonds)
    legal_representative: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Flag:
    kind: str  # a key of SCREENS
    supplier_ids: tuple[int, ...]  # sorted, at least two
    evidence: dict  # JSON-serialisable: str values and lists of str

    @property
    def screen(self) -> Screen:
        return SCREENS[self.kind]


# --- Normalisation -------------------------------------------------------------------------------

# Values that Office, WPS and pirated Windows builds put into document properties by default:
# shared by strangers, so no signal. Compared after `normalise_text`.
GENERIC_PEOPLE = frozenset(
    {
        "administrator",
        "admin",
        "user",
        "users",
        "owner",
        "author",
        "unknown",
        "default",
        "guest",
        "pc",
        "windows user",
        "microsoft office user",
        "microsoft office 用户",
        "microsoft 用户",
        "microsoft",
        "微软用户",
        "微软中国",
        "微软",
        "用户",
        "系统管理员",
        "管理员",
        "作者",
        "lenovo",
        "dell",
        "hp",
        "asus",
        "acer",
        "ylmf",
        "雨林木风",
        "番茄花园",
        "深度之城",
        "sky123.org",
        "mc sys",
        "mc system",
        "china",
        "中国",
        "prc",
    }
)
GENERIC_COMPANIES = GENERIC_PEOPLE | frozenset(
    {"microsoft corporation", "微软公司", "微软（中国）有限公司", "organization", "company", "公司", "单位"}
)
# Software most bidders use (matched as words at the start of a normalised value, so versions
# and suffixes do not matter): office suites, operating-system printers and PDF libraries.
GENERIC_SOFTWARE = (
    "microsoft",
    "word",
    "excel",
    "wps",
    "kingsoft",
    "金山",
    "libreoffice",
    "openoffice",
    "writer",
    "calc",
    "acrobat",
    "adobe",
    "pdfium",
    "skia",
    "chromium",
    "chrome",
    "mozilla",
    "firefox",
    "cairo",
    "qt",
    "quartz",
    "mac os",
    "macos",
    "ios",
    "itext",
    "itextsharp",
    "pdfbox",
    "apache fop",
    "reportlab",
    "weasyprint",
    "wkhtmltopdf",
    "ghostscript",
    "gpl ghostscript",
    "pdftex",
    "xetex",
    "luatex",
    "foxit",
    "福昕",
    "nitro",
    "pdf-xchange",
    "pdfcreator",
    "primopdf",
    "smallpdf",
    "ilovepdf",
    "pages",
    "keynote",
    "numbers",
    "canon",
    "epson",
    "hp",
    "ricoh",
    "kyocera",
    "fuji",
    "brother",
    "sharp",
    "konica",
    "scanner",
    "扫描",
    "数科",
    "永中",
    "pdf",
)

_PUNCTUATION_CATEGORIES = ("P", "S", "Z", "C")


def normalise_text(value) -> str:
    """Metadata values: NFKC (full-width letters to half-width), whitespace collapsed, casefolded."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value)
    return " ".join(text.split()).casefold()


def normalise_address(value: str) -> str:
    """Strip whitespace and all punctuation and symbols (full- and half-width), casefold:
    "北京市 海淀区，中关村大街1号" == "北京市海淀区中关村大街1号"."""
    text = unicodedata.normalize("NFKC", value or "")
    kept = (ch for ch in text if not unicodedata.category(ch).startswith(_PUNCTUATION_CATEGORIES))
    return "".join(kept).casefold()


def normalise_phone(value: str) -> str:
    """Digits only, without a leading +86 / 86 / 0086 country code: "+86 138-0000-0000" ==
    "13800000000". Numbers of fewer than 7 digits (an extension, a typo) are dropped."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 7:
            digits = digits[len(prefix) :]
            break
    return digits if len(digits) >= 7 else ""


def normalise_person(value: str) -> str:
    """Legal representatives: spaces (also full-width) removed, casefolded."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).casefold()


def normalise_ip(value: str) -> str:
    """The canonical form when it parses ("::ffff:10.0.0.5" == "10.0.0.5"), else as given."""
    text = (value or "").strip()
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _generic_software(value: str) -> bool:
    """Latin names match as whole words at the start ("word 2016", not "wordsmith"); Chinese names
    as a prefix ("金山文档"), since a word boundary does not separate Chinese characters."""
    return any(
        value.startswith(word) if not word.isascii() else re.match(re.escape(word) + r"(?!\w)", value)
        for word in GENERIC_SOFTWARE
    )


# --- Screens over shared values ------------------------------------------------------------------


@dataclass
class _Supplier:
    supplier_id: int
    name: str
    prices: set
    facts: list


def _merge(bids: Iterable[BidFacts]) -> list[_Supplier]:
    merged: dict[int, _Supplier] = {}
    for bid in bids:
        supplier = merged.setdefault(
            bid.supplier_id, _Supplier(bid.supplier_id, bid.supplier_name, set(), [])
        )
        if bid.price is not None:
            supplier.prices.add(bid.price)
        supplier.facts.append(bid)
    return [merged[key] for key in sorted(merged)]


def _shared(
    kind: str,
    suppliers: list[_Supplier],
    values: Callable[[BidFacts], Iterable[tuple[str, str]]],
) -> list[Flag]:
    """One flag per normalised value held by two or more suppliers. `values` yields
    (normalised key, value as shown) pairs; an empty key is ignored."""
    holders: dict[str, dict[int, str]] = defaultdict(dict)
    names = {supplier.supplier_id: supplier.name for supplier in suppliers}
    for supplier in suppliers:
        for bid in supplier.facts:
            for key, shown in values(bid):
                if key:
                    holders[key].setdefault(supplier.supplier_id, shown)
    flags = []
    for key in sorted(holders):
        by_supplier = holders[key]
        if len(by_supplier) < 2:
            continue
        ids = tuple(sorted(by_supplier))
        flags.append(
            Flag(
                kind,
                ids,
                {
                    "value": by_supplier[ids[0]],
                    "values": [by_supplier[i] for i in ids],
                    "suppliers": [names[i] for i in ids],
                },
            )
        )
    return flags


def _strings(attribute: str, normalise: Callable[[str], str]):
    def values(bid: BidFacts):
        found = getattr(bid, attribute)
        for value in [found] if isinstance(found, str) else sorted(found):
            yield normalise(value), value.strip()

    return values


def _metadata_values(fields: tuple[str, ...], generic: frozenset[str]):
    def values(bid: BidFacts):
        for properties in bid.metadata:
            for field in fields:
                raw = properties.get(field) if isinstance(properties, dict) else None
                key = normalise_text(raw)
                if key and key not in generic:
                    yield key, raw.strip()

    return values


def _software_values(bid: BidFacts):
    for properties in bid.metadata:
        if not isinstance(properties, dict):
            continue
        creator = normalise_text(properties.get("creator"))
        producer = normalise_text(properties.get("producer"))
        parts = [part for part in (creator, producer) if part]
        if parts and not all(_generic_software(part) for part in parts):
            shown = " / ".join(
                str(properties.get(f)).strip() for f in ("creator", "producer") if properties.get(f)
            )
            yield f"{creator}\x1f{producer}", shown


def _file_values(ignored: frozenset[str]):
    def values(bid: BidFacts):
        for digest in sorted(bid.file_hashes):
            key = digest.strip().lower()
            if key not in ignored:
                yield key, key

    return values


# SHA-256 of an empty file: every empty upload has it.
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# --- Prices --------------------------------------------------------------------------------------


def _supplier_prices(suppliers: list[_Supplier]) -> dict[int, Decimal]:
    """One price per supplier: its lowest, if it somehow has several (a deterministic choice)."""
    return {supplier.supplier_id: min(supplier.prices) for supplier in suppliers if supplier.prices}


def _text(value: Decimal | None, places: int | None = None) -> str | None:
    if value is None:
        return None
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return str(value)


def _sample_std(values: list[Decimal]) -> Decimal | None:
    if len(values) < 2:
        return None
    mean = sum(values) / len(values)
    return (sum((value - mean) ** 2 for value in values) / (len(values) - 1)).sqrt()


def price_screens(prices: Iterable[Decimal]) -> dict[str, Decimal | int | None]:
    """The statistical screens of Imhof (2017) and Imhof, Karagök & Rutz (2018) over one tender's
    bids b1 <= b2 <= ... <= bn (one price per supplier); None where a screen is undefined.

    * cv — coefficient of variation, sample standard deviation / mean (low: compressed bids);
    * spread — (bn - b1) / b1 (low);
    * diffp — percentage difference, (b2 - b1) / b1 (high);
    * rd — relative distance, (b2 - b1) / standard deviation of the losing bids b2..bn (high).
    """
    bids = sorted(Decimal(price) for price in prices if price is not None)
    result: dict[str, Decimal | int | None] = {
        "count": len(bids),
        "mean": None,
        "std": None,
        "cv": None,
        "spread": None,
        "diffp": None,
        "rd": None,
    }
    if not bids:
        return result
    with localcontext() as context:
        context.prec = 28
        mean = sum(bids) / len(bids)
        std = _sample_std(bids)
        result["mean"] = mean
        result["std"] = std
        if std is not None and mean > 0:
            result["cv"] = std / mean
        if len(bids) >= 2 and bids[0] > 0:
            result["spread"] = (bids[-1] - bids[0]) / bids[0]
            result["diffp"] = (bids[1] - bids[0]) / bids[0]
        losing_std = _sample_std(bids[1:])
        if losing_std:
            result["rd"] = (bids[1] - bids[0]) / losing_std
    return result


def regular_progression(prices: Iterable[Decimal]) -> str | None:
    """ "arithmetic" if three or more distinct prices, sorted, rise by exactly the same amount;
    "geometric" if they rise by the same percentage (each step within RATIO_TOLERANCE of the
    first, relatively); else None."""
    values = sorted(set(prices))
    if len(values) < 3:
        return None
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    if all(step == steps[0] for step in steps):
        return "arithmetic"
    if values[0] <= 0:
        return None
    with localcontext() as context:
        context.prec = 28
        growths = [(b - a) / a for a, b in zip(values, values[1:], strict=False)]
        if max(growths) - min(growths) <= RATIO_TOLERANCE * min(growths):
            return "geometric"
    return None


def _price_flags(suppliers: list[_Supplier]) -> list[Flag]:
    prices = _supplier_prices(suppliers)
    names = {supplier.supplier_id: supplier.name for supplier in suppliers}
    flags = []
    by_price: dict[Decimal, list[int]] = defaultdict(list)
    for supplier_id, price in prices.items():
        by_price[price].append(supplier_id)
    for price in sorted(by_price):
        ids = tuple(sorted(by_price[price]))
        if len(ids) >= 2:
            flags.append(
                Flag("identical_price", ids, {"value": str(price), "suppliers": [names[i] for i in ids]})
            )
    if len(prices) >= 3:
        progression = regular_progression(prices.values())
        if progression:
            ids = tuple(sorted(prices, key=lambda i: (prices[i], i)))
            evidence = {
                "progression": progression,
                "prices": [str(prices[i]) for i in ids],
                "suppliers": [names[i] for i in ids],
            }
            distinct = sorted(set(prices.values()))
            if progression == "arithmetic":
                evidence["step"] = str(distinct[1] - distinct[0])
            else:
                evidence["ratio"] = _text(distinct[1] / distinct[0], 6)
            flags.append(Flag("regular_price_progression", tuple(sorted(ids)), evidence))
        screens = price_screens(prices.values())
        if screens["cv"] is not None and screens["cv"] < COMPRESSED_CV_THRESHOLD:
            ids = tuple(sorted(prices))
            flags.append(
                Flag(
                    "compressed_prices",
                    ids,
                    {
                        "cv": _text(screens["cv"], 6),
                        "threshold": str(COMPRESSED_CV_THRESHOLD),
                        "spread": _text(screens["spread"], 6),
                        "suppliers": [names[i] for i in ids],
                    },
                )
            )
    return flags


# --- Entry point ---------------------------------------------------------------------------------


def screen_bids(bids: Sequence[BidFacts], *, known_file_hashes: Iterable[str] = ()) -> list[Flag]:
    """Every screen over the bids of one lot. `known_file_hashes` are files nobody should be
    flagged for sharing: the tender documents' own forms and templates, which bidders are asked
    to fill in and may return unchanged. Flags come in the order of SCREENS, then by value."""
    suppliers = _merge(bids)
    if len(suppliers) < 2:
        return []
    ignored = frozenset(digest.strip().lower() for digest in known_file_hashes) | {EMPTY_SHA256}
    flags = [
        *_shared("same_ip", suppliers, _strings("ip_addresses", normalise_ip)),
        *_shared("same_download_ip", suppliers, _strings("download_ips", normalise_ip)),
        *_shared("same_user_agent", suppliers, _strings("user_agents", str.strip)),
        *_shared("identical_file", suppliers, _file_values(ignored)),
        *_shared(
            "same_document_author",
            suppliers,
            _metadata_values(("author", "last_modified_by"), GENERIC_PEOPLE),
        ),
        *_shared("same_document_company", suppliers, _metadata_values(("company",), GENERIC_COMPANIES)),
        *_shared("same_creating_software", suppliers, _software_values),
        *_shared("same_bond_account", suppliers, _strings("bond_accounts", _account)),
        *_shared("same_legal_representative", suppliers, _strings("legal_representative", normalise_person)),
        *_shared("same_phone", suppliers, _strings("phone", normalise_phone)),
        *_shared("same_address", suppliers, _strings("address", normalise_address)),
        *_price_flags(suppliers),
    ]
    order = {kind: index for index, kind in enumerate(SCREENS)}
    return sorted(flags, key=lambda flag: order[flag.kind])


def _account(value: str) -> str:
    """Account numbers: digits and letters only (spaces and dashes dropped), upper case."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isalnum()).upper()
