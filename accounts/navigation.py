"""The navigation each role sees. Later issues add their pages to their roles' lists."""

from django.utils.translation import gettext_lazy as _

from .models import Role

# (label, URL name). Only pages that exist are listed.
COMMON = [(_("Workspace"), "accounts:workspace"), (_("Inbox"), "accounts:inbox")]
PUBLIC = [(_("Audit chain"), "audit:chain")]

ROLE_NAVIGATION: dict[str, list] = {
    Role.PURCHASER_CLERK: [],
    Role.PURCHASER_APPROVER: [],
    Role.AGENCY_OFFICER: [],
    Role.SUPPLIER_REPRESENTATIVE: [],
    Role.EXPERT: [],
    Role.REGULATOR: [],
    Role.BANK_OFFICER: [],
    Role.OPERATOR: [(_("Administration"), "admin:index")],
}


def navigation_for(role: str | None) -> list:
    if role is None:
        return PUBLIC
    return COMMON + ROLE_NAVIGATION.get(role, []) + PUBLIC
