"""Atom feeds (per kind of notice, per saved search), CSV and Excel exports, and the public rate
limit on all of them, over the module's shared scenario."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's answer
    assert root.tag == f"{ATOM}feed"
    return root


def entry_links(root) -> list[str]:
    return [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]


def notice_url(pk: int) -> str:
    return f"http://testserver{reverse('notices:detail', args=[pk])}"


def test_the_feed_of_a_kind_lists_its_public_notices_newest_first(client, scenario):
    root = atom(client.get(reverse("disclosure:search_kind_feed", args=["result"])))
    assert entry_links(root) == [
        notice_url(scenario.pk("road_result")),
        notice_url(scenario.pk("computers_result")),
    ]
    first = root.find(f"{ATOM}entry")
    assert first.find(f"{ATOM}title").text == "宁波市交通局环城公路养护工程成交结果公告"
    assert first.find(f"{ATOM}author/{ATOM}name").text == "宁波市交通局"
    assert first.find(f"{ATOM}updated").text.startswith(
        str(scenario.notices["road_result"].published_at.year)
    )


def test_a_kind_feed_leaves_out_scheduled_notices(client, scenario):
    root = atom(client.get(reverse("disclosure:search_kind_feed", args=["correction"])))
    assert notice_url(scenario.scheduled.pk) not in entry_links(root)
    assert len(entry_links(root)) == 3


def test_an_unknown_kind_has_no_feed(client, scenario):
    assert client.get(reverse("disclosure:search_kind_feed", args=["nonsense"])).status_code == 404


def test_the_feed_of_a_saved_search_lists_what_the_page_lists_in_the_page_language(client, scenario):
    url = reverse("disclosure:search_feed")
    root = atom(client.get(url, {"q": "hospital beds"}, headers={"accept-language": "en"}))
    assert entry_links(root) == [
        notice_url(scenario.pk("beds_correction")),
        notice_url(scenario.pk("beds_tender")),
    ]
    assert "hospital beds" in root.find(f"{ATOM}title").text
    assert root.find(f"{ATOM}entry/{ATOM}title").text == "Correction notice: hospital beds"


def test_feed_text_stays_text(client, scenario):
    response = client.get(reverse("disclosure:search_feed"), {"q": "script"})
    root = atom(response)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text.startswith("<script>alert(1)</script>")  # text, as XML escapes it
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert "&lt;img" in entry.find(f"{ATOM}summary").text  # escaped HTML inside the html summary
    assert b"<script>" not in response.content


def test_a_feed_with_bad_criteria_is_a_translated_400(client, scenario):
    response = client.get(
        reverse("disclosure:search_feed"), {"region": "1"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert "six digits" in response.text


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def test_the_csv_export_lists_the_search_with_both_titles(client, scenario):
    response = client.get(reverse("disclosure:search_export_csv"), {"q": "计算机", "kind": "result"})
    header, *rows = csv_rows(response)
    assert header[:4] == ["发布时间", "公告类型", "公告标题（中文）", "公告标题（英文）"]
    assert len(rows) == 1
    row = rows[0]
    assert row[2] == "嘉兴市第一中学教学用计算机中标结果公告"
    assert row[3] == "Result notice: computers for teaching"
    assert row[5] == "嘉兴市第一中学"
    assert row[6] == "浙江华数科技有限公司"
    assert row[10] == "1398000.00"
    assert row[11] == notice_url(scenario.pk("computers_result"))


def test_exports_neutralise_spreadsheet_formulas(client, scenario):
    header, *rows = csv_rows(client.get(reverse("disclosure:search_export_csv"), {"q": "addendum"}))
    assert rows[0][2].startswith("'=HYPERLINK") and rows[0][3] == "'=1+2 beds addendum"


def test_the_export_stops_at_the_cap(client, scenario, settings):
    settings.SEARCH_EXPORT_MAX_ROWS = 4
    header, *rows = csv_rows(client.get(reverse("disclosure:search_export_csv")))
    assert len(rows) == 4
    assert rows[0][11] == notice_url(scenario.pk("formula"))  # newest first


def test_the_excel_export_is_a_workbook_of_the_same_rows(client, scenario):
    response = client.get(
        reverse("disclosure:search_export_xlsx"), {"supplier": "华数"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Published at", "Kind of notice", "Notice title (Chinese)")
    assert [row[1] for row in rows[1:]] == ["Contract notice", "Result notice"]
    assert rows[1][5] == "Jiaxing No. 1 Middle School" and rows[1][6] == "Zhejiang Huashu Technology"
    assert float(rows[1][10]) == 1398000.0


def test_an_export_with_bad_criteria_is_a_translated_400(client, scenario):
    response = client.get(reverse("disclosure:search_export_csv"), {"amount_min": "-1"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        reverse("disclosure:search"),
        reverse("disclosure:search_feed"),
        reverse("disclosure:search_kind_feed", args=["tender"]),
        reverse("disclosure:search_export_csv"),
        reverse("disclosure:search_export_xlsx"),
    ],
)
def test_more_requests_than_the_limit_get_a_translated_429_with_retry_after(client, scenario, settings, url):
    settings.PUBLIC_RATE_LIMIT = "3/minute"
    for _attempt in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(url, headers={"accept-language": "en"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests from your address" in refused.text
    chinese = client.get(url, headers={"accept-language": "zh-hans"})
    assert chinese.status_code == 429 and "请求过于频繁" in chinese.text
    # Another client has its own count.
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200
