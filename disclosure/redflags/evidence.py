"""A flag's evidence as a reader sees it: labelled facts in the reader's language, and the bids,
lots, groups of suppliers or expert scores that raised it.

The evidence JSON a flag stores (disclosure.redflags.compute writes it):

* ``facts``: ``[[key, value], …]`` in reading order — numbers as strings, times as ISO 8601;
* ``bids``: ``[{"bid", "supplier", "name_zh", "name_en", "price", "received_at", "status", "winner"}]``;
* ``lots``: ``[{"lot", "reference", "number", "title_zh", "title_en", …numbers}]`` (party flags);
* ``groups``: ``[{"value", "suppliers": [{"id", "name_zh", "name_en"}]}]`` (collusion screens);
* ``deviations``: ``[{"expert", "name_zh", "name_en", "bid", "supplier_zh", "supplier_en",
  "criterion_zh", "criterion_en", "points", "median", "lower_fence", "upper_fence", "maximum",
  "reason"}]`` (expert deviations).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common.i18n import in_english
from procurement.models import Method

FACT_LABELS = {
    "method": _("Procurement method"),
    "tender_published_at": _("Tender notice published"),
    "bid_deadline": _("Bid deadline"),
    "period": _("Submission period"),
    "unit": _("Counted in"),
    "minimum": _("Minimum for the method"),
    "rule": _("Rulebook entry"),
    "bidders": _("Suppliers who bid"),
    "failed_at_opening": _("Failed at opening"),
    "winner_price": _("Winning price (CNY)"),
    "runner_up_price": _("Second-lowest valid price (CNY)"),
    "ratio": _("(second-lowest − winning) ÷ winning"),
    "threshold_source": _("Threshold from"),
    "q1": _("First quartile Q1"),
    "q3": _("Third quartile Q3"),
    "lower_fence": _("Lower fence Q1 − 1.5·IQR"),
    "upper_fence": _("Upper fence Q3 + 1.5·IQR"),
    "sample": _("Values compared"),
    "price": _("Price (CNY)"),
    "bids_at_price": _("Bids at that price"),
    "received_at": _("Winning bid received"),
    "seconds_late": _("Seconds after the deadline"),
    "disqualified_suppliers": _("Other suppliers disqualified"),
    "lowest_price": _("Lowest price (CNY)"),
    "submitted_bids": _("Bids submitted"),
    "disqualified_bids": _("Bids disqualified"),
    "share": _("Share disqualified"),
    "lots": _("Lots"),
    "valid_bids": _("Valid bids"),
    "wins": _("Lots won"),
    "top_tenderer_cut": _("More valid bids than (percentile)"),
    "categories": _("First-level categories"),
    "awards": _("Lots won"),
    "count": _("Suppliers' prices"),
    "mean": _("Mean price (CNY)"),
    "std": _("Standard deviation (CNY)"),
    "cv": _("Coefficient of variation σ/μ"),
    "rd": _("Relative distance (b₂ − b₁) ÷ σ of losing bids"),
    "spread": _("Spread (bₙ − b₁) ÷ b₁"),
    "diffp": _("Percentage difference (b₂ − b₁) ÷ b₁"),
    "deviation_percent": _("Deviation share of the criterion's points (%)"),
    "scores": _("Scores compared"),
    "opened_at": _("Bids opened"),
    "suppliers": _("Suppliers involved"),
}

UNIT_LABELS = {"days": _("calendar days"), "working_days": _("working days")}
SOURCE_LABELS = {
    "tukey": _("Tukey's fences over all values"),
    "configured": _("the configured threshold"),
    "rulebook": _("the rulebook"),
    "default": _("the indicator's default"),
}
STATUS_LABELS = {"valid": _("Valid"), "disqualified": _("Disqualified"), "opened": _("Opened")}


_NUMBER = re.compile(r"^[-+]?[0-9][0-9.,:\s-]*$")


@dataclass
class Description:
    # (label, value as shown, whether the value is a number or a time: set in a monospaced face)
    facts: list[tuple[str, str, bool]] = field(default_factory=list)
    bids: list[dict] = field(default_factory=list)
    lots: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    deviations: list[dict] = field(default_factory=list)
    more_lots: int = 0


def _name(row: dict, stem: str = "name") -> str:
    english = row.get(f"{stem}_en")
    return english if in_english() and english else row.get(f"{stem}_zh", "")


def _display(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key == "method":
        try:
            return str(Method(value).label)
        except ValueError:
            return str(value)
    if key == "unit":
        return str(UNIT_LABELS.get(value, value))
    if key == "threshold_source":
        return str(SOURCE_LABELS.get(value, value))
    if isinstance(value, dict):  # a text in both languages (a rulebook row's name)
        text = value.get("en") if in_english() and value.get("en") else value.get("zh", "")
        return f"{text} ({value['key']})" if value.get("key") else text
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str) and (key.endswith("_at") or key == "bid_deadline"):
        moment = parse_datetime(value)
        if isinstance(moment, datetime.datetime):
            return date_format(timezone.localtime(moment), "Y-m-d H:i:s")
    return str(value)


def describe(flag) -> Description:
    """The flag's evidence, labelled for the reader (no query)."""
    evidence = flag.evidence or {}
    description = Description()
    for key, value in evidence.get("facts", []):
        shown = _display(key, value)
        description.facts.append((str(FACT_LABELS.get(key, key)), shown, bool(_NUMBER.match(shown))))
    for bid in evidence.get("bids", []):
        description.bids.append(
            {
                **bid,
                "name": _name(bid),
                "status_label": str(STATUS_LABELS.get(bid.get("status"), bid.get("status") or "—")),
                "received": _display("received_at", bid.get("received_at")),
            }
        )
    for lot in evidence.get("lots", []):
        description.lots.append({**lot, "title": _name(lot, "title")})
    description.more_lots = int(evidence.get("more_lots") or 0)
    for group in evidence.get("groups", []):
        names = [_name(supplier) for supplier in group.get("suppliers", [])]
        description.groups.append(
            {"value": group.get("value", ""), "suppliers": (", " if in_english() else "、").join(names)}
        )
    for row in evidence.get("deviations", []):
        description.deviations.append(
            {
                **row,
                "name": _name(row),
                "supplier": _name(row, "supplier"),
                "criterion": _name(row, "criterion"),
            }
        )
    return description
