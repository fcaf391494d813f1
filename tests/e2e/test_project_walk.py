"""The project walk of issue 4 in a real browser: the Jiaxing clerk files a two-lot project in the
threshold band (two approval levels), submits it; jx_approver (second factor) approves level 1 in
Chinese, jx_approver2 (the demo's second approver) approves level 2 in English; the clerk sees the
approval history in both languages. No console errors or CSP violations on any page."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp

from accounts import demo
from procurement.models import ApprovalDecision, Project

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

TITLE_ZH = "实验室计算机及服务器采购"
TITLE_EN = "Computers and servers for the school laboratories"


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo")


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


def test_clerk_files_two_lots_and_two_approvers_approve_it(live_server, page_factory, demo_data):
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

    for page in (clerk, approver, approver2):
        assert page.console_errors == []
