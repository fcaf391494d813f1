"""Reviewers and registration input for the suppliers tests."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.cn import uscc

from accounts.models import Organisation, Role
from tests.accounts.factories import OrganisationFactory
from tests.procurement.conftest import (  # noqa: F401 - fixtures: projects taken to each stage
    agency,
    approved_project,
    approvers,
    clerk,
    declared_next_year,
    drafted_project,
    entrusted_project,
    officer,
    purchaser,
    tendering_project,
)

from .fixtures import PDF_BYTES


def valid_uscc(serial: int, region: str = "330400") -> str:
    body = f"91{region}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def pdf_upload(name="letter.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def registration(serial=1, **overrides) -> dict:
    """Keyword arguments of suppliers.services.register_supplier for a valid registration."""
    today = timezone.localdate()
    data = {
        "name_zh": "嘉兴测试科技有限公司",
        "name_en": "Jiaxing Test Technology Co., Ltd.",
        "uscc": valid_uscc(serial),
        "region_code": "330400",
        "username": f"newsupplier{serial}",
        "password": "Sunlight-test-2026!",
        "email": f"newsupplier{serial}@example.cn",
        "representative_name": "钱七",
        "legal_representative": "孙八",
        "registered_capital": "3000000.00",
        "address": "浙江省嘉兴市南湖区科技路 8 号",
        "contact_name": "钱七",
        "contact_phone": "13800000000",
        "contact_email": f"sales{serial}@example.cn",
        "enterprise_size": "small",
        "special_status": "none",
        "bank_name": "嘉兴银行南湖支行",
        "bank_account_name": "嘉兴测试科技有限公司",
        "bank_account_number": "6222000099998888",
        "categories": ["goods"],
        "regions": ["330400"],
        "commitment_letter": pdf_upload(),
        "sme_declaration": pdf_upload("sme.pdf"),
        "qualifications": [
            {
                "kind": "quality_management",
                "number": "ISO-2024-001",
                "issued_on": today - datetime.timedelta(days=100),
                "expires_on": today + datetime.timedelta(days=500),
                "document": pdf_upload("iso.pdf"),
            }
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def operator(make_member):
    return make_member(Role.OPERATOR, organisation=OrganisationFactory(kind=Organisation.Kind.OPERATOR))


@pytest.fixture
def regulator(make_member):
    """The finance bureau of Jiaxing (330400): reviews suppliers of Jiaxing and its counties."""
    return make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330400"),
    )


@pytest.fixture
def other_regulator(make_member):
    """The finance bureau of Hangzhou (330100): not Jiaxing's."""
    return make_member(
        Role.REGULATOR,
        organisation=OrganisationFactory(kind=Organisation.Kind.REGULATOR, region_code="330100"),
    )


@pytest.fixture
def inline_email(monkeypatch):
    """Notification e-mails are sent at once (the task's body), so mailoutbox shows them."""
    from accounts import tasks

    monkeypatch.setattr(tasks.send_notification_email, "delay", lambda pk: tasks.send_notification_email(pk))
