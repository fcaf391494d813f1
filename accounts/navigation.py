"""The navigation each role sees. Later issues add their pages to their roles' lists."""

from django.utils.translation import gettext_lazy as _

from .models import Role

# (label, URL name). Only pages that exist are listed.
COMMON = [(_("Workspace"), "accounts:workspace"), (_("Inbox"), "accounts:inbox")]
PUBLIC = [
    (_("Notices"), "notices:list"),
    (_("Search"), "disclosure:search"),
    (_("Dashboards"), "disclosure:dashboards"),
    (_("Open data"), "ocds:index"),
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
MY_EVALUATIONS = (_("My evaluations"), "bidding:evaluation_desk")
AWARDS = (_("Awards"), "bidding:awards")
OVERDUE_AWARDS = (_("Overdue awards"), "bidding:awards_overdue")
MY_CHALLENGES = (_("Challenges"), "bidding:challenges_mine")
CHALLENGES_TO_ANSWER = (_("Challenges"), "bidding:challenges_to_answer")
COMPLAINTS = (_("Complaints"), "bidding:complaints")
MY_EXPERT_PROFILE = (_("My expert profile"), "experts:profile")
PANEL_INVITATIONS = (_("Panel invitations"), "bidding:panel_invitations")
EXPERT_POOL = (_("Expert pool"), "experts:pool")
CONTRACTS = (_("Contracts"), "contracts:list")
FINANCING = (_("Contract financing"), "contracts:financing_list")

ROLE_NAVIGATION: dict[str, list] = {
    Role.PURCHASER_CLERK: [PROJECTS, AWARDS, CONTRACTS, CHALLENGES_TO_ANSWER, PANEL_INVITATIONS, OWN_CREDIT],
    Role.PURCHASER_APPROVER: [
        PROJECTS,
        AWARDS,
        CONTRACTS,
        CHALLENGES_TO_ANSWER,
        PANEL_INVITATIONS,
        OWN_CREDIT,
    ],
    Role.AGENCY_OFFICER: [TENDERS, CONTRACTS, CHALLENGES_TO_ANSWER, OWN_CREDIT],
    Role.SUPPLIER_REPRESENTATIVE: [BIDS, MY_CHALLENGES, CONTRACTS, FINANCING, MY_REGISTRATION, OWN_CREDIT],
    Role.EXPERT: [PANEL_INVITATIONS, MY_EVALUATIONS, MY_EXPERT_PROFILE, OWN_CREDIT],
    Role.REGULATOR: [
        REGULATOR_APPROVALS,
        SUPPLIER_REVIEW,
        EXPERT_POOL,
        COMPLAINTS,
        OVERDUE_AWARDS,
        CONTRACTS,
        (_("Credit supervision"), "credit:supervision"),
        (_("Red flags"), "disclosure:redflag_worklist"),
        (_("Regulator's dashboard"), "disclosure:dashboard_regulator"),
    ],
    Role.BANK_OFFICER: [FINANCING],
    Role.OPERATOR: [SUPPLIER_REVIEW, EXPERT_POOL, (_("Administration"), "admin:index")],
}


def navigation_for(role: str | None) -> list:
    if role is None:
        return PUBLIC
    return COMMON + ROLE_NAVIGATION.get(role, []) + PUBLIC
