"""Demo supplier registrations: every demo supplier organisation (users <region>_supplier and
<region>_supplier2) approved, with bilingual-plausible details and two qualifications (one
expiring within 30 days, so the warning shows), plus one registration awaiting review in Jiaxing
for the reviewers (operator, jx_regulator). Safe to load again: each row is get_or_create.
"""

import datetime
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Membership, Organisation, Role, User
from audit.services import record_event

from .models import Qualification, SupplierProfile

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
SHA256 = hashlib.sha256(PDF).hexdigest()

# Per demo supplier key: (legal representative, size, categories, qualification kinds)
PROFILES = {
    "supplier": (
        "王建国",
        SupplierProfile.Size.SMALL,
        ["goods"],
        ["quality_management", "medical_device_trading"],
    ),
    "supplier2": (
        "陈志明",
        SupplierProfile.Size.MEDIUM,
        ["services", "works"],
        ["information_security", "work_safety"],
    ),
}
PENDING_USCC_BODY = "91330400MA0099001"


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


def _profile(
    organisation: Organisation, status: str, legal_representative: str, size: str, categories
) -> tuple:
    profile, created = SupplierProfile.objects.get_or_create(
        organisation=organisation,
        defaults={
            "status": status,
            "legal_representative": legal_representative,
            "registered_capital": Decimal("10000000.00")
            if size == SupplierProfile.Size.MEDIUM
            else Decimal("3000000.00"),
            "address": f"{organisation.name_zh}注册地址 / Registered office of {organisation.name_en}",
            "contact_name": legal_representative,
            "contact_phone": "0573-82000000",
            "contact_email": f"sales-{organisation.pk}@demo.sunlight.invalid",
            "enterprise_size": size,
            "bank_name": "阳光商业银行 Sunlight Commercial Bank",
            "bank_account_name": organisation.name_zh,
            "bank_account_number": f"62220000{organisation.pk:010d}",
            "commitment_letter_sha256": SHA256,
            "categories": categories,
            "regions": [organisation.region_code],
            "review_comment": "材料齐全，予以通过。" if status == SupplierProfile.Status.APPROVED else "",
        },
    )
    if created:
        profile.commitment_letter.save("commitment-letter.pdf", _pdf("commitment-letter.pdf"), save=False)
        if profile.is_small_or_micro:
            profile.sme_declaration.save("sme-declaration.pdf", _pdf("sme-declaration.pdf"), save=False)
        profile.save()
        record_event(
            "suppliers.registered",
            actor=None,
            organisation=organisation,
            target=profile,
            data={"status": status, "demo": True},
        )
    return profile, created


def _qualification(profile: SupplierProfile, kind: str, number: str, expires_on: datetime.date) -> bool:
    qualification, created = Qualification.objects.get_or_create(
        supplier=profile,
        kind=kind,
        number=number,
        defaults={
            "issued_on": expires_on - datetime.timedelta(days=3 * 365),
            "expires_on": expires_on,
            "sha256": SHA256,
        },
    )
    if created:
        qualification.document.save(f"{kind}.pdf", _pdf(f"{kind}.pdf"), save=True)
    return created


@transaction.atomic
def load() -> list:
    today = timezone.localdate()
    rows = []
    for prefix, _region, _city_zh, _city_en in accounts_demo.REGIONS:
        for key, (legal, size, categories, kinds) in PROFILES.items():
            membership = (
                Membership.objects.filter(user__username=f"{prefix}_{key}", role=Role.SUPPLIER_REPRESENTATIVE)
                .select_related("organisation")
                .first()
            )
            if membership is None:
                continue
            profile, created = _profile(
                membership.organisation, SupplierProfile.Status.APPROVED, legal, size, categories
            )
            if created:
                rows.append(profile)
            # the first licence expires within 30 days (the warning shows), the second in two years
            soon, later = today + datetime.timedelta(days=20), today + datetime.timedelta(days=730)
            for kind, expires_on in zip(kinds, (soon, later), strict=True):
                number = f"{prefix.upper()}-{kind[:4].upper()}-{membership.organisation_id:05d}"
                if _qualification(profile, kind, number, expires_on):
                    rows.append(kind)
            if created:
                from credit.services import ensure_credit_record

                ensure_credit_record(membership.organisation)
    rows += _pending_registration(today)
    return rows


def _pending_registration(today: datetime.date) -> list:
    """A Jiaxing supplier whose registration awaits review, with its representative jx_newsupplier."""
    from stdnum.cn import uscc

    from accounts import services as accounts_services

    code = PENDING_USCC_BODY + uscc.calc_check_digit(PENDING_USCC_BODY)
    organisation = Organisation.objects.filter(uscc=code).first()
    created_rows = []
    if organisation is None:
        organisation = accounts_services.create_organisation(
            actor=None,
            kind=Organisation.Kind.SUPPLIER,
            name_zh="嘉兴秀洲绿色照明有限公司",
            name_en="Jiaxing Xiuzhou Green Lighting Co., Ltd.",
            uscc=code,
            region_code="330400",
        )
        created_rows.append(organisation)
    user = User.objects.filter(username="jx_newsupplier").first()
    if user is None:
        user = User(
            username="jx_newsupplier",
            email="jx_newsupplier@demo.sunlight.invalid",
            first_name="吴婷",
            name_en="Wu Ting",
        )
        user.set_password(accounts_demo.DEMO_PASSWORD)
        user.save()
        membership = accounts_services.save_membership(
            Membership(user=user, organisation=organisation, role=Role.SUPPLIER_REPRESENTATIVE), actor=None
        )
        user.active_membership = membership
        user.save(update_fields=["active_membership"])
    profile, created = _profile(
        organisation, SupplierProfile.Status.PENDING, "吴婷", SupplierProfile.Size.MICRO, ["goods"]
    )
    if created:
        created_rows.append(profile)
    if _qualification(profile, "quality_management", "JX-QUAL-NEW01", today + datetime.timedelta(days=400)):
        created_rows.append(profile)
    return created_rows
