"""The credit walk of issue 3 in a real browser: a regulator records a penalty and imports a feed,
the supplier is blacklisted and its eligibility answer says why, the public blacklist shows it, the
supplier appeals, the regulator reverses, the supplier is eligible again and the public lists
update. A real Celery worker recomputes the scores after each commit, as in production."""

import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from django_otp.oath import totp

from accounts import demo
from accounts.models import Membership
from credit import selectors
from credit.models import BlacklistEntry, CreditAppeal, CreditEvent, CreditRecord, CreditRule
from tests.accounts.factories import make_uscc
from tests.credit.factories import PDF_BYTES

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", except_apps=["contracts", "disclosure"])  # not walked here


def _organisation(username: str):
    return Membership.objects.select_related("organisation").get(user__username=username).organisation


def _login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()
    if "/second-factor/" in page.url:
        page.fill("input[name=token]", f"{totp(bytes.fromhex(demo.DEMO_TOTP_KEY)):06d}")
        page.click("[data-testid=otp-form] button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/workspace/" in page.url, page.url


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"credit-{name}.png"), full_page=True)


def _wait_for_text(page, selector: str, expected: str, *, timeout: float = 15.0) -> None:
    """Reload until `selector` reads `expected` (the worker recomputes the score after the commit)."""
    deadline = time.monotonic() + timeout
    while page.inner_text(selector).strip() != expected:
        assert time.monotonic() < deadline, f"{selector} still reads {page.inner_text(selector)!r}"
        time.sleep(0.3)
        page.reload()


def _feed_csv(jx_supplier) -> bytes:
    today = selectors.today().isoformat()
    rows = [
        "uscc,name,rule,reference,decided_on,ends_on,authority,description",
        f"{jx_supplier.uscc},{jx_supplier.name_zh},external.major_tax_violation,嘉税稽〔2026〕15号,{today},,"
        "国家税务总局嘉兴市税务局,虚开增值税专用发票",
        f"{make_uscc(987_654)},某某贸易有限公司,external.dishonest_judgment_debtor,(2026)浙04执9号,{today},,"
        "嘉兴市中级人民法院,",
        f"91330400MA6KX1234,代码有误的公司,external.serious_procurement_violation,CCGP-2026-0099,{today},,财政部,",
    ]
    return ("\n".join(rows) + "\n").encode()


def test_penalty_blacklists_the_supplier_until_its_appeal_is_reversed(
    live_server, page_factory, demo_data, celery_worker
):
    base = live_server.url
    supplier2, jx_supplier = _organisation("jx_supplier2"), _organisation("jx_supplier")
    record = CreditRecord.objects.get(organisation=supplier2)
    rule = CreditRule.objects.get(code="supplier.false_materials")
    assert CreditRecord.objects.get(organisation=jx_supplier).is_red_listed  # the demo's good supplier
    with translation.override("zh-hans"):
        reversed_label = str(CreditAppeal.Status.REVERSED.label)
        reversed_event_label = str(CreditEvent.Status.REVERSED.label)

    # The regulator of Jiaxing records a penalty decision with its document...
    regulator = page_factory("zh-CN")
    _login(regulator, base, "jx_regulator")
    regulator.goto(f"{base}/credit/supervision/")
    regulator.click(f"[data-testid=supervised-records] >> text={supplier2.name_zh}")
    regulator.click("[data-testid=record-penalty]")
    regulator.select_option("select[name=rule]", value=str(rule.pk))
    regulator.fill("input[name=occurred_on]", selectors.today().isoformat())
    regulator.fill(
        "textarea[name=description]",
        "经查，该公司在投标文件中提供虚假的业绩合同。依据《政府采购法》第七十七条作出处罚。",
    )
    regulator.set_input_files(
        "input[name=document]",
        files=[{"name": "嘉财采罚〔2026〕7号.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    regulator.click("[data-testid=penalty-form] button[type=submit]")
    regulator.wait_for_load_state()
    assert regulator.url == f"{base}/credit/supervision/records/{record.pk}/"
    assert rule.name_zh in regulator.inner_text("[data-testid=bans]")
    penalty = CreditEvent.objects.get(record=record, rule=rule)
    assert penalty.is_published and penalty.document_sha256
    _shot(regulator, "1-penalty-recorded")

    # ...and imports a feed of another credit platform.
    regulator.goto(f"{base}/credit/supervision/imports/")
    regulator.fill("input[name=source_name]", "信用中国")
    regulator.set_input_files(
        "input[name=feed]",
        files=[{"name": "信用中国-2026-11.csv", "mimeType": "text/csv", "buffer": _feed_csv(jx_supplier)}],
    )
    regulator.click("[data-testid=import-form] button[type=submit]")
    regulator.wait_for_load_state()
    assert re.fullmatch(rf"{base}/credit/supervision/imports/\d+/", regulator.url)
    rows = regulator.locator("[data-testid=import-rows] tbody tr")
    assert rows.count() == 3
    assert "嘉税稽〔2026〕15号" in rows.nth(0).inner_text()
    _shot(regulator, "2-import-report")

    # The public blacklist (no login) shows both parties; the red list has lost the tax offender.
    public = page_factory("zh-CN")
    public.goto(f"{base}/credit/blacklist/")
    blacklist = public.inner_text("[data-testid=blacklist]")
    assert supplier2.name_zh in blacklist and jx_supplier.name_zh in blacklist
    _shot(public, "3-public-blacklist")
    public.goto(f"{base}/credit/parties/{record.pk}/")
    _wait_for_text(public, "[data-testid=score]", "60.00")  # 100 - 40, recomputed by the worker
    public.goto(f"{base}/credit/red-list/")
    deadline = time.monotonic() + 15
    while jx_supplier.name_zh in public.inner_text("[data-testid=red-list]"):
        assert time.monotonic() < deadline, "the red list still shows a blacklisted supplier"
        time.sleep(0.3)
        public.reload()

    # The supplier sees why it may not bid, and appeals the penalty with a document.
    supplier = page_factory("en")
    _login(supplier, base, "jx_supplier2")
    supplier.goto(f"{base}/credit/mine/")
    assert supplier.inner_text("[data-testid=eligibility-answer]") == (
        "You cannot register for lots, bid, be awarded or apply for contract financing."
    )
    until = BlacklistEntry.objects.get(event=penalty).ends_on.isoformat()
    assert supplier.inner_text("[data-testid=eligibility-reasons]") == (
        f"On the blacklist until {until}: False materials to win a contract."
    )
    assert "On the blacklist" in supplier.inner_text("[data-testid=lists]")
    _shot(supplier, "4-supplier-not-eligible")
    supplier.click(f"[data-testid=appeal-{penalty.pk}]")
    supplier.fill("textarea[name=reasons]", "The contract in our bid is genuine: the purchaser confirms it.")
    supplier.set_input_files(
        "input[name=documents]",
        files=[{"name": "purchaser-confirmation.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    supplier.click("[data-testid=appeal-form] button[type=submit]")
    supplier.wait_for_load_state()
    assert supplier.url == f"{base}/credit/mine/"
    assert "Your appeal is filed." in supplier.inner_text("main")
    assert "Under appeal" in supplier.inner_text(f"[data-testid=event-{penalty.pk}]")

    # The regulator reverses the penalty.
    regulator.goto(f"{base}/credit/supervision/appeals/")
    regulator.click(f"[data-testid=appeals] >> text={rule.name_zh}")
    assert "purchaser confirms it" in regulator.inner_text("[data-testid=appeal-reasons]")
    regulator.check("input[name=decision][value=reverse]")
    regulator.fill("textarea[name=reasons]", "采购人书面确认合同真实，撤销处罚。")
    regulator.click("[data-testid=decision-form] button[type=submit]")
    regulator.wait_for_load_state()
    assert regulator.inner_text("[data-testid=appeal-status]") == reversed_label
    _shot(regulator, "5-appeal-reversed")

    # The supplier may bid again; the public blacklist no longer shows it, the other one stays.
    supplier.reload()
    assert supplier.inner_text("[data-testid=eligibility-answer]") == (
        "You may register for lots, bid, be awarded and apply for contract financing."
    )
    assert supplier.locator("[data-testid=eligibility-reasons]").count() == 0
    assert "On the blacklist" not in supplier.inner_text("[data-testid=lists]")
    assert "Lifted on appeal" in supplier.inner_text("[data-testid=bans]")
    _shot(supplier, "6-supplier-eligible-again")
    public.goto(f"{base}/credit/blacklist/")
    blacklist = public.inner_text("[data-testid=blacklist]")
    assert supplier2.name_zh not in blacklist and jx_supplier.name_zh in blacklist
    public.goto(f"{base}/credit/parties/{record.pk}/")
    _wait_for_text(public, "[data-testid=score]", "100.00")
    assert public.inner_text("[data-testid=penalty] .badge") == reversed_event_label
    _shot(public, "7-public-summary-after-reversal")

    for page in (regulator, public, supplier):
        assert page.console_errors == []
