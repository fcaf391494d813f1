"""The SVG charts, the region names and the figures' formatting: plain functions, no database."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from disclosure.dashboards import charts, metrics, panels
from disclosure.dashboards.regions import region_label, region_name

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(str(svg))  # noqa: S314 - our own drawing
    assert root.tag == f"{SVG}svg"
    return root


def assert_accessible(root: ET.Element, title: str) -> None:
    """role=img, named by its <title> and described by its <desc>, each referenced by id."""
    assert root.get("role") == "img"
    title_el, desc_el = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title_el is not None and title_el.text == title
    assert desc_el is not None and desc_el.text
    assert root.get("aria-labelledby") == title_el.get("id")
    assert root.get("aria-describedby") == desc_el.get("id")
    assert root.get("viewBox").startswith("0 0 400 ")
    assert root.get("width") == "100%" and root.get("height") is None  # scales with its viewBox


def values(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]


def test_bar_chart_is_well_formed_accessible_and_proportional():
    bars = [
        charts.Bar("货物 <b>&", Decimal("300.00"), "300.00"),
        charts.Bar("Works", Decimal("150.00"), "150.00"),
    ]
    root = parse(charts.bar_chart(chart_id="c1", title="金额 <按类别>", desc="说明 & more", bars=bars))
    assert_accessible(root, "金额 <按类别>")
    assert values(root) == ["300.00", "150.00"]
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") is None]
    assert labels == ["货物 <b>&", "Works"]  # escaped in the markup, the same text once parsed
    filled = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.colour(0)]
    assert filled == [400.0, 200.0]


def test_a_percentage_chart_is_scaled_to_100():
    root = parse(
        charts.bar_chart(chart_id="c", title="t", desc="d", bars=[charts.Bar("a", 50, "50%")], scale=100)
    )
    filled = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.colour(0)]
    assert filled == [200.0]


def test_an_empty_chart_says_so_and_stays_accessible():
    for svg in (
        charts.bar_chart(chart_id="e", title="空", desc="d", bars=[], empty_text="本期无数据"),
        charts.share_chart(chart_id="e", title="空", desc="d", rows=[], empty_text="本期无数据"),
        charts.column_chart(chart_id="e", title="空", desc="d", columns=[], empty_text="本期无数据"),
    ):
        root = parse(svg)
        assert_accessible(root, "空")
        assert "本期无数据" in [t.text for t in root.iter(f"{SVG}text")]


def test_share_chart_splits_each_bar_by_its_parts():
    rows = [
        charts.ShareRow("By amount", [charts.Bar("Public", 3, "75.0%"), charts.Bar("Other", 1, "25.0%")]),
        charts.ShareRow("By count", [charts.Bar("Public", 1, "50.0%"), charts.Bar("Other", 1, "50.0%")]),
    ]
    root = parse(charts.share_chart(chart_id="s", title="Share", desc="d", rows=rows))
    assert_accessible(root, "Share")
    segments = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "segment"]
    assert segments == [300.0, 100.0, 200.0, 200.0]
    assert values(root) == ["75.0% · 50.0%", "25.0% · 50.0%"]  # the legend: each part in each row


def test_column_chart_draws_every_column_and_thins_crowded_labels():
    columns = [
        charts.Bar(f"{year}年{month}月", month, str(month)) for year in (2024, 2025) for month in range(1, 13)
    ]
    root = parse(
        charts.column_chart(chart_id="m", title="By month", desc="d", columns=columns, top_label="max")
    )
    assert_accessible(root, "By month")
    drawn = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "column"]
    assert len(drawn) == 24
    assert [r.find(f"{SVG}title").text for r in drawn][:2] == ["2024年1月: 1", "2024年2月: 2"]
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert 1 < len(labels) < 24 and labels[0] == "2024年1月"  # every n-th label, never overlapping


@given(
    st.lists(
        st.tuples(st.text(min_size=0, max_size=80), st.decimals(min_value=0, max_value=10**12, places=2)),
        max_size=30,
    )
)
def test_any_bars_give_well_formed_svg_within_the_view_box(items):
    bars = [charts.Bar(label, value, f"{value:,.2f}") for label, value in items]
    root = parse(charts.bar_chart(chart_id="h", title="t", desc="d", bars=bars))
    for rect in root.iter(f"{SVG}rect"):
        assert 0 <= float(rect.get("width")) <= charts.WIDTH


def test_long_labels_are_cut_to_fit_beside_their_value():
    label = "嘉兴市某某某某某某某某某某某某某某某某某某某某某某某某某某某某某局"
    assert charts.fit(label, 200).endswith("…")
    assert charts.text_width(charts.fit(label, 200)) <= 200
    assert charts.fit("short", 200) == "short"


def test_the_colours_meet_wcag_aa_on_white():
    assert round(charts.contrast_ratio("#000000"), 1) == 21.0
    for colour in charts.PALETTE + (charts.AXIS,):
        assert charts.contrast_ratio(colour) >= 3.0, colour  # graphical objects (1.4.11)
    for colour in (charts.INK, charts.MUTED):
        assert charts.contrast_ratio(colour) >= 4.5, colour  # text (1.4.3)
    # Neighbouring segments of a share bar differ from each other, not only from white.
    assert charts.contrast_ratio(charts.PALETTE[0], charts.PALETTE[1]) > 1.0


def test_region_names_from_the_code_table():
    assert region_name("330400") == "嘉兴市"
    assert region_name("330000") == "浙江省"
    assert region_name("330402") == "嘉兴市南湖区"
    assert region_name("110101") == "北京市东城区"
    assert region_label("999999") == "999999"
    assert region_label("abc") == "abc"


def test_figures_show_the_same_strings_in_chart_and_table():
    data = metrics.Dashboard(
        scope=metrics.Scope(),
        spend=metrics.Spend(
            by_category=[metrics.Total("goods", Decimal("1234567.50"), 2)],
            by_method=[metrics.Total("public_tender", Decimal("1234567.50"), 2)],
            by_region=[metrics.Total("330400", Decimal("1234567.50"), 2)],
            amount=Decimal("1234567.50"),
            count=2,
        ),
        months=[],
        competition=metrics.Competition({1: 1, 3: 2}),
        sme=metrics.SmeShare(Decimal("1234567.50"), 2, Decimal("234567.50"), 1),
        to_award=metrics.Duration(2, 45),
        to_payment=metrics.Duration(0, 0),
        disclosure=[metrics.Timeliness(1, "甲单位", "Unit A", 2, 1, 2, 2)],
    )
    with translation.override("en"):
        figures = {f.id: f for f in panels.figures(data)}
        keys = {k.label: k.value for k in panels.key_figures(data)}
    category = figures["spend-category"]
    assert (
        values(parse(category.svg))
        == [row[category.chart_column] for row in category.rows]
        == ["1,234,567.50"]
    )
    assert category.rows[0][0] == "Goods"
    assert figures["spend-region"].rows[0][0] == "嘉兴市 330400"
    assert [r[1] for r in figures["bids-per-lot"].rows] == ["0", "1", "0", "2"]
    assert figures["average-days"].rows == [
        ["Tender notice to result notice", "22.5 days", "2"],
        ["Acceptance to payment", "—", "0"],
    ]
    assert figures["disclosure"].rows == [["Unit A", "75.0%", "1 of 2", "2 of 2"]]
    assert keys["Average bids per lot"] == "2.3" and keys["Single-bid lots"] == "33.3%"
    assert figures["spend-month"].rows == []  # no period, no awards: no months
