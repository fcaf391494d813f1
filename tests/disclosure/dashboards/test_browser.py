"""The public dashboard in Debian's Chromium: no console error (the strict CSP holds: no inline
script or style), the charts drawn at a phone's width without pushing the page sideways, and the
page printable to PDF."""

import pytest
from django.urls import reverse

from credit.catalogue import seed_credit_rules
from rulebook.services import seed_default_rules

from .builders import Builder, at
from .conftest import YEAR, day

pytestmark = pytest.mark.e2e


@pytest.fixture
def awards(transactional_db):
    seed_default_rules(record=False)
    seed_credit_rules()
    b = Builder("330400", uscc_base=680_000)
    for number, (category, price) in enumerate(
        [("goods", "120000"), ("works", "880000"), ("services", "40000")]
    ):
        project = b.project(category=category, tender_at=at(day(f"0{number + 3}-01")))
        lot = b.lot(project)
        bids = b.open_lot(lot, [price, "990000"], opened_at=at(day(f"0{number + 3}-25")))
        b.award(lot, bids[0], confirmed_at=at(day(f"0{number + 4}-02")))


def test_the_dashboard_renders_on_a_phone_and_prints(awards, live_server, browser):
    url = f"{live_server.url}{reverse('disclosure:dashboards')}?year={YEAR}"
    for lang, width in (("zh-CN", 390), ("en", 1280)):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            locale=lang,
            extra_http_headers={"Accept-Language": lang},
        )
        page = context.new_page()
        errors = []
        page.on(
            "console",
            lambda msg, errors=errors: msg.type in ("error", "warning") and errors.append(msg.text),
        )
        page.goto(url)
        assert errors == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator("#spend-category").bounding_box()
        assert 0 < box["width"] <= width and box["height"] > 50  # scaled by its viewBox
        heading = "按品目类别的成交金额" if lang == "zh-CN" else "Awarded amount by category"
        assert page.get_by_role("img", name=heading).count() == 1
        if width > 1000:
            page.emulate_media(media="print")
            assert not page.locator("nav.sunlight-navbar").is_visible()
            assert page.pdf(format="A4")[:5] == b"%PDF-"
        context.close()
