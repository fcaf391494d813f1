"""The release builders over plain data (no database): each kind of event makes the release OCDS
expects, every one validates with libcoveocds against the project's copy of the 1.1.5 schema (and
the bids extension's fields), and ocdsmerge compiles one lot's releases into its record."""

import json

import pytest

from disclosure.ocds import packages, releases, schema, validation
from tests.disclosure.ocds import scenario


def package(built: list[dict]) -> dict:
    meta = packages.metadata(
        uri=f"{scenario.BASE}/api/ocds/releases/",
        published=scenario.at(100),
        policy=f"{scenario.BASE}/api/ocds/",
    )
    return meta | {"releases": built}


@pytest.fixture(scope="module")
def built() -> dict[str, dict]:
    """Each event's release by release id (lifecycle and the other endings)."""
    return {e.release_id: releases.build_release(e) for e in scenario.lifecycle() + scenario.other_endings()}


def by_notice(built: dict[str, dict], pk: int) -> dict:
    return next(r for rid, r in built.items() if rid.endswith(f"-{pk}") and "-payment-" not in rid)


def test_every_kind_of_release_validates_with_libcoveocds_without_errors(built):
    data = package(list(built.values()))
    assert validation.errors(data) == []
    report = validation.review(data)
    assert not report["additional_checks"]  # no empty field, no other warning
    assert report["additional_closed_codelist_values"] == {}
    # The bids are known fields (the extension's patch is applied), not additional ones.
    assert not [f for f in report["additional_fields"] if f["path"].startswith("/releases/bids")]
    tags = {tag for release in built.values() for tag in release["tag"]}
    assert tags == {
        "planning",
        "tender",
        "tenderAmendment",
        "tenderUpdate",
        "tenderCancellation",
        "award",
        "awardUpdate",
        "contract",
        "contractAmendment",
        "implementation",
        "implementationUpdate",
        "contractUpdate",
        "contractTermination",
    }


def test_a_broken_release_is_reported_by_both_validators(built):
    release = json.loads(json.dumps(by_notice(built, 7)))
    release["bids"]["details"][0]["status"] = "sealed"
    release["awards"][0]["value"]["amount"] = "1398000"
    assert len(schema.release_errors(release)) == 2
    fields = {error["field"] for error in validation.errors(package([release]))}
    assert {"releases/bids/details/status", "releases/awards/value/amount"} <= fields


def test_the_ocid_is_the_prefix_the_project_reference_and_the_lot_number(built):
    release = by_notice(built, 3)
    assert release["ocid"] == "ocds-sunl1t-330400-2026-000001-1"
    assert release["id"] == "ocds-sunl1t-330400-2026-000001-1-3"
    assert release["date"] == "2026-03-11T09:30:00+08:00"
    assert release["language"] == "zh"
    assert release["initiationType"] == "tender"


def test_the_parties_are_identified_by_their_unified_social_credit_code(built):
    release = by_notice(built, 1)
    buyer, agency = release["parties"]
    assert buyer["id"] == f"CN-USCC-{scenario.PURCHASER.uscc}"
    assert buyer["identifier"] == {"scheme": "CN-USCC", "id": scenario.PURCHASER.uscc}
    assert (buyer["name"], buyer["name_en"]) == ("嘉兴市第一中学", "Jiaxing No. 1 Middle School")
    assert buyer["roles"] == ["buyer"] and agency["roles"] == ["procuringEntity"]
    assert release["buyer"] == {"id": buyer["id"], "name": "嘉兴市第一中学"}
    assert release["tender"]["procuringEntity"]["id"] == agency["id"]


def test_the_intention_is_a_planning_release_with_the_budget(built):
    release = by_notice(built, 1)
    assert release["tag"] == ["planning"]
    budget = release["planning"]["budget"]
    assert budget["amount"] == {"amount": 1500000, "currency": "CNY"}
    assert budget["projectID"] == "330400-2026-000001"
    assert release["planning"]["documents"][0]["documentType"] == "plannedProcurementNotice"
    assert release["tender"]["status"] == "planned"
    assert "bids" not in release and "awards" not in release


def test_the_tender_release_has_the_documents_dates_criteria_and_method(built):
    tender = by_notice(built, 3)["tender"]
    assert tender["status"] == "active"
    assert tender["procurementMethod"] == "open"
    assert tender["procurementMethodDetails"] == "公开招标 (Public tender)"
    assert tender["mainProcurementCategory"] == "goods"
    assert tender["awardCriteria"] == "ratedCriteria"
    assert (
        "价格分 30.00 分" in tender["awardCriteriaDetails"]
        and "技术方案 50 分" in tender["awardCriteriaDetails"]
    )
    assert tender["tenderPeriod"] == {
        "startDate": "2026-03-11T09:30:00+08:00",
        "endDate": "2026-04-01T09:30:00+08:00",
    }
    assert tender["enquiryPeriod"]["endDate"] == "2026-03-17T23:59:59+08:00"
    assert {d["documentType"] for d in tender["documents"]} == {"tenderNotice", "biddingDocuments"}
    pdf = next(d for d in tender["documents"] if d["documentType"] == "biddingDocuments")
    assert pdf["url"].endswith("/notices/3/documents/") and pdf["format"] == "application/pdf"
    assert tender["value"] == {"amount": 1500000, "currency": "CNY"}
    assert "失信" in tender["eligibilityCriteria"]


def test_a_correction_is_a_tender_amendment(built):
    clarification, amendment = by_notice(built, 4), by_notice(built, 5)
    assert clarification["tag"] == amendment["tag"] == ["tenderAmendment"]
    assert clarification["tender"]["documents"][0]["documentType"] == "clarifications"
    assert amendment["tender"]["amendments"] == [
        {
            "id": "notice-5",
            "date": "2026-03-15T09:30:00+08:00",
            "rationale": "技术参数更正",
            "rationale_en": "Notice 5",
        }
    ]
    assert any(d["id"] == "documents-v2" for d in amendment["tender"]["documents"])


def test_the_opening_record_publishes_the_bids_as_pending_with_their_prices(built):
    release = by_notice(built, 6)
    assert release["tag"] == ["tenderUpdate"]
    details = release["bids"]["details"]
    assert [(b["id"], b["status"], b["value"]["amount"]) for b in details] == [
        ("bid-a", "pending", 1398000),
        ("bid-b", "pending", 1420000.5),
        ("bid-c", "pending", 1200000),
    ]
    assert release["tender"]["numberOfTenderers"] == 3
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles["浙江华数科技有限公司"] == ["tenderer"]
    assert release["tender"]["documents"][1]["url"].endswith("/notices/6/attachment/")


def test_nothing_of_a_bid_is_in_the_releases_before_the_opening(built):
    for pk in (1, 2, 3, 4, 5):
        text = releases.dumps(by_notice(built, pk))
        assert '"bids"' not in text and '"tenderers"' not in text and "tenderer" not in text
        for bidder in (scenario.WINNER, scenario.RUNNER_UP, scenario.OUT):
            assert bidder.name_zh not in text and bidder.uscc not in text


def test_the_result_is_an_award_with_the_scores_and_the_reasons_of_the_bid_out(built):
    release = by_notice(built, 7)
    award = release["awards"][0]
    assert release["tag"] == ["award"] and release["tender"]["status"] == "complete"
    assert award["status"] == "active" and award["relatedBids"] == ["bid-a"]
    assert award["suppliers"] == [{"id": f"CN-USCC-{scenario.WINNER.uscc}", "name": "浙江华数科技有限公司"}]
    assert "第1名 浙江华数科技有限公司，报价 1,398,000.00 元，得分 92.50" in award["description"]
    assert "宁波数码有限公司 未通过资格审查：未提供营业执照" in award["description"]
    assert "Rank 2: Hangzhou Cloud Computers" in award["description_en"]
    statuses = {b["id"]: b["status"] for b in release["bids"]["details"]}
    assert statuses == {"bid-a": "valid", "bid-b": "valid", "bid-c": "disqualified"}
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles["浙江华数科技有限公司"] == ["supplier", "tenderer"]


def test_a_complaint_decision_names_the_regulator_as_review_body(built):
    dismissed = by_notice(built, 8)
    assert dismissed["tag"] == ["awardUpdate"]
    assert {p["name"]: p["roles"] for p in dismissed["parties"]}["嘉兴市财政局"] == ["reviewBody"]
    assert dismissed["tender"]["documents"][0]["documentType"] == "complaints"
    upheld = by_notice(built, 24)
    assert upheld["awards"] == [
        {"id": "award-9", "status": "cancelled", "documents": upheld["tender"]["documents"]}
    ]


def test_the_contract_its_supplement_acceptance_payment_and_breaches(built):
    contract = by_notice(built, 9)["contracts"][0]
    assert contract["dateSigned"] == "2026-04-10T09:30:00+08:00"
    assert contract["awardID"] == "award-7" and contract["status"] == "active"
    assert {d["documentType"] for d in contract["documents"]} == {"contractNotice", "contractSigned"}
    supplement = by_notice(built, 10)
    assert supplement["tag"] == ["contractAmendment"]
    assert supplement["contracts"][0]["value"]["amount"] == 1498000
    assert supplement["contracts"][0]["amendments"][0]["rationale"] == "新增教室"
    acceptance = by_notice(built, 11)["contracts"][0]["implementation"]
    assert [m["status"] for m in acceptance["milestones"]] == ["met", "scheduled"]
    assert acceptance["documents"][0]["documentType"] == "completionCertificate"
    payment = next(r for rid, r in built.items() if "-payment-" in rid)
    transaction = payment["contracts"][0]["implementation"]["transactions"][0]
    assert transaction["value"] == {"amount": 699000, "currency": "CNY"}
    assert (
        transaction["payer"]["name"] == "嘉兴市第一中学"
        and transaction["payee"]["name"] == "浙江华数科技有限公司"
    )
    assert by_notice(built, 12)["tag"] == ["implementationUpdate"]
    termination = by_notice(built, 13)
    assert termination["tag"] == ["contractTermination"]
    assert termination["contracts"][0]["status"] == "terminated"


def test_the_other_endings(built):
    failed, cancelled = by_notice(built, 22), by_notice(built, 23)
    assert failed["tag"] == cancelled["tag"] == ["tenderCancellation"]
    assert failed["tender"]["status"] == "unsuccessful" and cancelled["tender"]["status"] == "cancelled"
    assert cancelled["tender"]["documents"][0]["description"] == "采购需求发生变化"
    empty_opening = by_notice(built, 21)
    assert empty_opening["tender"]["numberOfTenderers"] == 0 and "bids" not in empty_opening
    retender = by_notice(built, 25)
    assert retender["relatedProcesses"][0]["relationship"] == ["unsuccessfulProcess"]
    assert retender["relatedProcesses"][0]["identifier"] == "ocds-sunl1t-330400-2026-000001-2"
    assert retender["tender"]["awardCriteria"] == "priceOnly"
    assert by_notice(built, 26)["contracts"][0]["status"] == "cancelled"
    failed_acceptance = by_notice(built, 27)["contracts"][0]["implementation"]
    assert failed_acceptance["milestones"][0]["status"] == "notMet"
    assert "屏幕坏点超标" in failed_acceptance["documents"][0]["description"]


def test_amounts_are_json_numbers():
    assert releases.number(scenario.AWARD.amount) == 1398000
    assert isinstance(releases.number(scenario.AWARD.amount), int)
    assert releases.money(scenario.opened_bids(assessed=False)[1].price) == {
        "amount": 1420000.5,
        "currency": "CNY",
    }


def test_the_record_compiles_the_lot_s_releases_with_ocdsmerge(built):
    lot_one = [
        (rid, scenario.at(0), r["tag"], releases.dumps(r))
        for rid, r in built.items()
        if r["ocid"].endswith("-1")
    ]
    lot_one.sort(key=lambda row: json.loads(row[3])["date"])
    record = packages.record(
        "ocds-sunl1t-330400-2026-000001-1", lot_one, lambda rid: f"{scenario.BASE}/r/{rid}/"
    )
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["title"] == "教学用计算机采购第1包：台式计算机"
    assert [a["status"] for a in compiled["awards"]] == ["active"]
    contract = compiled["contracts"][0]
    assert contract["status"] == "terminated"
    assert contract["value"]["amount"] == 1498000
    assert contract["implementation"]["transactions"][0]["id"] == "payment-3"
    assert {b["id"]: b["status"] for b in compiled["bids"]["details"]}["bid-c"] == "disqualified"
    assert len(record["releases"]) == len(lot_one)
    meta = packages.metadata(uri=f"{scenario.BASE}/r/", published=None, policy=f"{scenario.BASE}/p/")
    assert validation.errors(packages.record_package(meta, [record])) == []
