"""Filters of the portal pages."""

from django import template

from procurement.templating import yuan as _yuan

register = template.Library()


@register.filter
def yuan(amount) -> str:
    """1500000 -> "1,500,000.00" (CNY, two places); None -> "—"."""
    return _yuan(amount) or "—"


@register.filter
def short_hash(value: str, length: int = 12) -> str:
    """The first characters of a hash, for a narrow column (the whole is in the title attribute)."""
    return f"{value[: int(length)]}…" if value and len(value) > int(length) else (value or "")
