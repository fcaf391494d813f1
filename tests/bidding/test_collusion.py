"""The collusion screens at opening (bidding.collusion), on plain data: no database."""

import json
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidding.collusion import (
    COMPRESSED_CV_THRESHOLD,
    SCREENS,
    BidFacts,
    Flag,
    normalise_address,
    normalise_phone,
    price_screens,
    regular_progression,
    screen_bids,
)

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def bid(supplier_id: int, price="", **facts) -> BidFacts:
    if price == "":
        price = Decimal(1000 + 137 * supplier_id**2)  # no shared, regular or compressed prices
    elif price is not None:
        price = Decimal(price)
    sets = ("ip_addresses", "download_ips", "user_agents", "file_hashes", "bond_accounts")
    for name in sets:
        if name in facts:
            facts[name] = frozenset(facts[name])
    return BidFacts(supplier_id=supplier_id, supplier_name=f"供应商{supplier_id}", price=price, **facts)


def kinds(flags: list[Flag]) -> list[str]:
    return [flag.kind for flag in flags]


def only(flags: list[Flag], kind: str) -> list[Flag]:
    return [flag for flag in flags if flag.kind == kind]


# --- The catalogue -------------------------------------------------------------------------------


def test_every_screen_has_a_title_an_explanation_and_a_bilingual_basis():
    from django.utils.functional import Promise

    assert set(SCREENS) >= {
        "same_ip",
        "same_download_ip",
        "same_user_agent",
        "identical_file",
        "same_document_author",
        "same_document_company",
        "same_creating_software",
        "same_bond_account",
        "same_legal_representative",
        "same_phone",
        "same_address",
        "identical_price",
        "regular_price_progression",
        "compressed_prices",
    }
    for kind, screen in SCREENS.items():
        assert screen.kind == kind
        assert isinstance(screen.title, Promise) and isinstance(screen.explanation, Promise)
        assert str(screen.title) and str(screen.explanation)
        assert screen.basis_zh.startswith("《中华人民共和国") and "条" in screen.basis_zh
        assert screen.basis_en.startswith("Implementing Regulations of the")
    assert SCREENS["same_bond_account"].basis_zh == "《中华人民共和国招标投标法实施条例》第四十条第（六）项"
    assert SCREENS["same_legal_representative"].basis_en.endswith("Government Procurement Law, art. 18")
    assert "art. 74" in SCREENS["identical_price"].basis_en
    assert "第七十四条" in SCREENS["regular_price_progression"].basis_zh


def test_titles_translate_lazily():
    from django.utils import translation

    with translation.override("en"):
        assert str(SCREENS["same_ip"].title) == "Bids uploaded from the same IP address"


# --- Each screen, positive and negative ----------------------------------------------------------

SHARED_CASES = [
    ("same_ip", {"ip_addresses": {"10.0.0.5"}}, {"ip_addresses": {"10.0.0.5", "10.0.0.9"}}, "10.0.0.5"),
    ("same_download_ip", {"download_ips": {"203.0.113.7"}}, {"download_ips": {"203.0.113.7"}}, "203.0.113.7"),
    (
        "same_user_agent",
        {"user_agents": {"Mozilla/5.0 X"}},
        {"user_agents": {"Mozilla/5.0 X"}},
        "Mozilla/5.0 X",
    ),
    ("identical_file", {"file_hashes": {"ab" * 32}}, {"file_hashes": {"AB" * 32, "cd" * 32}}, "ab" * 32),
    (
        "same_bond_account",
        {"bond_accounts": {"6222 0202 0000 1234"}},
        {"bond_accounts": {"6222020200001234"}},
        None,
    ),
    (
        "same_legal_representative",
        {"legal_representative": "王 小明"},
        {"legal_representative": "王小明"},
        None,
    ),
    ("same_phone", {"phone": "+86 138-0000-0000"}, {"phone": "13800000000"}, "+86 138-0000-0000"),
    (
        "same_address",
        {"address": "北京市 海淀区，中关村大街1号。"},
        {"address": "北京市海淀区中关村大街1号"},
        None,
    ),
    (
        "same_document_author",
        {"metadata": ({"author": "张三"},)},
        {"metadata": ({"author": " 张三 "},)},
        "张三",
    ),
    (
        "same_document_author",
        {"metadata": ({"author": "Li Wei"},)},
        {"metadata": ({"last_modified_by": "LI WEI"},)},
        "Li Wei",
    ),
    (
        "same_document_company",
        {"metadata": ({"company": "某某咨询有限公司"},)},
        {"metadata": ({"company": "某某咨询有限公司"},)},
        None,
    ),
    (
        "same_creating_software",
        {"metadata": ({"creator": "BidMaker 3.2 (licensed to 某公司)", "producer": "Microsoft Word"},)},
        {"metadata": ({"creator": "BidMaker 3.2 (licensed to 某公司)", "producer": "Microsoft Word"},)},
        None,
    ),
]


@pytest.mark.parametrize(("kind", "first", "second", "value"), SHARED_CASES)
def test_a_value_shared_by_two_suppliers_is_flagged(kind, first, second, value):
    flags = screen_bids([bid(1, **first), bid(2, **second), bid(3)])

    [flag] = only(flags, kind)
    assert flag.supplier_ids == (1, 2)
    assert flag.evidence["suppliers"] == ["供应商1", "供应商2"]
    if value is not None:
        assert flag.evidence["value"] == value
    json.dumps(flag.evidence)  # recorded in a JSONField
    assert kinds(flags) == [kind]


@pytest.mark.parametrize(("kind", "first", "second", "value"), SHARED_CASES)
def test_a_value_held_by_one_supplier_only_is_not_flagged(kind, first, second, value):
    assert screen_bids([bid(1, **first), bid(3)]) == []


@pytest.mark.parametrize(
    ("field", "a", "b"),
    [
        ("ip_addresses", {"10.0.0.5"}, {"10.0.0.6"}),
        ("download_ips", {"10.0.0.5"}, {"10.0.0.50"}),
        ("user_agents", {"Mozilla/5.0 X"}, {"Mozilla/5.0 x"}),
        ("file_hashes", {"ab" * 32}, {"ac" * 32}),
        ("bond_accounts", {"6222020200001234"}, {"6222020200001235"}),
        ("legal_representative", "王小明", "王晓明"),
        ("phone", "13800000000", "13800000001"),
        ("address", "北京市海淀区中关村大街1号", "北京市海淀区中关村大街2号"),
    ],
)
def test_different_values_are_not_flagged(field, a, b):
    assert screen_bids([bid(1, **{field: a}), bid(2, **{field: b})]) == []


def test_empty_values_are_never_shared():
    bids = [
        bid(i, legal_representative="", phone=" ", address="，", metadata=({"author": ""},)) for i in (1, 2)
    ]
    assert screen_bids(bids) == []


def test_ipv4_mapped_ipv6_is_the_same_address():
    flags = screen_bids([bid(1, ip_addresses={"::ffff:10.0.0.5"}), bid(2, ip_addresses={"10.0.0.5"})])
    assert kinds(flags) == ["same_ip"]


def test_download_ip_and_upload_ip_are_separate_screens():
    flags = screen_bids([bid(1, download_ips={"10.0.0.5"}), bid(2, ip_addresses={"10.0.0.5"})])
    assert flags == []


# --- Normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("+86 138-0000-0000", "13800000000"),
        ("86 13800000000", "138 0000 0000"),
        ("0086-138-0000-0000", "（138）00000000"),
        ("０１０－６２５５ ００００", "010-62550000"),  # full-width digits
    ],
)
def test_phones_compare_by_their_digits(a, b):
    assert normalise_phone(a) == normalise_phone(b) != ""


def test_a_short_number_starting_with_86_keeps_its_digits():
    assert normalise_phone("8612345") == "8612345"
    assert normalise_phone("123") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("北京市 海淀区，中关村大街1号", "北京市海淀区中关村大街1号"),
        ("北京市海淀区（中关村）大街１号。", "北京市海淀区(中关村)大街1号."),
        ("Room 5, No. 1 Main Street", "room5no1mainstreet"),
        ("上海市\u3000浦东新区·世纪大道 100 号", "上海市浦东新区世纪大道100号"),
    ],
)
def test_addresses_ignore_spacing_punctuation_and_case(a, b):
    assert normalise_address(a) == normalise_address(b)


@pytest.mark.parametrize(
    "generic",
    ["Administrator", "admin", "USER", "微软用户", "Microsoft Office User", "  微软中国 ", "雨林木风"],
)
def test_generic_authors_are_ignored(generic):
    bids = [bid(1, metadata=({"author": generic},)), bid(2, metadata=({"last_modified_by": generic},))]
    assert screen_bids(bids) == []


def test_generic_companies_are_ignored():
    bids = [bid(i, metadata=({"company": "微软中国"}, {"company": "Microsoft"})) for i in (1, 2)]
    assert screen_bids(bids) == []


@pytest.mark.parametrize(
    ("creator", "producer"),
    [
        ("Microsoft® Word 2016", "Microsoft® Word 2016"),
        ("WPS 文字", "WPS 文字"),
        ("Microsoft Office Word", None),
        (None, "WeasyPrint 70.0"),
        ("Writer", "LibreOffice 7.4"),
        ("Acrobat PDFMaker 23 for Word", "Adobe PDF Library 23.1.175"),
        ("Chromium", "Skia/PDF m120"),
        ("金山文档", None),
        ("福昕高级PDF编辑器", "Foxit PDF Producer"),
    ],
)
def test_common_office_and_pdf_software_is_no_signal(creator, producer):
    metadata = ({"creator": creator, "producer": producer},)
    assert screen_bids([bid(1, metadata=metadata), bid(2, metadata=metadata)]) == []


def test_a_name_that_only_starts_like_common_software_is_unusual():
    metadata = ({"creator": "Wordsmith Bid Studio", "producer": None},)
    [flag] = screen_bids([bid(1, metadata=metadata), bid(2, metadata=metadata)])
    assert flag.kind == "same_creating_software"
    assert flag.evidence["value"] == "Wordsmith Bid Studio"


def test_unusual_software_must_match_as_a_pair():
    first = {"creator": "BidMaker 3.2", "producer": "Microsoft Word"}
    second = {"creator": "BidMaker 3.2", "producer": "LibreOffice 7.4"}
    assert screen_bids([bid(1, metadata=(first,)), bid(2, metadata=(second,))]) == []


def test_empty_file_hash_and_tender_templates_are_not_identical_files():
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    template = "12" * 32
    bids = [bid(i, file_hashes={empty, template}) for i in (1, 2)]
    assert screen_bids(bids, known_file_hashes=[template.upper()]) == []
    assert kinds(screen_bids(bids)) == ["identical_file"]


# --- Grouping ------------------------------------------------------------------------------------


def test_suppliers_sharing_one_value_make_one_flag_not_one_per_pair():
    bids = [bid(i, ip_addresses={"10.0.0.5"}) for i in (4, 2, 3, 1)]

    [flag] = screen_bids(bids)

    assert flag.supplier_ids == (1, 2, 3, 4)
    assert flag.evidence["suppliers"] == ["供应商1", "供应商2", "供应商3", "供应商4"]


def test_each_shared_value_makes_its_own_flag():
    bids = [
        bid(1, ip_addresses={"10.0.0.5", "10.0.0.6"}),
        bid(2, ip_addresses={"10.0.0.5"}),
        bid(3, ip_addresses={"10.0.0.6"}),
    ]
    flags = screen_bids(bids)
    assert [(flag.kind, flag.supplier_ids, flag.evidence["value"]) for flag in flags] == [
        ("same_ip", (1, 2), "10.0.0.5"),
        ("same_ip", (1, 3), "10.0.0.6"),
    ]


def test_a_supplier_with_two_bids_is_one_supplier():
    bids = [
        bid(1, ip_addresses={"10.0.0.5"}, phone="13800000000", file_hashes={"ab" * 32}),
        bid(1, ip_addresses={"10.0.0.5"}, phone="13800000000", file_hashes={"ab" * 32}),
    ]
    assert screen_bids(bids) == []


def test_two_bids_of_one_supplier_are_merged_before_comparing():
    bids = [bid(1, ip_addresses={"10.0.0.5"}), bid(1, phone="13800000000"), bid(2, phone="138 0000 0000")]
    [flag] = screen_bids(bids)
    assert (flag.kind, flag.supplier_ids) == ("same_phone", (1, 2))


def test_a_single_supplier_is_never_flagged():
    lonely = bid(1, price="100", ip_addresses={"10.0.0.5"}, metadata=({"author": "张三"},))
    assert screen_bids([lonely]) == []
    assert screen_bids([]) == []


def test_flags_come_in_screen_order_and_are_deterministic():
    bids = [
        bid(1, price="100.00", ip_addresses={"10.0.0.5"}, phone="13800000000"),
        bid(2, price="100.00", ip_addresses={"10.0.0.5"}, phone="13800000000"),
    ]
    flags = screen_bids(bids)
    assert kinds(flags) == ["same_ip", "same_phone", "identical_price"]
    assert screen_bids(list(reversed(bids))) == flags


# --- Prices --------------------------------------------------------------------------------------


def test_identical_prices_are_flagged_whatever_their_scale():
    flags = screen_bids([bid(1, price="1000.00"), bid(2, price="1000"), bid(3, price="1200.50")])
    [flag] = only(flags, "identical_price")
    assert flag.supplier_ids == (1, 2)
    assert flag.evidence["value"] in {"1000", "1000.00"}


def test_an_arithmetic_progression_is_flagged_with_its_step():
    flags = screen_bids([bid(3, price="1200.00"), bid(1, price="1000.00"), bid(2, price="1100.00")])
    [flag] = only(flags, "regular_price_progression")
    assert flag.supplier_ids == (1, 2, 3)
    assert flag.evidence["progression"] == "arithmetic"
    assert flag.evidence["step"] == "100.00"
    assert flag.evidence["prices"] == ["1000.00", "1100.00", "1200.00"]


def test_a_geometric_progression_is_flagged_within_rounding():
    flags = screen_bids([bid(1, price="1000000"), bid(2, price="1030000"), bid(3, price="1060900.40")])
    [flag] = only(flags, "regular_price_progression")
    assert flag.evidence["progression"] == "geometric"
    assert flag.evidence["ratio"] == "1.030000"


def test_two_prices_are_no_progression():
    assert only(screen_bids([bid(1, price="1000"), bid(2, price="1100")]), "regular_price_progression") == []


def test_an_irregular_set_of_prices_is_not_flagged():
    assert screen_bids([bid(1, price="1000"), bid(2, price="1130"), bid(3, price="1420.55")]) == []


def test_bids_without_a_price_are_left_out_of_the_price_screens():
    flags = screen_bids([bid(1, price="100"), bid(2, price=None), bid(3, price=None), bid(4, price="300")])
    assert flags == []


def test_compressed_prices_are_flagged_below_one_per_cent():
    flags = screen_bids([bid(1, price="1000.00"), bid(2, price="1003.00"), bid(3, price="1007.50")])
    [flag] = only(flags, "compressed_prices")
    assert flag.supplier_ids == (1, 2, 3)
    assert Decimal(flag.evidence["cv"]) < COMPRESSED_CV_THRESHOLD
    assert flag.evidence["threshold"] == "0.01"


def test_spread_out_prices_are_not_compressed():
    flags = screen_bids([bid(1, price="1000"), bid(2, price="1090"), bid(3, price="1250")])
    assert only(flags, "compressed_prices") == []


def test_price_screens_compute_the_imhof_statistics():
    screens = price_screens([Decimal("110"), Decimal("100"), Decimal("130"), Decimal("120")])
    assert screens["count"] == 4
    assert screens["mean"] == Decimal("115")
    assert abs(screens["std"] - Decimal("12.90994448735805628393088466")) < Decimal("1e-20")
    assert abs(screens["cv"] - screens["std"] / 115) < Decimal("1e-20")
    assert screens["spread"] == Decimal("0.3")
    assert screens["diffp"] == Decimal("0.1")
    # losing bids 110, 120, 130: sample standard deviation 10
    assert screens["rd"] == Decimal("1")


def test_price_screens_are_undefined_where_they_cannot_be_computed():
    assert price_screens([])["cv"] is None
    one = price_screens([Decimal("100")])
    assert one["count"] == 1 and one["cv"] is None and one["spread"] is None and one["rd"] is None
    two = price_screens([Decimal("100"), Decimal("100")])
    assert two["cv"] == 0 and two["rd"] is None


# --- Properties of the price screens -------------------------------------------------------------

prices_ = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("100000000.00"), places=2)


def priced(prices) -> list[BidFacts]:
    return [bid(i, price=p) for i, p in enumerate(prices, start=1)]


def as_sets(flags: list[Flag]):
    return sorted((flag.kind, flag.supplier_ids) for flag in flags)


@PROPERTY_SETTINGS
@given(st.lists(prices_, min_size=0, max_size=8), st.randoms(use_true_random=False))
def test_price_flags_do_not_depend_on_the_order_of_bids(prices, rnd):
    bids = priced(prices)
    shuffled = list(bids)
    rnd.shuffle(shuffled)
    assert screen_bids(shuffled) == screen_bids(bids)


@PROPERTY_SETTINGS
@given(st.lists(prices_, min_size=1, max_size=5))
def test_one_supplier_is_never_flagged_whatever_it_bids(prices):
    assert screen_bids([bid(7, price=p) for p in prices]) == []


@PROPERTY_SETTINGS
@given(prices_, st.lists(prices_, max_size=5), st.integers(min_value=2, max_value=4))
def test_identical_prices_are_always_flagged(shared, others, copies):
    bids = priced([shared] * copies + others)
    flags = only(screen_bids(bids), "identical_price")
    sharing = tuple(b.supplier_id for b in bids if b.price == shared)
    assert any(flag.supplier_ids == sharing for flag in flags)
    for flag in flags:
        assert len(flag.supplier_ids) >= 2


@PROPERTY_SETTINGS
@given(
    st.decimals(min_value=Decimal("1.00"), max_value=Decimal("1000000.00"), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000.00"), places=2),
    st.integers(min_value=3, max_value=8),
)
def test_an_arithmetic_progression_of_three_or_more_is_always_flagged(start, step, count):
    prices = [start + step * k for k in range(count)]
    [flag] = only(screen_bids(priced(prices)), "regular_price_progression")
    assert flag.supplier_ids == tuple(range(1, count + 1))
    assert regular_progression(prices) == "arithmetic"


@PROPERTY_SETTINGS
@given(st.lists(prices_, min_size=2, max_size=8))
def test_flags_always_name_at_least_two_sorted_distinct_suppliers(prices):
    for flag in screen_bids(priced(prices)):
        assert len(flag.supplier_ids) >= 2
        assert list(flag.supplier_ids) == sorted(set(flag.supplier_ids))
        json.dumps(flag.evidence)


@PROPERTY_SETTINGS
@given(st.lists(prices_, min_size=2, max_size=8))
def test_price_screens_are_permutation_invariant(prices):
    shuffled = list(reversed(prices))
    assert price_screens(prices) == price_screens(shuffled)


def test_random_prices_are_rarely_flagged_as_regular_or_identical():
    rnd = random.Random(20260101)  # fixed seed: the test is deterministic
    flagged = 0
    trials = 2000
    for _ in range(trials):
        count = rnd.randint(3, 6)
        prices = [Decimal(rnd.randint(800_000, 1_200_000)) for _ in range(count)]
        if len(set(prices)) != count:
            continue
        found = kinds(screen_bids(priced(prices)))
        flagged += "regular_price_progression" in found or "identical_price" in found
    assert flagged / trials < 0.005
