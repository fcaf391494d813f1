"""Fixtures of the procurement tests: a purchaser with a clerk and three approvers, an agency with
an officer, a regulator of the region, and projects taken through the services to each stage.

Dates: today is whatever the clock says; a tender's deadline falls weeks later, possibly in a year
chinesecalendar does not cover yet, so `declared_next_year` declares next year (weekends off, New
Year's Day off) as an operator would. `publishable` backdates the procurement intention so the
tender notice may be published today.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation, Role
from procurement import services
from procurement.models import Method, Project
from rulebook import calendar
from rulebook.services import declare_calendar_year
from tests.accounts.factories import OrganisationFactory, make_uscc


@pytest.fixture
def purchaser(db):
    # Fixed names: every test's tender documents are then the same document (rendered once, PDF_MEMO).
    return OrganisationFactory(
        kind=Organisation.Kind.PURCHASER,
        region_code="330400",
        name_zh="嘉兴市测试学校",
        name_en="Jiaxing Test School",
        uscc=make_uscc(1),
    )


@pytest.fixture
def clerk(make_member, purchaser):
    return make_member(Role.PURCHASER_CLERK, organisation=purchaser)


@pytest.fixture
def approvers(make_member, purchaser):
    """Three approvers: limits of 1, 5 and 50 million yuan."""
    return [
        make_member(Role.PURCHASER_APPROVER, organisation=purchaser, approval_limit=Decimal(limit))
        for limit in ("1000000", "5000000", "50000000")
    ]


@pytest.fixture
def agency(db):
    return OrganisationFactory(
        kind=Organisation.Kind.AGENCY,
        region_code="330400",
        name_zh="嘉兴市测试采购代理有限公司",
        name_en="Jiaxing Test Agency",
        uscc=make_uscc(2),
    )


@pytest.fixture
def officer(make_member, agency):
    return make_member(Role.AGENCY_OFFICER, organisation=agency)


@pytest.fixture
def other_officer(make_member):
    """An officer of another agency: never entrusted with the fixtures' projects."""
    return make_member(Role.AGENCY_OFFICER, organisation=OrganisationFactory(kind=Organisation.Kind.AGENCY))


@pytest.fixture
def foreign_clerk(make_member):
    """A clerk of another purchaser of the same region."""
    return make_member(
        Role.PURCHASER_CLERK,
        organisation=OrganisationFactory(kind=Organisation.Kind.PURCHASER, region_code="330400"),
    )


@pytest.fixture
def regulator(make_member):
    return make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330400"),
    )


@pytest.fixture
def other_regulator(make_member):
    return make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330100"),
    )


@pytest.fixture
def declared_next_year(db, make_member):
    """Next year's calendar, declared if chinesecalendar does not cover it (weekends, 1 January off)."""
    year = timezone.localdate().year + 1
    if not calendar.is_covered(datetime.date(year, 1, 1)):
        declare_calendar_year(
            year,
            days_off=[datetime.date(year, 1, 1)],
            working_days=[],
            reason_zh="测试：按周末排定",
            reason_en="Test: weekends only",
            actor=make_member(Role.OPERATOR),
        )
    return year


def lots(*budgets):
    return [
        {
            "title_zh": f"第{n}包",
            "title_en": f"Lot {n}",
            "budget": budget,
            "quantity_and_specification": "台式计算机 100 台",
            "delivery_place": "嘉兴市",
            "delivery_period": "合同签订后 30 日内",
        }
        for n, budget in enumerate(budgets, start=1)
    ]


def file_project(clerk, budget="2500000.00", lot_budgets=("1500000.00", "1000000.00"), **fields):
    fields.setdefault("method", Method.PUBLIC_TENDER)
    return services.file_project(
        actor=clerk,
        title_zh="教学用计算机采购",
        title_en="Computers for teaching",
        category=fields.pop("category", "goods"),
        classification_code="A02010104",
        budget=budget,
        funding_source="fiscal_budget",
        lots=lots(*lot_budgets),
        **fields,
    )


def approve(project, approvers) -> Project:
    """Submit and approve through every level the amount needs."""
    services.submit_project(project.pk, actor=project.drafted_by)
    project.refresh_from_db()
    for approver in approvers[-project.approval_levels :]:
        services.approve_project(project.pk, actor=approver)
    project.refresh_from_db()
    return project


@pytest.fixture
def approved_project(clerk, approvers):
    return approve(file_project(clerk), approvers)


@pytest.fixture
def imported_project(clerk, approvers):
    """Approved, buying imported products: the regulator's approval is requested."""
    project = file_project(
        clerk, imported_products=True, imported_products_justification="国内同类产品的精度达不到教学实验要求"
    )
    return approve(project, approvers)


@pytest.fixture
def single_source_project(clerk, approvers):
    """Approved single source of 2.5 million yuan (above the threshold): awaiting the regulator."""
    project = file_project(
        clerk, method=Method.SINGLE_SOURCE, method_justification="只有原厂能提供兼容的升级部件"
    )
    return approve(project, approvers)


def entrust(project, clerk, agency) -> Project:
    services.entrust_project(project.pk, actor=clerk, agency_id=agency.pk, scope="组织采购全过程")
    project.refresh_from_db()
    return project


@pytest.fixture
def entrusted_project(approved_project, clerk, officer, agency):
    services.entrust_project(
        approved_project.pk, actor=clerk, agency_id=agency.pk, scope="组织公开招标全过程"
    )
    approved_project.refresh_from_db()
    return approved_project


def make_publishable(project) -> Project:
    """Backdate the procurement intention by 40 days, so the tender notice may go out today."""
    Project.objects.filter(pk=project.pk).update(
        intention_published_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    project.refresh_from_db()
    return project


@pytest.fixture
def drafted_project(entrusted_project, officer, declared_next_year):
    """Entrusted, publishable today, with version 1 of its documents at the earliest lawful dates."""
    make_publishable(entrusted_project)
    services.start_tender_documents(entrusted_project.pk, actor=officer)
    return entrusted_project


@pytest.fixture
def tendering_project(drafted_project, officer):
    services.publish_tender(drafted_project.pk, actor=officer)
    drafted_project.refresh_from_db()
    return drafted_project
