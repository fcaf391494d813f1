"""The project walk of issue 4 in a real browser: the Jiaxing clerk files a two-lot project in the
threshold band (two approval levels), submits it; jx_approver (second factor) approves level 1 in
Chinese, jx_approver2 (the demo's second approver) approves level 2 in English; the clerk sees the
approval history in both languages, and entrusts the project to the Jiaxing agency; its officer
(second factor) starts the documents from the standard template, is refused a bond over the cap,
saves, previews and publishes; the public reads the tender notice in Chinese and English and
downloads the frozen PDF, whose SHA-256 is the one shown. No console errors or CSP violations."""

import datetime
import hashlib
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp

from accounts import demo
from accounts.models import Organisation
from procurement.models import ApprovalDecision, Lot, Notice, Project, TenderDocument
from rulebook import calendar
from rulebook.services import declare_calendar_year

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

TITLE_ZH = "实验室计算机及服务器采购"
TITLE_EN = "Computers and servers for the school laboratories"


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", except_apps=["contracts", "disclosure"])  # not walked here


@pytest.fixture
def next_year_declared(demo_data):
    """A deadline weeks ahead may fall in a year chinesecalendar does not cover: declare it (weekends
    and New Year's Day off) as the operator would, so the walk does not depend on today's date."""
    year = timezone.localdate().year + 1
    if not calendar.is_covered(datetime.date(year, 1, 1)):
        declare_calendar_year(
            year,
            days_off=[datetime.date(year, 1, 1)],
            working_days=[],
            reason_zh="测试",
            reason_en="Test",
            actor=None,
        )


def _login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    if "/second-factor/" in page.url:
        page.fill("input[name=token]", f"{totp(bytes.fromhex(demo.DEMO_TOTP_KEY)):06d}")
        page.click("[data-testid=otp-form] button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/workspace/" in page.url, page.url


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"project-{name}.png"), full_page=True)


def _fill_lot(page, index: int, title: str, budget: str, specification: str, place: str, period: str):
    page.fill(f"input[name=lots-{index}-title_zh]", title)
    page.fill(f"input[name=lots-{index}-budget]", budget)
    page.fill(f"textarea[name=lots-{index}-quantity_and_specification]", specification)
    page.fill(f"input[name=lots-{index}-delivery_place]", place)
    page.fill(f"input[name=lots-{index}-delivery_period]", period)


def _approve(page, base_url: str, project_id: int, comment: str) -> None:
    page.goto(f"{base_url}/procurement/projects/{project_id}/")
    page.fill("[data-testid=approve-form] textarea[name=comment]", comment)
    page.click("[data-testid=approve-project]")
    page.wait_for_load_state()


def test_clerk_files_two_lots_two_approvers_approve_the_agency_publishes_and_the_public_reads_it(
    live_server, page_factory, demo_data, next_year_declared
):
    base = live_server.url

    # The clerk files the project with two lots, in Chinese.
    clerk = page_factory("zh-CN")
    _login(clerk, base, "jx_clerk")
    clerk.goto(f"{base}/procurement/projects/new/")
    assert clerk.inner_text("h1") == "新建采购项目"
    clerk.fill("input[name=title_zh]", TITLE_ZH)
    clerk.fill("input[name=title_en]", TITLE_EN)
    clerk.fill("textarea[name=description_zh]", "为 3 所高中的物理、化学实验室配置计算机和数据服务器。")
    clerk.select_option("select[name=category]", "goods")
    clerk.fill("input[name=classification_code]", "A02010104")
    clerk.fill("input[name=budget]", "1250000.00")
    clerk.select_option("select[name=funding_source]", "fiscal_budget")
    clerk.select_option("select[name=method]", "inquiry")
    clerk.check("input[name=green_requirement]")
    _fill_lot(
        clerk,
        0,
        "实验室台式计算机",
        "850000.00",
        "台式计算机 180 台，内存 16GB",
        "嘉兴市第一中学",
        "合同签订后 30 日内",
    )
    _fill_lot(
        clerk,
        1,
        "数据采集服务器",
        "400000.00",
        "机架式服务器 4 台，双路处理器",
        "嘉兴市第三中学",
        "合同签订后 45 日内",
    )
    clerk.check("input[name=lots-1-sme_reserved]")
    _shot(clerk, "form-zh")
    clerk.click("[data-testid=project-form] > button[type=submit]")
    clerk.wait_for_load_state()
    project = Project.objects.get(title_zh=TITLE_ZH)
    assert clerk.url == f"{base}/procurement/projects/{project.pk}/"
    assert clerk.inner_text("[data-testid=project-title]") == TITLE_ZH
    assert clerk.inner_text("[data-testid=project-status]") == "草稿"
    lots = clerk.inner_text("[data-testid=lots]")
    assert "实验室台式计算机" in lots and "数据采集服务器" in lots
    # (Django's zh-Hans formats have no thousand separator: 850000.00 there, 850,000.00 in English)
    assert re.search(r"850,?000\.00", lots) and "面向中小企业" in lots
    assert project.reference in clerk.inner_text("main")
    clerk.click("[data-testid=submit-project]")
    clerk.wait_for_load_state()
    assert clerk.inner_text("[data-testid=project-status]") == "待审批"
    assert "共 2 级审批，已通过 0 级。" in clerk.inner_text("[data-testid=approval]")
    assert clerk.locator("[data-testid=approve-project]").count() == 0  # the drafter never approves
    _shot(clerk, "submitted-zh")

    # Level 1: jx_approver, with the second factor, in Chinese.
    approver = page_factory("zh-CN")
    _login(approver, base, "jx_approver")
    approver.goto(f"{base}/procurement/projects/")
    row = approver.locator("[data-testid=projects] tr", has_text=TITLE_ZH)
    assert "待审批" in row.inner_text() and "(0/2)" in row.inner_text()
    row.get_by_role("link", name=project.reference).click()
    approver.wait_for_load_state()
    assert approver.inner_text("[data-testid=approve-project]") == "批准第 1 级"
    _shot(approver, "approve-zh")
    _approve(approver, base, project.pk, "预算已落实，同意。")
    assert "共 2 级审批，已通过 1 级。" in approver.inner_text("[data-testid=approval]")
    assert approver.locator("[data-testid=approve-project]").count() == 0  # one level per approver
    assert approver.inner_text("[data-testid=project-status]") == "待审批"

    # Level 2: jx_approver2, in English.
    approver2 = page_factory("en")
    _login(approver2, base, "jx_approver2")
    approver2.goto(f"{base}/procurement/projects/{project.pk}/")
    assert approver2.inner_text("[data-testid=project-title]") == TITLE_EN
    assert approver2.inner_text("[data-testid=approve-project]") == "Approve level 2"
    _approve(approver2, base, project.pk, "Agreed: inquiry as the rulebook proposes.")
    assert approver2.inner_text("[data-testid=project-status]") == "Approved"
    assert "2 of 2 level(s) approved." in approver2.inner_text("[data-testid=approval]")
    _shot(approver2, "approved-en")

    project.refresh_from_db()
    assert (project.status, project.approved_levels) == (Project.Status.APPROVED, 2)
    assert list(
        ApprovalDecision.objects.filter(project=project).values_list("level", "approver__username")
    ) == [(1, "jx_approver"), (2, "jx_approver2")]

    # The clerk sees the history in Chinese, then switches to English.
    clerk.goto(f"{base}/procurement/projects/{project.pk}/")
    history = clerk.inner_text("[data-testid=approval-history]")
    assert "第 1 级（第 1 次提交）" in history and "第 2 级（第 1 次提交）" in history
    assert "李强" in history and "孙建国" in history and "预算已落实，同意。" in history
    assert clerk.inner_text("[data-testid=project-status]") == "已批准"
    _shot(clerk, "history-zh")
    clerk.click("[data-testid=language-switch] button[value=en]")
    clerk.wait_for_load_state()
    assert clerk.get_attribute("html", "lang") == "en"
    assert clerk.inner_text("[data-testid=project-title]") == TITLE_EN
    history = clerk.inner_text("[data-testid=approval-history]")
    assert "Level 1 (submission 1)" in history and "Level 2 (submission 1)" in history
    assert "Li Qiang" in history and "Sun Jianguo" in history
    assert "Agreed: inquiry as the rulebook proposes." in history
    assert clerk.inner_text("[data-testid=project-status]") == "Approved"
    _shot(clerk, "history-en")
    clerk.goto(f"{base}/procurement/projects/")
    assert TITLE_EN in clerk.inner_text("main")
    _shot(clerk, "list-en")

    # The clerk entrusts the project to the Jiaxing agency (the agreement PDF is recorded).
    agency = Organisation.objects.get(name_zh="浙江嘉禾招标代理有限公司")
    clerk.goto(f"{base}/procurement/projects/{project.pk}/")
    clerk.select_option("[data-testid=entrust] select[name=agency]", str(agency.pk))
    clerk.click("[data-testid=entrust-project]")
    clerk.wait_for_load_state()
    assert clerk.inner_text("[data-testid=project-status]") == "Entrusted to an agency"
    assert agency.name_en in clerk.inner_text("[data-testid=entrusted-agency]")
    agreement = clerk.request.get(base + clerk.get_attribute("[data-testid=agreement-pdf]", "href"))
    assert agreement.ok and agreement.body()[:4] == b"%PDF"
    _shot(clerk, "entrusted-en")

    # The intention must be public 30 days before the tender notice: the walk dates it 40 days back,
    # as if the project had been approved then (the refusal itself is a service and a view test).
    back = timezone.now() - datetime.timedelta(days=40)
    Project.objects.filter(pk=project.pk).update(intention_published_on=back.date())

    # The agency officer (second factor) builds the documents from the standard template.
    officer = page_factory("zh-CN")
    _login(officer, base, "jx_agency")
    officer.goto(f"{base}/procurement/tenders/")
    officer.locator("[data-testid=tenders] tr", has_text=TITLE_ZH).get_by_role("link").first.click()
    officer.wait_for_load_state()
    officer.goto(f"{base}/procurement/projects/{project.pk}/documents/")
    officer.click("[data-testid=start-documents]")
    officer.wait_for_load_state()
    assert "投标邀请" in officer.inner_text("main") or "询价" in officer.inner_text("main")
    _shot(officer, "builder-zh")
    # A bond over 2 % of lot 1's budget (850,000.00 -> at most 17,000.00) is refused and nothing saved.
    lot1 = Lot.objects.get(project=project, number=1)
    bond = officer.locator(f"[data-testid=bonds] input[name=bond_{lot1.number}]")
    bond.fill("17000.01")
    officer.click("[data-testid=save]")
    officer.wait_for_load_state()
    assert "17,000.00" in officer.inner_text("[data-testid=bonds-error]")
    assert TenderDocument.objects.get(project=project).bonds[str(lot1.number)] == "17000.00"
    _shot(officer, "builder-bond-refused-zh")
    officer.locator(f"[data-testid=bonds] input[name=bond_{lot1.number}]").fill("15000.00")
    officer.click("[data-testid=save]")
    officer.wait_for_load_state()
    assert TenderDocument.objects.get(project=project).bonds[str(lot1.number)] in ("15000.00", "15000")
    preview = officer.request.get(f"{base}/procurement/projects/{project.pk}/documents/preview/")
    assert preview.ok and preview.body()[:4] == b"%PDF"
    officer.click("[data-testid=publish-tender]")
    officer.wait_for_load_state()
    assert officer.inner_text("[data-testid=project-status]") == "采购中"
    _shot(officer, "published-zh")

    project.refresh_from_db()
    document = TenderDocument.objects.get(project=project)
    notice = Notice.objects.get(project=project, kind=Notice.Kind.TENDER)
    assert (project.status, document.status) == (Project.Status.TENDERING, TenderDocument.Status.PUBLISHED)
    assert set(Lot.objects.filter(project=project).values_list("status", flat=True)) == {"open_for_bids"}

    # The public (no login) finds the notice, reads it in Chinese and English and downloads the PDF.
    public = page_factory("zh-CN")
    public.goto(f"{base}/notices/?kind=tender")
    public.locator("[data-testid=notices] a", has_text=notice.title_zh).click()
    public.wait_for_load_state()
    assert public.inner_text("[data-testid=notice-title]") == notice.title_zh
    body = public.inner_text("[data-testid=notice-body]")
    assert project.reference in body and "实验室台式计算机" in body
    assert document.sha256 in public.inner_text("[data-testid=notice-document]")
    _shot(public, "notice-zh")
    with public.expect_download() as download_info:
        public.click("[data-testid=download-documents]")
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf[:4] == b"%PDF" and hashlib.sha256(pdf).hexdigest() == document.sha256
    public.click("[data-testid=language-switch] button[value=en]")
    public.wait_for_load_state()
    assert public.inner_text("[data-testid=notice-title]") == notice.title_en
    assert notice.title_en.startswith("Tender notice")
    assert TITLE_EN in public.inner_text("[data-testid=notice-title]")
    _shot(public, "notice-en")

    # The refused save answers 400 on purpose, which the browser logs; nothing else may be logged.
    assert officer.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    for page in (clerk, approver, approver2, public):
        assert page.console_errors == []
