"""The navigation each role sees. Later issues add their pages to their roles' lists."""

from django.utils.translation import gettext_lazy as _

from .models import Role

# (label, URL name). Only pages that exist are listed.
COMMON = [(_("Workspace"), "accounts:workspace"), (_("Inbox"), "accounts:inbox")]
PUBLIC = [
    (_("Notices"), "notices:list"),
    (_("Credit"), "credit:index"),
    (_("Blacklist"), "credit:blacklist"),
    (_("Audit chain"), "audit:chain"),
]
OWN_CREDIT = (_("My credit record"), "credit:mine")
PROJECTS = (_("Projects"), "procurement:projects")
TENDERS = (_("Tenders"), "procurement:tenders")
REGULATOR_APPROVALS = (_("Approval requests"), "procurement:regulator_approvals")
MY_REGISTRATION = (_("My supplier registration"), "suppliers:profile")
SUPPLIER_REVIEW = (_("Supplier registrations"), "suppliers:review_list")
BIDS = (_("Bids"), "bidding:my_bids")

ROLE_NAVIGATION: dict[str, list] = {
    Role.PURCHASER_CLERK: [PROJECTS, OWN_CREDIT],
    Role.PURCHASER_APPROVER: [PROJECTS, OWN_CREDIT],
    Role.AGENCY_OFFICER: [TENDERS, OWN_CREDIT],
    Role.SUPPLIER_REPRESENTATIVE: [BIDS, MY_REGISTRATION, OWN_CREDIT],
    Role.EXPERT: [OWN_CREDIT],
    Role.REGULATOR: [REGULATOR_APPROVALS, SUPPLIER_REVIEW, (_("Credit supervision"), "credit:supervision")],
    Role.BANK_OFFICER: [],
    Role.OPERATOR: [SUPPLIER_REVIEW, (_("Administration"), "admin:index")],
}


def navigation_for(role: str | None) -> list:
    if role is None:
        return PUBLIC
    return COMMON + ROLE_NAVIGATION.get(role, []) + PUBLIC
