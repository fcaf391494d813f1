"""The public's walk through the portal (issue 8), in Chinese and then in English, with no login:
the home page's latest notices and search box, a search with its matches highlighted, a result's
project timeline with the opening record, the lot's OCDS record, the CSV export of the results,
the dashboards' charts with their tables, and the page that explains how to verify the audit chain.

One walk on one demo load (the portal's share derived from the other apps' demo rows); each page
is screenshot into var/screenshots/public-*.png and must log no console error or CSP violation."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

PURCHASER_EN = "Yuxi Municipal Bureau of Agriculture and Rural Affairs"
# The Yuxi soil-testing project, tendered and opened in the demo: its notices in publication order.
YUXI_NOTICES_ZH = [
    f"玉溪市农业农村局耕地质量检测仪器采购{suffix}"
    for suffix in ("意向公开", "公告", "第1包开标记录", "第2包开标记录", "第2包流标公告", "第1包结果公告")
]
YUXI_NOTICES_EN = [
    f"{kind}: Soil testing instruments{lot} ({PURCHASER_EN})"
    for kind, lot in (
        ("Procurement intention", ""),
        ("Tender notice", ""),
        ("Bid opening record", ", lot 1"),
        ("Bid opening record", ", lot 2"),
        ("Failed procurement notice", ", lot 2"),
        ("Result notice", ", lot 1"),
    )
]
WINNER_ZH = "绵阳科创医疗器械有限公司"
WINNER_EN = "Mianyang Kechuang Medical Devices Co., Ltd."

WALKS = [
    {
        "lang": "zh-CN",
        "html_lang": "zh-Hans",
        "portal_title": "阳光下的政府采购",
        "search_label": "搜索公告",
        "latest": "各类公告最新发布",
        # A two-character word inside the title, not a whole token: the bigram index must find it.
        "word": "检测",
        "mark": "检测",
        "count": "找到 6 条公告",
        "notices": YUXI_NOTICES_ZH,
        "result_title": YUXI_NOTICES_ZH[-1],
        "winner": WINNER_ZH,
        "opening_record": "开标记录",
        "no_bid": "没有开启任何投标。",
        "ocds_link": "下载 OCDS 记录",
        "csv_link": "下载 CSV",
        "csv_header": [
            "发布时间",
            "公告类型",
            "公告标题（中文）",
            "公告标题（英文）",
            "项目编号",
            "采购人",
            "供应商",
            "品目类别",
            "采购方式",
            "行政区划代码",
            "金额（元）",
            "链接",
        ],
        "csv_kind": "中标（成交）结果公告",
        "dashboards_title": "采购数据看板",
        "chart": "按品目类别的成交金额",
        "goods": "货物",
        "inquiry": "询价",
        "verify_title": "核验审计链",
        "recompute": "自行重新计算链头",
        "receipt": "核验您的投标回执",
    },
    {
        "lang": "en",
        "html_lang": "en",
        "portal_title": "Public procurement, in the open",
        "search_label": "Search notices",
        "latest": "Latest notices by type",
        "word": "soil",
        "mark": "Soil",
        "count": "6 notices found",
        "notices": YUXI_NOTICES_EN,
        "result_title": YUXI_NOTICES_EN[-1],
        "winner": WINNER_EN,
        "opening_record": "Opening record",
        "no_bid": "No bid was opened.",
        "ocds_link": "Download OCDS record",
        "csv_link": "Download CSV",
        "csv_header": [
            "Published at",
            "Kind of notice",
            "Notice title (Chinese)",
            "Notice title (English)",
            "Project number",
            "Purchaser",
            "Suppliers",
            "Category",
            "Procurement method",
            "Region code",
            "Amount (CNY)",
            "Link",
        ],
        "csv_kind": "Result notice",
        "dashboards_title": "Procurement dashboards",
        "chart": "Awarded amount by category",
        "goods": "Goods",
        "inquiry": "Inquiry",
        "verify_title": "Verify the audit chain",
        "recompute": "Recompute the chain head yourself",
        "receipt": "Check your bid receipt",
    },
]


@pytest.fixture
def demo_data(transactional_db):
    # The contracts demo is not walked here; the disclosure demo indexes the notices, writes the
    # OCDS releases and raises the red flags from the other apps' rows.
    call_command("load_demo", except_apps=["contracts"])


def _shot(page, name: str, lang: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"public-{name}-{lang}.png"), full_page=True)
    assert page.console_errors == [], (name, lang, page.console_errors)


def test_the_public_searches_follows_a_project_and_downloads_its_data(live_server, page_factory, demo_data):
    for walk in WALKS:
        lang = walk["lang"]
        page = page_factory(lang)

        # The home page: the latest notices by type and the search box.
        page.goto(f"{live_server.url}/")
        assert page.get_attribute("html", "lang") == walk["html_lang"]
        assert page.inner_text("#portal-title") == walk["portal_title"]
        assert page.inner_text("#by-kind-title") == walk["latest"]
        latest_results = page.locator("[data-testid=kind-result] li a")
        assert latest_results.all_inner_texts() == [walk["result_title"]]
        assert walk["notices"][0] in page.locator("[data-testid=kind-intention]").inner_text()
        search_box = page.get_by_role("searchbox", name=walk["search_label"])
        assert search_box.is_visible()
        _shot(page, "home", lang)

        search_box.fill(walk["word"])
        search_box.press("Enter")
        page.wait_for_load_state()
        assert page.url.startswith(f"{live_server.url}/search/?q=")
        titles = page.locator("[data-testid=result-title]")
        # Newest first: the six Yuxi notices, the result notice on top, each title highlighted.
        assert titles.all_inner_texts() == list(reversed(walk["notices"]))
        assert page.locator("[data-testid=result-title] mark").all_inner_texts() == [walk["mark"]] * 6
        assert page.locator("[data-testid=result-count]").inner_text() == walk["count"]
        _shot(page, "search", lang)

        # The CSV export of these results, downloaded from the link beside them.
        with page.expect_download() as download_info:
            page.get_by_role("link", name=walk["csv_link"]).click()
        download = download_info.value
        assert download.suggested_filename.startswith("sunlight-notices-")
        assert download.suggested_filename.endswith(".csv")
        text = Path(download.path()).read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == walk["csv_header"]
        assert len(rows) == 1 + 6
        assert rows[1][1:11] == [
            walk["csv_kind"],
            YUXI_NOTICES_ZH[-1],
            YUXI_NOTICES_EN[-1],
            "530400-2026-000001",
            "玉溪市农业农村局" if lang == "zh-CN" else PURCHASER_EN,
            walk["winner"],
            walk["goods"],
            walk["inquiry"],
            "530400",
            "776400.00",
        ]
        assert re.fullmatch(r"http://[^/]+/notices/\d+/", rows[1][11])

        # The result notice, then its project's public timeline.
        titles.first.click()
        page.wait_for_load_state()
        assert "/notices/" in page.url
        page.click("[data-testid=project-timeline]")
        page.wait_for_load_state()
        assert "/projects/" in page.url
        assert page.locator("[data-testid=timeline-notices] li > a").all_inner_texts() == walk["notices"]
        lot1 = page.locator("[data-testid=lot][data-lot='1']")
        assert lot1.get_by_role("link", name=walk["opening_record"], exact=True).is_visible()
        opening = lot1.locator("[data-testid=opening-bids] tbody tr")
        assert opening.count() == 3
        winner_row = opening.filter(has_text=walk["winner"])
        assert winner_row.locator("[data-testid=bid-price]").inner_text() == "776,400.00"
        # The result, ranked, the winner the lowest price (an inquiry), and the trail to verify.
        ranked = lot1.locator("[data-testid=results] tbody tr")
        assert ranked.count() == 3
        assert walk["winner"] in ranked.first.inner_text() and "776,400.00" in ranked.first.inner_text()
        assert ranked.first.get_attribute("class") == "table-success"
        assert page.locator("[data-testid=trail] tbody tr").count() > 0
        assert page.locator("#trail a[href='/audit/verify']").count() == 1
        lot2 = page.locator("[data-testid=lot][data-lot='2']")
        assert walk["no_bid"] in lot2.locator("[data-testid=opening-bids]").inner_text()
        assert lot2.locator("[data-testid=failed]").is_visible()
        _shot(page, "project", lang)

        ocds_link = lot1.get_by_role("link", name=walk["ocds_link"])
        href = ocds_link.get_attribute("href")
        ocid = href.rstrip("/").rsplit("/", 1)[-1]
        assert ocid.startswith("ocds-") and ocid.endswith("-530400-2026-000001-1")
        with page.expect_response(f"**{href}") as response_info:
            ocds_link.click()
        response = response_info.value
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/json")
        package = response.json()
        assert package["version"] == "1.1"
        assert package["uri"].endswith(href)
        [record] = package["records"]
        assert record["ocid"] == ocid
        assert record["releases"] and all(release["url"].startswith("http") for release in record["releases"])
        compiled = record["compiledRelease"]
        assert compiled["ocid"] == ocid and compiled["tag"] == ["compiled"]
        [award] = compiled["awards"]
        assert award["value"] == {"amount": 776400, "currency": "CNY"}
        assert [supplier["name"] for supplier in award["suppliers"]] == [WINNER_ZH]

        # The dashboards: each chart an image named by its title, its numbers in a table beside it.
        page.goto(f"{live_server.url}/dashboards/")
        assert page.inner_text("h1") == walk["dashboards_title"]
        chart = page.get_by_role("img", name=walk["chart"], exact=True)
        assert chart.is_visible()
        table = page.locator("[data-testid=table-spend-category]")
        assert walk["chart"] in table.locator("caption").inner_text()
        assert table.locator("tbody tr").all_inner_texts() == [f"{walk['goods']}\t776,400.00\t1\t100.0%"]
        _shot(page, "dashboards", lang)

        # How anyone can verify the audit chain.
        page.goto(f"{live_server.url}/audit/verify")
        assert page.inner_text("h1") == walk["verify_title"]
        assert page.inner_text("#recompute-title") == walk["recompute"]
        assert page.locator("section[aria-labelledby=recompute-title] ol > li").count() == 4
        assert "hashlib" in page.inner_text("[data-testid=snippet]")
        assert page.inner_text("#receipt-title") == walk["receipt"]
        _shot(page, "verify", lang)
