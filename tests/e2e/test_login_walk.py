"""Every demo role logs in, in both languages, and lands on its own workspace without a CSP violation."""

from pathlib import Path

import pytest
from django_otp.oath import totp

from accounts import demo

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# username suffix -> (workspace slug, Chinese heading, English heading)
ROLES = {
    "clerk": ("purchaser-clerk", "采购人工作台", "Purchaser workspace"),
    "approver": ("purchaser-approver", "审批人工作台", "Approver workspace"),
    "agency": ("agency-officer", "代理机构工作台", "Agency workspace"),
    "supplier": ("supplier-representative", "供应商工作台", "Supplier workspace"),
    "expert": ("expert", "专家工作台", "Expert workspace"),
    "regulator": ("regulator", "监管工作台", "Regulator workspace"),
    "bank": ("bank-officer", "银行工作台", "Bank workspace"),
    "operator": ("operator", "运营工作台", "Operator workspace"),
}


@pytest.fixture
def demo_data(transactional_db):
    """The demo accounts only: logging in needs no projects, bids or contracts (and the whole
    demo would cost half a minute per parametrised walk)."""
    demo.load()


def _code() -> str:
    return f"{totp(bytes.fromhex(demo.DEMO_TOTP_KEY)):06d}"


@pytest.mark.parametrize("lang, prefix", [("zh-CN", "jx"), ("en", "my")])
@pytest.mark.parametrize("suffix", list(ROLES))
def test_every_role_logs_in_and_sees_its_workspace(
    live_server, page_factory, demo_data, lang, prefix, suffix
):
    slug, heading_zh, heading_en = ROLES[suffix]
    username = "operator" if suffix == "operator" else f"{prefix}_{suffix}"
    page = page_factory(lang)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()
    if "/second-factor/" in page.url:
        page.fill("input[name=token]", _code())
        page.click("[data-testid=otp-form] button[type=submit]")
        page.wait_for_load_state()
    assert page.url == f"{live_server.url}/accounts/workspace/{slug}/"
    expected = heading_zh if lang == "zh-CN" else heading_en
    assert page.inner_text("[data-testid=workspace-title]") == expected
    assert page.get_attribute("html", "lang") == ("zh-Hans" if lang == "zh-CN" else "en")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"workspace-{suffix}-{lang}.png"), full_page=True)
    assert page.console_errors == []


def test_language_switch_and_logout(live_server, page_factory, demo_data):
    page = page_factory("zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    assert "登录阳光采购平台" in page.inner_text("h1")
    page.click("[data-testid=language-switch] button[value=en]")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Log in to Sunlight"
    page.fill("input[name=username]", "jx_clerk")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=workspace-title]") == "Purchaser workspace"
    # The clerk acts for two purchasers: switching is one click in the menu.
    page.click("[data-testid=membership-menu]")
    page.click("text=Jiaxing Water Investment Group Co., Ltd.")
    page.wait_for_load_state()
    assert "Jiaxing Water Investment Group" in page.inner_text("[data-testid=membership-menu]")
    page.click("[data-testid=membership-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/login/")
    assert page.console_errors == []


def test_wrong_password_then_lockout_page(live_server, page_factory, demo_data, settings):
    page = page_factory("en")
    for _i in range(settings.AXES_FAILURE_LIMIT + 1):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "zz_supplier")
        page.fill("input[name=password]", "not-the-password")
        page.click("[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state()
    assert "Too many failed attempts" in page.content()
    # Locked means locked: the right password is refused too.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "zz_supplier")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()
    assert "Too many failed attempts" in page.content()
    assert "/workspace/" not in page.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lockout-en.png"), full_page=True)


def test_a_supplier_corrects_its_organisation_in_the_browser(live_server, page_factory, demo_data):
    page = page_factory("en")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "yx_supplier")
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()
    page.click("#org-heading a")
    page.wait_for_load_state()
    assert (
        page.inner_text("[data-testid=organisation-name]")
        == "Yuxi Dianzhong Agricultural Machinery Co., Ltd."
    )
    page.fill("input[name=name_en]", "Yuxi Dianzhong Farm Machinery Co., Ltd.")
    page.click("[data-testid=organisation-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=organisation-name]") == "Yuxi Dianzhong Farm Machinery Co., Ltd."
    assert "saved" in page.inner_text("main")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "organisation-en.png"), full_page=True)
    assert page.console_errors == []
