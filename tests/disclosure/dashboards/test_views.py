"""The dashboard pages: no login for the public's, regulators only (of their region) for the
regulator's; every chart an accessible SVG with the same numbers in its table; both languages;
bad filters answered 400 with a message; query counts pinned; the public figures cached."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role
from procurement.selectors import bump_notices_version

from .builders import at
from .conftest import YEAR, date, day

pytestmark = pytest.mark.django_db

PUBLIC = reverse("disclosure:dashboards")
REGULATOR = reverse("disclosure:dashboard_regulator")
SVG = "{http://www.w3.org/2000/svg}"
FIGURES = [
    "spend-category",
    "spend-method",
    "public-tender",
    "spend-region",
    "spend-month",
    "bids-per-lot",
    "sme-share",
    "average-days",
    "disclosure",
]


def xml(fragment: str) -> ET.Element:
    return ET.fromstring(fragment)  # noqa: S314 - our own server's page


def section(html: str, figure_id: str) -> tuple[ET.Element, ET.Element]:
    """The figure's SVG and its table, parsed."""
    start = html.index(f'data-testid="figure-{figure_id}"')
    end = html.index("</section>", start)
    part = html[start:end]
    svg = re.search(r"<svg .*?</svg>", part, re.S).group(0)
    table = re.search(r"<table .*?</table>", part, re.S).group(0)
    return xml(svg), xml(table)


def table_rows(table: ET.Element) -> list[list[str]]:
    return [["".join(cell.itertext()).strip() for cell in tr] for tr in table.find("tbody")]


def chart_values(svg: ET.Element) -> list[str]:
    """What the chart writes for each bar, legend entry or column (a column: its <title>)."""
    columns = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "column"]
    if columns:
        return [r.find(f"{SVG}title").text for r in columns]
    return [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "value"]


def table_values(svg: ET.Element, table: ET.Element) -> list[str]:
    """The same, read from the table: the chart's column, both shares of a share chart, or
    'label: value' for a column chart."""
    rows, column = table_rows(table), int(table.get("data-chart-column"))
    if any(r.get("class") == "column" for r in svg.iter(f"{SVG}rect")):
        return [f"{row[0]}: {row[column]}" for row in rows]
    if any(r.get("class") == "segment" for r in svg.iter(f"{SVG}rect")):
        return [f"{row[2]} · {row[4]}" for row in rows]
    return [row[column] for row in rows]


def assert_figures(html: str, ids=FIGURES) -> dict[str, list[list[str]]]:
    tables = {}
    for figure_id in ids:
        svg, table = section(html, figure_id)
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
        assert table.find("caption") is not None
        assert all(th.get("scope") == "col" for th in table.find("thead").iter("th"))
        assert all(tr[0].tag == "th" and tr[0].get("scope") == "row" for tr in table.find("tbody"))
        drawn, listed = chart_values(svg), table_values(svg, table)
        assert drawn == listed[: len(drawn)], figure_id
        tables[figure_id] = table_rows(table)
    return tables


def test_the_public_dashboard_needs_no_login_and_counts_what_is_public(world, client):
    response = client.get(PUBLIC, {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    tables = assert_figures(html)
    assert tables["spend-category"] == [
        ["Goods", "550,000.00", "3", "52.4%"],
        ["Works", "300,000.00", "1", "28.6%"],
        ["Services", "200,000.00", "1", "19.0%"],
    ]
    assert tables["public-tender"][0] == ["Public tender", "800,000.00", "76.2%", "3", "60.0%"]
    assert tables["bids-per-lot"] == [
        ["0", "0", "0.0%"],
        ["1", "1", "20.0%"],
        ["2", "2", "40.0%"],
        ["3", "1", "20.0%"],
        ["4", "1", "20.0%"],
    ]
    assert tables["sme-share"][0][1:] == ["150,000.00", "14.3%", "2", "40.0%"]
    assert tables["average-days"][1] == ["Acceptance to payment", "20.0 days", "2"]  # not C's
    by_purchaser = {row[0]: row for row in tables["disclosure"]}
    assert by_purchaser[world.p1.name_en][1:] == ["60.0%", "2 of 3", "1 of 2"]
    assert by_purchaser[world.p2.name_en][1:] == ["100.0%", "1 of 1", "0 of 0"]  # C's overdue unseen
    assert len(tables["spend-month"]) == 12 and tables["spend-month"][3] == ["Apr", "500,000.00", "2"]
    assert f"{YEAR}, all regions" in html
    assert 'data-testid="regulator-link"' not in html
    assert "<script" not in html.split('<main id="main"', 1)[1].split("</main>")[0]  # no JavaScript


def test_the_public_dashboard_in_chinese(world, client):
    response = client.get(PUBLIC, {"year": YEAR, "region": "510700"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200
    assert "采购数据看板" in html and "按品目类别的成交金额" in html
    tables = assert_figures(html)
    assert tables["spend-category"] == [["货物", "400,000.00", "1", "100.0%"]]
    assert tables["spend-region"][0][0] == "绵阳市 510700"
    assert f"{YEAR}年" not in tables["spend-month"][0][0] and tables["spend-month"][0][0] == "1月"


def test_the_public_figures_are_cached_until_a_notice_comes_out(world, client, django_assert_num_queries):
    with django_assert_num_queries(8):
        first = client.get(PUBLIC, {"year": YEAR})
    with django_assert_num_queries(0):
        again = client.get(PUBLIC, {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == again.status_code == 200
    assert "550,000.00" in again.content.decode()
    # A notice published since: the figures are read again, with what changed.
    b = world.builder
    lot = b.lot(world.project_f, number=3)
    bids = b.open_lot(lot, ["70000", "80000"], opened_at=at(day("09-30")))
    b.award(lot, bids[0], confirmed_at=at(day("10-10")))
    bump_notices_version()
    with django_assert_num_queries(8):
        fresh = client.get(PUBLIC, {"year": YEAR})
    assert "620,000.00" in fresh.content.decode()  # goods: 550,000 + 70,000


def test_this_year_unless_a_year_or_range_is_given(world, client):
    html = client.get(PUBLIC, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<option value="{timezone.localdate().year}" selected>' in html
    ranged = client.get(PUBLIC, {"start": day("04-01"), "end": day("05-31")}, HTTP_ACCEPT_LANGUAGE="en")
    tables = assert_figures(ranged.content.decode(), ["spend-category", "spend-month"])
    assert [row[0] for row in tables["spend-month"]] == ["Apr", "May"]
    assert tables["spend-category"][0][1] == "500,000.00"  # A and E in April; B in May
    everything = client.get(PUBLIC, {"year": "all"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2,049,000.00" in everything  # with the year before; never the scheduled result notice


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "1999"},
        {"year": "9" * 40},
        {"region": "abc"},
        {"region": "330400' OR 1=1 --"},
        {"region": "３３０４００"},
        {"start": "2025-13-01"},
        {"start": "0001-01-01"},
        {"start": "2025-06-01", "end": "2025-05-01"},
        {"end": "x" * 10_000},
        {"year": "<script>alert(1)</script>"},
    ],
)
def test_bad_filters_are_refused_with_a_message(world, client, query):
    response = client.get(PUBLIC, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Correct the filters above" in html
    assert "<script>alert(1)</script>" not in html
    assert 'data-testid="figure-' not in html


def test_a_bad_filter_in_chinese(world, client):
    response = client.get(PUBLIC, {"region": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "行政区划代码为六位数字" in response.content.decode()


# --- The regulator's dashboard -----------------------------------------------------------------


@pytest.fixture
def jiaxing_regulator(make_member):
    from tests.accounts.factories import OrganisationFactory

    bureau = OrganisationFactory(
        kind=Organisation.Kind.REGULATOR,
        name_zh="嘉兴市财政局",
        name_en="Jiaxing Finance Bureau",
        region_code="330400",
    )
    return make_member(Role.REGULATOR, organisation=bureau)


def test_the_regulator_needs_a_login(world, client):
    response = client.get(REGULATOR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "role", [Role.PURCHASER_CLERK, Role.AGENCY_OFFICER, Role.SUPPLIER_REPRESENTATIVE, Role.OPERATOR]
)
def test_other_roles_are_refused(world, make_member, login, role):
    response = login(make_member(role)).get(REGULATOR, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Only a regulator sees the regulator" in response.content.decode()


def test_a_regulator_without_the_second_factor_is_asked_for_it(world, jiaxing_regulator, login):
    response = login(jiaxing_regulator, verified=False).get(REGULATOR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_the_regulator_sees_its_jurisdiction_broken_down(
    world, jiaxing_regulator, login, django_assert_num_queries
):
    client = login(jiaxing_regulator)
    with django_assert_num_queries(21):
        response = client.get(REGULATOR, {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    tables = assert_figures(html, [*FIGURES, "by-purchaser", "by-agency"])
    assert [row[0] for row in tables["spend-region"]] == ["嘉兴市 330400"]  # not Mianyang's
    assert world.p3.name_en not in html
    by_purchaser = {row[0]: row for row in tables["disclosure"]}
    assert by_purchaser[world.p2.name_en][1:] == ["50.0%", "1 of 1", "0 of 1"]  # C's overdue notice
    assert tables["average-days"][1] == ["Acceptance to payment", "30.0 days", "3"]
    assert tables["by-purchaser"][0][:3] == [world.p1.name_en, "350,000.00", "3"]
    # The lists behind the figures, with links to what they count.
    assert reverse("contracts:contract", args=[world.contract_c.pk]) in html
    assert reverse("notices:detail", args=[world.award_b.result_notice_id]) in html
    assert f"No (due {date('05-18').isoformat()})" in html
    assert "not out" in html


def test_the_regulators_page_in_chinese(world, jiaxing_regulator, login):
    response = login(jiaxing_regulator).get(REGULATOR, {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert "监管看板" in html and "各图背后的清单" in html
    assert_figures(html, [*FIGURES, "by-purchaser", "by-agency"])


def test_the_regulator_may_narrow_its_region_but_not_leave_it(world, jiaxing_regulator, login):
    client = login(jiaxing_regulator)
    county = client.get(REGULATOR, {"year": YEAR, "region": "330402"}, HTTP_ACCEPT_LANGUAGE="en")
    assert county.status_code == 200
    assert "嘉兴市南湖区 330402" in county.content.decode()
    outside = client.get(REGULATOR, {"year": YEAR, "region": "510700"}, HTTP_ACCEPT_LANGUAGE="en")
    assert outside.status_code == 400
    html = outside.content.decode()
    assert "outside your jurisdiction (330400)" in html
    assert "400,000.00" not in html
    province = client.get(REGULATOR, {"year": YEAR, "region": "330000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert province.status_code == 400  # a city's bureau does not supervise the province


def test_the_public_page_links_a_regulator_to_its_dashboard(world, jiaxing_regulator, login):
    html = login(jiaxing_regulator).get(PUBLIC, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="regulator-link"' in html
