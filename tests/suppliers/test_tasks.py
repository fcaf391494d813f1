"""Beat jobs (expiry warning and lapse), subscription and clarification alerts, downloads and
bidding_obstacles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from audit.models import AuditEvent
from procurement import services as procurement_services
from procurement.models import Notice
from suppliers import selectors, services, tasks
from suppliers.models import DocumentDownload, Qualification, SupplierProfile

Status = SupplierProfile.Status
TODAY = datetime.date(2026, 3, 2)


def _qualification(supplier_factory, days: int):
    profile = supplier_factory(
        qualifications=[{"kind": "work_safety", "expires_on": TODAY + datetime.timedelta(days)}]
    )
    return profile, profile.qualifications.get()


# --- Expiry ------------------------------------------------------------------------------------------


def test_a_qualification_expiring_in_30_days_is_warned_once(
    supplier_factory, mailoutbox, inline_email, django_capture_on_commit_callbacks
):
    profile, qualification = _qualification(supplier_factory, 30)
    _, later = _qualification(supplier_factory, 31)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_expiring_qualifications(TODAY) == 1
    qualification.refresh_from_db()
    later.refresh_from_db()
    assert qualification.warned_on == TODAY and later.warned_on is None
    assert Notification.objects.filter(recipient=profile.representative).count() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [profile.representative.email]
    assert AuditEvent.objects.filter(action="suppliers.qualification_expiry_warned").count() == 1
    assert services.warn_expiring_qualifications(TODAY) == 0  # idempotent


def test_a_qualification_lapses_on_its_date(supplier_factory):
    profile, qualification = _qualification(supplier_factory, 0)
    _, tomorrow = _qualification(supplier_factory, 1)
    assert services.lapse_expired_qualifications(TODAY - datetime.timedelta(days=1)) == 0
    assert services.lapse_expired_qualifications(TODAY) == 1
    qualification.refresh_from_db()
    tomorrow.refresh_from_db()
    assert qualification.status == Qualification.Status.LAPSED
    assert tomorrow.status == Qualification.Status.VALID
    assert AuditEvent.objects.filter(
        action="suppliers.qualification_lapsed", object_id=str(qualification.pk)
    ).exists()
    assert services.lapse_expired_qualifications(TODAY) == 0


def test_the_beat_tasks_run_on_a_real_worker(supplier_factory, celery_worker):
    _, warned = _qualification(supplier_factory, 10)
    _, lapsed = _qualification(supplier_factory, -1)
    result_warn = tasks.warn_expiring_qualifications.apply_async(args=[TODAY.isoformat()])
    result_lapse = tasks.lapse_expired_qualifications.apply_async(args=[TODAY.isoformat()])
    deadline = timezone.now() + datetime.timedelta(seconds=30)
    while timezone.now() < deadline:
        warned.refresh_from_db()
        lapsed.refresh_from_db()
        if warned.warned_on and lapsed.status == Qualification.Status.LAPSED:
            break
    assert warned.warned_on == TODAY and lapsed.status == Qualification.Status.LAPSED
    assert result_warn.id and result_lapse.id


# --- Alerts ------------------------------------------------------------------------------------------


@pytest.fixture
def subscribers(supplier_factory):
    return {
        "goods": supplier_factory(categories=["goods"], regions=[]),
        "region": supplier_factory(categories=["works"], regions=["330000"], region_code="330100"),
        "neither": supplier_factory(categories=["services"], regions=["510700"], region_code="510700"),
        "pending": supplier_factory(status=Status.PENDING, categories=["goods"]),
    }


def test_a_published_notice_alerts_subscribers_of_its_category_or_region(
    subscribers, approved_project, mailoutbox, inline_email, django_capture_on_commit_callbacks
):
    notice = approved_project.notices.get(kind=Notice.Kind.INTENTION)  # goods, 330400
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_subscribers(notice.pk) == 2
    told = set(
        Notification.objects.filter(link=f"/notices/{notice.pk}/").values_list("recipient_id", flat=True)
    )
    assert told == {subscribers["goods"].representative.pk, subscribers["region"].representative.pk}
    assert {m.to[0] for m in mailoutbox} == {
        subscribers["goods"].representative.email,
        subscribers["region"].representative.email,
    }
    assert services.notify_subscribers(notice.pk) == 0  # once per supplier


def test_publishing_a_notice_and_a_clarification_send_the_alert_tasks_on_commit(
    tendering_project, officer, monkeypatch, django_capture_on_commit_callbacks
):
    from procurement import services as procurement_module

    sent = []
    monkeypatch.setattr(
        procurement_module.current_app, "send_task", lambda name, args: sent.append((name, args))
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = procurement_services.publish_clarification(
            tendering_project.pk, actor=officer, body_zh="澄清"
        )
    assert ("suppliers.notify_subscribers", [notice.pk]) in sent
    assert ("suppliers.notify_clarification", [notice.pk]) in sent


def test_a_clarification_alerts_only_the_suppliers_that_downloaded(
    login,
    tendering_project,
    officer,
    supplier_factory,
    mailoutbox,
    inline_email,
    django_capture_on_commit_callbacks,
):
    downloader = supplier_factory(categories=[])
    bystander = supplier_factory(categories=[])
    notice = tendering_project.notices.get(kind=Notice.Kind.TENDER)
    response = login(downloader.representative).get(
        reverse("suppliers:tender_documents", args=[notice.pk]),
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="Test/1.0",
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    download = DocumentDownload.objects.get()
    assert download.supplier == downloader.organisation and download.ip_address == "10.1.2.3"
    assert download.user_agent == "Test/1.0" and download.tender_document_id == notice.document_id
    assert AuditEvent.objects.filter(action="suppliers.documents_downloaded").count() == 1
    clarification = procurement_services.publish_clarification(
        tendering_project.pk, actor=officer, body_zh="第1包交货期改为60日。"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_clarification(clarification.pk) == 1
        assert services.notify_subscribers(clarification.pk) == 0  # the same alert, not twice
    assert Notification.objects.filter(
        recipient=downloader.representative, link=f"/notices/{clarification.pk}/"
    ).exists()
    assert not Notification.objects.filter(recipient=bystander.representative).exists()
    assert [m.to[0] for m in mailoutbox] == [downloader.representative.email]


def test_only_suppliers_download_through_the_recorded_link(client, login, tendering_project, officer):
    notice = tendering_project.notices.get(kind=Notice.Kind.TENDER)
    url = reverse("suppliers:tender_documents", args=[notice.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert login(officer).get(url).status_code == 403
    assert not DocumentDownload.objects.exists()


def test_the_notice_page_links_the_recorded_download_for_suppliers(
    client, login, tendering_project, approved_supplier
):
    notice = tendering_project.notices.get(kind=Notice.Kind.TENDER)
    page = reverse("notices:detail", args=[notice.pk])
    assert "download-as-supplier" not in client.get(page).content.decode()
    assert "download-as-supplier" in login(approved_supplier.representative).get(page).content.decode()


# --- bidding_obstacles -------------------------------------------------------------------------------


def test_an_approved_supplier_with_the_licences_may_bid(supplier_factory, django_assert_num_queries):
    profile = supplier_factory(qualifications=["work_safety", "quality_management"])
    with django_assert_num_queries(2):
        assert (
            selectors.bidding_obstacles(
                profile.organisation, required_qualifications=["work_safety", "quality_management"], on=TODAY
            )
            == []
        )
    with django_assert_num_queries(1):
        assert selectors.bidding_obstacles(profile.organisation_id, on=TODAY) == []


@pytest.mark.parametrize(
    "status", [Status.PENDING, Status.CHANGES_REQUESTED, Status.REJECTED, Status.SUSPENDED]
)
def test_a_registration_not_approved_is_an_obstacle(supplier_factory, status):
    profile = supplier_factory(status=status)
    reasons = selectors.bidding_obstacles(profile.organisation, on=TODAY)
    assert len(reasons) == 1 and str(reasons[0]) == str(selectors.STATUS_OBSTACLES[status])


def test_not_a_supplier_is_an_obstacle(make_member, db):
    from django.utils import translation

    from tests.accounts.factories import OrganisationFactory

    reasons = selectors.bidding_obstacles(OrganisationFactory(), on=TODAY)
    with translation.override("en"):
        assert [str(r) for r in reasons] == ["The organisation is not a registered supplier."]


def test_a_missing_lapsed_or_expiring_licence_is_named(supplier_factory, settings):
    from django.utils import translation

    profile = supplier_factory(
        qualifications=[
            {"kind": "work_safety", "status": Qualification.Status.LAPSED},
            {"kind": "food_business", "expires_on": TODAY - datetime.timedelta(days=1)},
            {"kind": "quality_management", "expires_on": TODAY},
        ]
    )
    reasons = selectors.bidding_obstacles(
        profile.organisation,
        required_qualifications=["work_safety", "food_business", "quality_management", "surveying_mapping"],
        on=TODAY,
    )
    with translation.override("en"):
        texts = [str(r) for r in reasons]
    assert len(texts) == 3
    assert "Work safety licence" in texts[0] and "2026-03-02" in texts[0]
    assert "Food business licence" in texts[1] and "Surveying and mapping" in texts[2]
