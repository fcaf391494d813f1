"""The red-flag pages: the regulator's worklist and detail pages (regulators only, their region
only), the public definitions page, and the public lot flags of a project page."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Organisation, Role
from disclosure.models import RedFlag
from disclosure.redflags.indicators import INDICATORS
from disclosure.redflags.selectors import public_flags_for_project

from . import builders as b

pytestmark = pytest.mark.django_db

WORKLIST = reverse("disclosure:redflag_worklist")
ABOUT = reverse("disclosure:redflag_about")

BID_EVIDENCE = {
    "facts": [["method", "public_tender"], ["bidders", 1], ["failed_at_opening", False]],
    "bids": [
        {
            "bid": 1,
            "supplier": 1,
            "name_zh": "嘉兴某科技有限公司",
            "name_en": "Jiaxing Tech Co.",
            "price": "100.00",
            "received_at": "2025-03-20T15:00:00+08:00",
            "status": "opened",
            "winner": False,
        }
    ],
}


def flag(code, *, lot=None, organisation=None, level=RedFlag.Level.LOT, value="1", evidence=None):
    return RedFlag.objects.create(
        code=code,
        level=level,
        lot=lot,
        organisation=organisation,
        value=value,
        threshold=None,
        evidence=evidence or {"facts": [["bidders", 1]]},
        computed_at=timezone.now(),
    )


def opened_lot(purchaser, day, number=1, project=None):
    project = project or b.project(purchaser)
    lot = b.lot(project, number=number)
    b.open_lot(lot, opened_at=b.at(day))
    return lot


@pytest.fixture
def scene():
    """Jiaxing (330400): three opened lots with lot flags, a buyer and a tenderer flagged; Yuxi
    (530400): one lot flag and one tenderer flag."""
    jiaxing = b.organisation(Organisation.Kind.PURCHASER, region_code="330400")
    supplier = b.organisation(
        Organisation.Kind.SUPPLIER, region_code="330400", name_zh="嘉兴某公司", name_en="Jiaxing Some Co."
    )
    yuxi = b.organisation(Organisation.Kind.PURCHASER, region_code="530400")
    far_supplier = b.organisation(Organisation.Kind.SUPPLIER, region_code="530400", name_zh="玉溪某公司")
    first = opened_lot(jiaxing, "2025-03-24")
    newest = opened_lot(jiaxing, "2025-04-01")
    oldest = opened_lot(jiaxing, "2025-03-01")
    unflagged = opened_lot(jiaxing, "2025-03-02")
    far = opened_lot(yuxi, "2025-04-02")
    flags = {
        "R018": flag("R018", lot=first, evidence=BID_EVIDENCE),
        "R028": flag("R028", lot=newest, value="2"),
        "C-same_ip": flag(
            "C-same_ip",
            lot=newest,
            value="2",
            evidence={
                "facts": [["bidders", 2]],
                "groups": [
                    {"value": "10.0.0.9", "suppliers": [{"id": 1, "name_zh": "甲公司", "name_en": "A Co."}]}
                ],
            },
        ),
        "EXPERT-DEV": flag(
            "EXPERT-DEV",
            lot=newest,
            evidence={
                "facts": [["scores", 10], ["deviation_percent", "30.00"]],
                "deviations": [
                    {
                        "expert": 9,
                        "name_zh": "王专家",
                        "name_en": "Expert Wang",
                        "bid": 1,
                        "supplier_zh": "甲公司",
                        "supplier_en": "A Co.",
                        "criterion": 0,
                        "criterion_zh": "技术方案",
                        "criterion_en": "Technical proposal",
                        "points": "8.00",
                        "median": "34.5",
                        "lower_fence": "30.17",
                        "upper_fence": "38.83",
                        "maximum": "40",
                        "reason": "",
                    }
                ],
            },
        ),
        "R003": flag("R003", lot=oldest, value="12"),
        "R038": flag("R038", organisation=jiaxing, level=RedFlag.Level.BUYER, value="0.666667"),
        "R025": flag("R025", organisation=supplier, level=RedFlag.Level.TENDERER, value="0.1"),
        "far": flag("R018", lot=far),
        "far-party": flag("R048", organisation=far_supplier, level=RedFlag.Level.TENDERER, value="5"),
    }
    return {
        "flags": flags,
        "lots": {"first": first, "newest": newest, "oldest": oldest, "unflagged": unflagged, "far": far},
        "jiaxing": jiaxing,
        "supplier": supplier,
        "far_supplier": far_supplier,
    }


@pytest.fixture
def regulator(make_member):
    return make_member(
        Role.REGULATOR, organisation=b.organisation(Organisation.Kind.REGULATOR, region_code="330400")
    )


def codes_on(page: str) -> list[str]:
    return re.findall(r'data-testid="redflag-row" data-code="([^"]+)"', page)


def test_anonymous_visitors_are_sent_to_log_in(client, scene):
    response = client.get(WORKLIST)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    "role", [Role.SUPPLIER_REPRESENTATIVE, Role.PURCHASER_CLERK, Role.AGENCY_OFFICER, Role.OPERATOR]
)
def test_only_regulators_read_the_worklist(client, make_member, login, scene, role):
    login(make_member(role))
    lot = scene["lots"]["first"]
    for url in (
        WORKLIST,
        reverse("disclosure:redflag_lot", args=[lot.pk]),
        reverse("disclosure:redflag_party", args=[scene["supplier"].pk]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403
        assert "Only a regulator may read the red-flag worklist." in response.content.decode()
        assert "嘉兴某公司" not in response.content.decode()


def test_the_worklist_shows_the_regulators_region_newest_openings_first(client, login, regulator, scene):
    login(regulator)
    page = client.get(WORKLIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Newest opening first (its flags by code), then the older lots, then the parties.
    assert codes_on(page) == ["C-same_ip", "EXPERT-DEV", "R028", "R018", "R003", "R038", "R025"]
    assert "玉溪某公司" not in page and "R048" not in codes_on(page)
    assert "Single bid received" in page and "Excessive unsuccessful bids" in page
    assert "7 flags" in page


def test_a_provincial_regulator_sees_its_cities(client, make_member, login, scene):
    province = make_member(
        Role.REGULATOR, organisation=b.organisation(Organisation.Kind.REGULATOR, region_code="330000")
    )
    login(province)
    assert len(codes_on(client.get(WORKLIST).content.decode())) == 7


def test_filters_by_indicator_and_level(client, login, regulator, scene):
    login(regulator)
    assert codes_on(client.get(WORKLIST, {"indicator": "R018"}).content.decode()) == ["R018"]
    assert codes_on(client.get(WORKLIST, {"level": "tenderer"}).content.decode()) == ["R025"]
    assert codes_on(client.get(WORKLIST, {"level": "lot", "indicator": "R038"}).content.decode()) == []


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"indicator": "R999<script>"}, 400, "Unknown indicator."),
        ({"level": "everyone"}, 400, "Unknown level."),
        ({"page": "99"}, 404, ""),
        ({"page": "x"}, 404, ""),
    ],
)
def test_bad_filters_are_refused(client, login, regulator, scene, query, status, message):
    login(regulator)
    response = client.get(WORKLIST, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert message in response.content.decode()
    assert "R999<script>" not in response.content.decode()


def test_worklist_query_count_does_not_grow_with_the_flags(
    client, login, regulator, scene, django_assert_num_queries
):
    login(regulator)
    client.get(WORKLIST)
    with django_assert_num_queries(6):
        response = client.get(WORKLIST)
    assert len(codes_on(response.content.decode())) == 7
    for day in ("2025-05-01", "2025-05-02", "2025-05-03"):
        flag("R018", lot=opened_lot(scene["jiaxing"], day), evidence=BID_EVIDENCE)
    with django_assert_num_queries(6):
        response = client.get(WORKLIST)
    assert codes_on(response.content.decode())[:4] == ["R018", "R018", "R018", "C-same_ip"]


def test_lot_page_shows_every_flag_with_its_evidence(
    client, login, regulator, scene, django_assert_num_queries
):
    login(regulator)
    lot = scene["lots"]["newest"]
    url = reverse("disclosure:redflag_lot", args=[lot.pk])
    client.get(url)
    with django_assert_num_queries(6):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.findall(r'data-testid="redflag-detail" data-code="([^"]+)"', page) == [
        "C-same_ip",
        "EXPERT-DEV",
        "R028",
    ]
    assert "10.0.0.9" in page and "Expert Wang" in page and "Technical proposal" in page
    assert "Implementing Regulations of the Bidding Law, art. 40(1) and (2)" in page  # the screen's basis
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "王专家" in chinese and "不同供应商报价相同" in chinese


def test_lot_and_party_pages_answer_404_outside_the_region(client, login, regulator, scene):
    login(regulator)
    for url in (
        reverse("disclosure:redflag_lot", args=[scene["lots"]["far"].pk]),
        reverse("disclosure:redflag_lot", args=[scene["lots"]["unflagged"].pk]),
        reverse("disclosure:redflag_lot", args=[999999]),
        reverse("disclosure:redflag_party", args=[scene["far_supplier"].pk]),
        reverse("disclosure:redflag_party", args=[999999]),
    ):
        assert client.get(url).status_code == 404


def test_party_page(client, login, regulator, scene, django_assert_num_queries):
    login(regulator)
    url = reverse("disclosure:redflag_party", args=[scene["supplier"].pk])
    client.get(url)
    with django_assert_num_queries(6):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Excessive unsuccessful bids" in page and "Jiaxing Some Co." in page
    assert "嘉兴某公司" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_the_definitions_page_is_public_and_bilingual(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        english = client.get(ABOUT, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    page = english.content.decode()
    for code, indicator in INDICATORS.items():
        assert f'id="{indicator.anchor}"' in page, code
    assert "Short submission period" in page and "Government Procurement Law, art. 35" in page
    chinese = client.get(ABOUT, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "投标期限过短" in chinese and "《中华人民共和国政府采购法》第三十五条" in chinese


def test_the_definitions_page_shows_the_parameters_in_force(client, settings):
    settings.REDFLAG_PARAMETERS = {"R003": {"threshold": 10}}
    page = client.get(ABOUT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    r003 = page[page.index('id="indicator-R003"') : page.index('id="indicator-R018"')]
    assert "threshold: 10" in r003
    r024 = page[page.index('id="indicator-R024"') : page.index('id="indicator-R025"')]
    assert "threshold: from the data (Tukey&#x27;s fences)" in r024
    assert "Public tender, Invited tender" in page  # R018's methods, by name


def test_the_public_sees_lot_flags_of_public_indicators_only(scene, django_assert_num_queries):
    project = scene["lots"]["newest"].project
    with django_assert_num_queries(1):
        flags = public_flags_for_project(project)
    assert {lot_id: [f.code for f in items] for lot_id, items in flags.items()} == {
        scene["lots"]["newest"].pk: ["R028"]
    }
    # A party flag of the purchaser never shows, nor the collusion screen or the expert deviation.
    assert all(f.level == RedFlag.Level.LOT for items in flags.values() for f in items)


def test_the_lot_flags_include(scene):
    flags = public_flags_for_project(scene["lots"]["newest"].project)[scene["lots"]["newest"].pk]
    with translation.override("en"):
        html = render_to_string("disclosure/redflags/_lot_flags.html", {"flags": flags})
    assert "Identical bid prices" in html
    assert f'href="{ABOUT}#indicator-R028"' in html
    assert "王专家" not in html and "10.0.0.9" not in html
    with translation.override("zh-hans"):
        assert "不同供应商报价相同" in render_to_string(
            "disclosure/redflags/_lot_flags.html", {"flags": flags}
        )
    assert render_to_string("disclosure/redflags/_lot_flags.html", {"flags": []}).strip() == ""
