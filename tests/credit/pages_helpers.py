"""Shared set-up of the credit page and API tests: one party of each kind in region 330400, the
roles of the permission matrix, and a history made through the services (a published penalty with
its document, an unpublished event with a document, an appeal with a document, an import).

Plain functions, not fixtures, so that each test module declares the fixtures it uses.
"""

from dataclasses import dataclass

from accounts.models import Organisation, Role, User
from credit import selectors, services
from credit.models import CreditAppeal, CreditEvent, CreditImport, CreditRecord
from tests.accounts.factories import OrganisationFactory, make_uscc

from .factories import CreditEventFactory, csv_feed, pdf_upload
from .factories import supplier as make_supplier

# The columns of every permission matrix, in this order.
ROLES = (
    "anonymous",
    "purchaser_clerk",
    "supplier_representative",
    "expert",
    "regulator",
    "other_regulator",
    "bank_officer",
)


def matrix(**rows: tuple) -> dict[str, dict[str, int]]:
    """{row: (status for each of ROLES)} -> {role: {row: status}}."""
    for name, statuses in rows.items():
        assert len(statuses) == len(ROLES), name
    return {role: {name: statuses[i] for name, statuses in rows.items()} for i, role in enumerate(ROLES)}


@dataclass
class World:
    users: dict[str, User | None]
    supplier: Organisation
    supplier_record: CreditRecord
    purchaser_record: CreditRecord
    expert_record: CreditRecord
    penalty: CreditEvent  # published, with its document, banning the supplier
    unpublished: CreditEvent  # the supplier's, with a document, not published
    appealed: CreditEvent  # the supplier's, under appeal
    appeal: CreditAppeal  # with one document
    batch: CreditImport  # imported by the regulator of 330400


def penalty_against(record: CreditRecord, regulator: User, *, rule_code="supplier.false_materials", **kw):
    return services.record_penalty(
        record.pk,
        actor=regulator,
        rule_code=rule_code,
        occurred_on=kw.pop("occurred_on", selectors.today()),
        description=kw.pop("description", "Forged ISO certificate in the bid."),
        document=kw.pop("document", pdf_upload()),
        **kw,
    )


def build_world(make_member) -> World:
    """Every role of the matrix, with a credit history of the supplier touching each page."""
    supplier = make_supplier(region_code="330400")
    regulator = make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330400"),
    )
    users = {
        "anonymous": None,
        "purchaser_clerk": make_member(Role.PURCHASER_CLERK),
        "supplier_representative": make_member(Role.SUPPLIER_REPRESENTATIVE, organisation=supplier),
        "expert": make_member(
            Role.EXPERT,
            organisation=OrganisationFactory(kind=Organisation.Kind.OPERATOR, region_code="330400"),
        ),
        "regulator": regulator,
        "other_regulator": make_member(
            Role.REGULATOR,
            organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330100"),
        ),
        "bank_officer": make_member(Role.BANK_OFFICER),
    }
    supplier_record = services.ensure_credit_record(supplier)
    purchaser_record = services.ensure_credit_record(users["purchaser_clerk"].active_membership.organisation)
    expert_record = services.ensure_credit_record(users["expert"])
    penalty = penalty_against(supplier_record, regulator)
    unpublished = CreditEventFactory(
        record=supplier_record, rule__points=-5, document=pdf_upload("inspection.pdf"), is_published=False
    )
    appealed = services.record_event(
        supplier, "supplier.late_delivery", description="Delivered 12 days late."
    )
    appeal = services.appeal_event(
        appealed.pk,
        actor=users["supplier_representative"],
        reasons="The purchaser moved the delivery address.",
        documents=[pdf_upload("delivery-note.pdf")],
    )
    batch = services.import_feed(
        csv_feed([feed_row(supplier.uscc, "external.major_tax_violation", "TAX-2026-0001")]),
        actor=regulator,
        source_name="Credit China (test)",
    )
    return World(
        users=users,
        supplier=supplier,
        supplier_record=supplier_record,
        purchaser_record=purchaser_record,
        expert_record=expert_record,
        penalty=penalty,
        unpublished=unpublished,
        appealed=appealed,
        appeal=appeal,
        batch=batch,
    )


def feed_row(uscc: str, rule: str, reference: str, **fields) -> dict:
    return {
        "uscc": uscc,
        "name": fields.pop("name", "测试单位"),
        "rule": rule,
        "reference": reference,
        "decided_on": fields.pop("decided_on", selectors.today().isoformat()),
        "authority": fields.pop("authority", "国家税务总局嘉兴市税务局"),
        "description": fields.pop("description", ""),
        **fields,
    }


def unknown_uscc(n: int = 990_001) -> str:
    """A valid code that no organisation has."""
    return make_uscc(n)


def client_for(role: str, world: World, client, login):
    """The test client acting as `role` of the world (second factor passed where it applies)."""
    user = world.users[role]
    return client if user is None else login(user)
