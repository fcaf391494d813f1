"""The evaluation walk of issue 6 in a real browser, continuing the bid walk.

Set up through the services (as the bid walk left it, but quicker): a Jiaxing public tender
(comprehensive scoring, one lot of 1,200,000 CNY) filed by jx_clerk, approved, entrusted to the
Jiaxing agency and tendering; three demo suppliers (jx_supplier, jx_supplier2, zz_supplier) bid,
the deadline passes (moved behind the database clock) and the lot opens automatically.

Then in the browser: the agency officer jx_agency (second factor) requests a panel of five experts
without a purchaser representative on the lot's panel page, sees the seed's commitment and draws
it (jx_expert03, a director of jx_supplier, is avoided). The five drawn demo experts (given an
authenticator in the setup, as if they had enrolled) each sign in, accept the invitation, read
the bidders and sign a declaration of no conflict with the second factor (the first one tries
before verifying and is told to verify). Each marks the qualification review (all pass), scores
the three bids on every criterion (the first reads a bid document inline), submits, reads the
panel's scores and signs the report with the second factor; the last signature seals the report.
Before the result the bidders see neither the panel nor any score. The purchaser's approver
jx_approver confirms the first-ranked candidate on the award page; an anonymous visitor reads
the result notice (scores and ranks of the others, the panel's names, the draw record) in both
languages and the public draw record, replays the draw with the published seed and candidates
(it reproduces) and with a changed candidate list (a visible failure). The third-ranked supplier
challenges the result (the service takes it at once: the challenge window counts from the end of
the notice's standing period, and nothing refuses a challenge before it, so no clock is moved),
the agency answers it (not upheld), the supplier complains, and the regulator of Jiaxing
dismisses the complaint; the decision notice is public. No console errors or CSP violations.

Screenshots and PDF pages go to var/screenshots/evaluation-walk/.
"""

import datetime
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import demo
from accounts.models import User
from audit.models import AuditEvent
from bidding import services as bidding_services
from bidding.award.models import Award, AwardLetter
from bidding.challenges.models import Challenge, Complaint
from bidding.evaluation.models import BidAssessment, Evaluation
from bidding.models import Bid
from experts.models import Panel, PanelSeat
from procurement import demo as procurement_demo
from procurement import services as procurement_services
from procurement.models import Lot, Method, Notice, Project
from rulebook import calendar
from rulebook.services import declare_calendar_year
from tests.bidding.helpers import pass_deadline, prepare_bid
from tests.procurement.conftest import approve, entrust, make_publishable

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "evaluation-walk"
TITLE_ZH = "多媒体教室设备采购"
TITLE_EN = "Multimedia classroom equipment"
# (bidder, price): the lowest price also gets the best marks, so it ranks first.
BIDS = [("jx_supplier2", "1086000.00"), ("jx_supplier", "1124500.00"), ("zz_supplier", "1158000.00")]
# Share of each criterion's points the panel gives each bid (in the order of BIDS).
MARKS = [Decimal("0.90"), Decimal("0.80"), Decimal("0.70")]


def _token() -> str:
    return f"{totp(bytes.fromhex(demo.DEMO_TOTP_KEY)):06d}"


@pytest.fixture
def opened_lot(transactional_db):
    """The demo data, and a Jiaxing public tender's only lot opened with three bids."""
    call_command("load_demo", except_apps=["contracts", "disclosure"])  # not walked here
    year = timezone.localdate().year + 1
    if not calendar.is_covered(datetime.date(year, 1, 1)):
        declare_calendar_year(
            year,
            days_off=[datetime.date(year, 1, 1)],
            working_days=[],
            reason_zh="测试",
            reason_en="Test",
            actor=None,
        )
    purchaser = procurement_demo._purchaser("jx")
    clerk = procurement_demo._acting_for("jx_clerk", purchaser)
    approvers = [
        procurement_demo._acting_for(f"jx_{name}", purchaser) for name in procurement_demo.APPROVER_ORDER
    ]
    project = procurement_services.file_project(
        actor=clerk,
        title_zh=TITLE_ZH,
        title_en=TITLE_EN,
        category="goods",
        classification_code="A02010104",
        budget="1200000.00",
        funding_source="fiscal_budget",
        lots=[
            {
                "title_zh": "交互式智能黑板",
                "title_en": "Interactive smart boards",
                "budget": "1200000.00",
                "quantity_and_specification": "86 英寸交互式智能黑板 60 套，含安装和教师培训",
                "delivery_place": "嘉兴市各中小学",
                "delivery_period": "合同签订后 30 日内",
            }
        ],
        method=Method.PUBLIC_TENDER,
    )
    project = approve(project, approvers)
    officer = User.objects.get(username="jx_agency")
    project = entrust(project, clerk, officer.active_membership.organisation)
    make_publishable(project)
    procurement_services.start_tender_documents(project.pk, actor=officer)
    procurement_services.publish_tender(project.pk, actor=officer)
    project.tender_documents.filter(status="published").update(opens_automatically=True)
    lot = Lot.objects.select_related("project").get(project=project, number=1)
    for username, price in BIDS:
        user = User.objects.select_related("active_membership__organisation").get(username=username)
        prepare_bid(lot, user, price=price, marker=username)
    pass_deadline(project)
    with transaction.atomic():
        bidding_services.open_automatically(lot.pk)
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPENED
    assert Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).count() == 3
    return lot


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _pdf_to_png(pdf: bytes, name: str) -> None:
    """The PDF's first page as var/screenshots/evaluation-walk/<name>.png (poppler's pdftoppm)."""
    assert pdf[:4] == b"%PDF", pdf[:40]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(SCREENSHOTS / name)], check=True
    )


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    if "/second-factor/" in page.url:
        _second_factor(page)
    assert "/accounts/workspace/" in page.url, page.url


def _second_factor(page) -> None:
    page.fill("input[name=token]", _token())
    page.click("[data-testid=otp-form] button[type=submit]")
    page.wait_for_load_state()


def _click(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def _text(page, selector: str = "main") -> str:
    return page.inner_text(selector)


def test_five_experts_evaluate_the_purchaser_awards_and_a_complaint_is_dismissed_in_public(
    live_server, page_factory, opened_lot
):
    base = live_server.url
    lot = opened_lot
    project = lot.project
    by_supplier = {b.supplier_id: b for b in Bid.objects.filter(lot=lot).select_related("supplier")}
    ordered = [  # the bids in the order of BIDS: the ranking the panel's marks give
        by_supplier[User.objects.get(username=username).active_membership.organisation_id]
        for username, _price in BIDS
    ]
    bids = {b.supplier.name_zh: b for b in ordered}
    supplier_names = list(bids)

    # --- The agency officer requests the panel (five experts, no representative) and draws it.
    officer = page_factory("zh-CN")
    _login(officer, base, "jx_agency")
    officer.goto(f"{base}/bidding/lots/{lot.pk}/panel/")
    assert officer.locator("[data-testid=request-form]").count() == 1
    assert officer.input_value("input[name=size]") == "5"
    assert officer.locator("input[name=representatives]:checked").count() == 0
    _shot(officer, "01-panel-request")
    _click(officer, "[data-testid=request]")
    panel = Panel.objects.get(lot=lot)
    assert (panel.status, panel.size, panel.expert_seats, panel.purchaser_seats) == (
        Panel.Status.REQUESTED,
        5,
        5,
        0,
    )
    assert officer.inner_text("[data-testid=commitment]") == panel.seed_sha256
    assert panel.seed not in _text(officer)  # the seed stays secret until the result
    _click(officer, "[data-testid=draw]")
    panel.refresh_from_db()
    lot.refresh_from_db()
    assert panel.status == Panel.Status.DRAWN and lot.status == Lot.Status.EVALUATING
    seats = list(
        PanelSeat.objects.filter(panel=panel, kind=PanelSeat.Kind.EXPERT, status=PanelSeat.Status.INVITED)
        .select_related("member", "expert")
        .order_by("position")
    )
    assert len(seats) == 5
    assert PanelSeat.objects.filter(panel=panel, status=PanelSeat.Status.RESERVE).count() == 3
    assert "jx_expert03" not in {seat.member.username for seat in seats}  # director of jx_supplier
    panel_text = _text(officer)
    assert "受邀" in panel_text or "已邀请" in panel_text or "邀请" in panel_text
    for seat in seats:  # the agency sees states, never names
        assert seat.expert.name_zh not in panel_text
    _shot(officer, "02-panel-drawn")

    # The drawn experts enrolled an authenticator app earlier (the demo key).
    for seat in seats:
        TOTPDevice.objects.get_or_create(
            user=seat.member, defaults={"name": "authenticator", "key": demo.DEMO_TOTP_KEY, "confirmed": True}
        )

    # --- Each expert signs in, accepts, reads the bidders and declares no conflict (2nd factor).
    experts = []
    for index, seat in enumerate(seats):
        page = page_factory("en" if index == 1 else "zh-CN")
        _login(page, base, seat.member.username)
        experts.append(page)
        page.goto(f"{base}/bidding/panel-invitations/")
        if index == 0:
            _shot(page, "03-invitation")
        _click(page, f"[data-testid=accept-{seat.pk}]")
        listed = page.inner_text(f"[data-testid=bidders-{seat.pk}]")
        names = [b.supplier.name_en for b in bids.values()] if index == 1 else supplier_names
        assert all(name in listed for name in names), listed
        if index == 0:
            _shot(page, "04-accepted-bidders")
            # Declaring needs the second factor: the page says so and changes nothing.
            _click(page, f"[data-testid=declare-{seat.pk}]")
            assert "请先完成验证" in page.inner_text("[role=alert]"), _text(page)
            assert PanelSeat.objects.get(pk=seat.pk).status == PanelSeat.Status.ACCEPTED
            _shot(page, "05-declare-needs-second-factor")
            _click(page, f"[data-testid=verify-{seat.pk}] a")  # the page links to the check
        else:
            page.goto(f"{base}/accounts/second-factor/?next=/bidding/panel-invitations/")
        _second_factor(page)
        assert page.locator(f"[data-testid=verify-{seat.pk}]").count() == 0
        assert "/bidding/panel-invitations/" in page.url, page.url
        _click(page, f"[data-testid=declare-{seat.pk}]")
        assert PanelSeat.objects.get(pk=seat.pk).status == PanelSeat.Status.SEATED
    panel.refresh_from_db()
    assert panel.status == Panel.Status.SEATED
    evaluation = Evaluation.objects.get(lot=lot)
    assert evaluation.status == Evaluation.Status.QUALIFICATION
    assert len(evaluation.criteria) == 5
    _shot(experts[0], "06-declared")

    # --- Before the result a bidder sees neither the panel nor any score.
    loser_user = User.objects.get(username=BIDS[2][0])
    supplier = page_factory("zh-CN")
    _login(supplier, base, loser_user.username)
    assert supplier.goto(f"{base}/bidding/").ok
    mine = _text(supplier)
    for seat in seats:
        assert seat.expert.name_zh not in mine
    response = supplier.goto(f"{base}/bidding/evaluations/{evaluation.pk}/")
    assert response.status == 404
    response = supplier.goto(f"{base}/experts/draws/{panel.pk}/")
    assert response.status == 404
    _shot(supplier, "07-supplier-sees-no-panel")

    # --- The qualification review: every expert passes every bid on every item.
    for index, page in enumerate(experts):
        page.goto(f"{base}/bidding/evaluations/")
        if index == 0:
            _shot(page, "08-desk")
        page.locator("[data-testid=evaluation-desk] a").first.click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/bidding/evaluations/{evaluation.pk}/"), page.url
        page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/qualification/")
        radios = page.locator("input[type=radio][value=pass]")
        assert radios.count() == 3 * len(evaluation.qualification_items)
        for i in range(radios.count()):
            radios.nth(i).check()
        if index == 1:
            _shot(page, "09-qualification-en")
        _click(page, "[data-testid=submit-qualification]")
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SCORING, evaluation.status

    # --- Scoring: every criterion of every bid; the first expert reads a bid document inline.
    bid_marks = {bid.pk: share for bid, share in zip(ordered, MARKS, strict=True)}
    for index, page in enumerate(experts):
        page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/")
        if index == 0:
            assert "1,086,000.00" in page.inner_text("[data-testid=evaluation-bids]")
            _shot(page, "10-evaluation-scoring")
            first = ordered[0]
            page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/bids/{first.pk}/files/")
            _shot(page, "11-bid-files")
            link = page.locator("[data-testid=bid-files] a", has_text=re.compile("查看|View")).first
            href = link.get_attribute("href")
            document = page.request.get(f"{base}{href}")
            assert document.ok and document.body()[:5] == b"%PDF-"
            assert document.headers["content-type"] == "application/pdf"
            assert document.headers["content-disposition"].startswith("inline")
            assert document.headers["x-content-type-options"] == "nosniff"
        for bid_id, share in bid_marks.items():
            page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/bids/{bid_id}/scores/")
            for number, criterion in enumerate(evaluation.criteria):
                # a touch of spread between members, far within the deviation allowed
                points = (Decimal(str(criterion["points"])) * share - Decimal(index) / 4).quantize(
                    Decimal("0.01")
                )
                page.fill(f"input[name=points-{number}]", str(points))
            if index == 1 and bid_id == ordered[0].pk:
                _shot(page, "12-scores-en")
            _click(page, "form button[type=submit].btn-primary")
            assert page.locator(".alert-danger").count() == 0, _text(page)
        page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/")
        _click(page, "[data-testid=submit-scores]")
        assert f"/bidding/evaluations/{evaluation.pk}/summary/" in page.url, _text(page)
    assert AuditEvent.objects.filter(action="bidding.bid_file_read").count() == 1
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SIGNING, evaluation.status
    experts[0].goto(f"{base}/bidding/evaluations/{evaluation.pk}/summary/")
    assert experts[0].locator("[data-testid=ranking] tbody tr").count() == 3
    _shot(experts[0], "13-summary")

    # --- Each expert signs the report with the second factor; the last signature seals it.
    for index, page in enumerate(experts):
        page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/")
        _click(page, "[data-testid=sign-report]")
        if index == 0:
            _shot(page, "14-sign")
        _click(page, "[data-testid=sign]")
    evaluation.refresh_from_db()
    lot.refresh_from_db()
    assert evaluation.status == Evaluation.Status.REPORTED and evaluation.report_sha256
    assert lot.status == Lot.Status.CANDIDATES_PUBLISHED
    ranked = list(
        BidAssessment.objects.filter(evaluation=evaluation, rank__isnull=False)
        .select_related("bid__supplier")
        .order_by("rank")
    )
    assert [a.bid.supplier.name_zh for a in ranked] == supplier_names
    experts[0].goto(f"{base}/bidding/evaluations/{evaluation.pk}/")
    _shot(experts[0], "15-reported")
    # still before the result: the bidder's pages show no score
    assert supplier.goto(f"{base}/bidding/").ok
    mine = _text(supplier)
    assert str(ranked[0].total_score) not in mine
    assert all(seat.expert.name_zh not in mine for seat in seats)

    # --- The purchaser's approver confirms the first-ranked candidate.
    award = Award.objects.get(lot=lot)
    approver = page_factory("zh-CN")
    _login(approver, base, "jx_approver")
    approver.goto(f"{base}/bidding/awards/")
    _shot(approver, "16-awards")
    approver.goto(f"{base}/bidding/awards/{award.pk}/")
    rows = approver.locator("[data-testid=candidate-row]")
    assert rows.count() == 3
    assert supplier_names[0] in rows.first.inner_text()
    assert approver.is_checked(f"#confirm-{ranked[0].bid_id}")
    _shot(approver, "17-award-to-confirm")
    report = approver.request.get(f"{base}/bidding/awards/{award.pk}/report.pdf")
    assert report.ok
    _pdf_to_png(report.body(), "18-report-pdf")
    _click(approver, "[data-testid=award-confirm-submit]")
    award.refresh_from_db()
    lot.refresh_from_db()
    assert award.status == Award.Status.CONFIRMED and award.winner_id == ranked[0].bid_id
    assert lot.status == Lot.Status.AWARDED
    assert supplier_names[0] in approver.inner_text("[data-testid=award-winner]")
    _shot(approver, "19-award-confirmed")
    letters = list(AwardLetter.objects.filter(award=award).order_by("pk"))
    assert len(letters) == 3
    for letter in letters:
        body = approver.request.get(f"{base}/bidding/award-letters/{letter.pk}.pdf")
        assert body.ok
        _pdf_to_png(body.body(), f"20-letter-{letter.kind}-{letter.bid_id}")

    # --- The public reads the result notice (both languages) and replays the draw.
    notice = award.result_notice
    public = page_factory("zh-CN")
    public.goto(f"{base}/notices/")
    public.locator("[data-testid=notices] a", has_text=notice.title_zh).first.click()
    public.wait_for_load_state()
    assert public.inner_text("[data-testid=notice-title]") == notice.title_zh
    body = public.inner_text("[data-testid=notice-body]")
    for assessment in ranked[1:]:
        assert str(assessment.total_score) in body and assessment.bid.supplier.name_zh in body
    for seat in seats:
        assert seat.expert.name_zh in body
    assert panel.seed in body
    _shot(public, "21-result-notice-zh")
    result_pdf = public.request.get(f"{base}/notices/{notice.pk}/attachment/")
    assert result_pdf.ok
    _pdf_to_png(result_pdf.body(), "22-result-notice-pdf")
    public_en = page_factory("en")
    public_en.goto(f"{base}/notices/{notice.pk}/")
    body_en = public_en.inner_text("[data-testid=notice-body]")
    for seat in seats:
        assert seat.expert.name_en in body_en
    _shot(public_en, "23-result-notice-en")

    replay_path = re.search(r"(/experts/draws/\d+/)", body).group(1)
    assert replay_path == f"/experts/draws/{panel.pk}/"
    public.goto(f"{base}{replay_path}")
    assert public.inner_text("[data-testid=seed]") == panel.seed
    assert public.inner_text("[data-testid=commitment]") == panel.seed_sha256
    _shot(public, "24-draw-record")
    _click(public, "[data-testid=replay]")
    assert public.locator("[data-testid=replay-ok]").is_visible()
    _shot(public, "25-replay-ok")
    candidates = public.input_value("textarea[name=candidates]").split()
    public.fill("textarea[name=candidates]", "\n".join(candidates[1:]))
    _click(public, "[data-testid=replay]")
    assert public.locator("[data-testid=replay-failed]").is_visible()
    assert public.locator("[data-testid=replay-ok]").count() == 0
    _shot(public, "26-replay-failed")

    # --- The third-ranked supplier challenges the result; the agency answers (not upheld).
    supplier.goto(f"{base}/bidding/lots/{lot.pk}/challenge/")
    _shot(supplier, "27-challenge-form")
    supplier.select_option("select[name=subject]", "result")
    supplier.select_option("select[name=notice]", str(notice.pk))
    supplier.fill(
        "textarea[name=grounds]",
        "我公司技术参数完全响应，评审专家对“技术参数响应”一项的评分明显偏低，请复核评分。",
    )
    _click(supplier, "[data-testid=challenge-submit]")
    challenge = Challenge.objects.get(lot=lot)
    assert challenge.status == Challenge.Status.OPEN and challenge.subject == "result"
    assert f"/bidding/challenges/{challenge.pk}/" in supplier.url
    _shot(supplier, "28-challenge-filed")

    officer.goto(f"{base}/bidding/challenges/")
    _shot(officer, "29-challenges-to-answer")
    officer.goto(f"{base}/bidding/challenges/{challenge.pk}/")
    officer.fill(
        "textarea[name=answer]", "经复核，评审委员会按招标文件规定的评分标准独立评分，评分无误，质疑不成立。"
    )
    officer.check("input[name=upheld][value=no]")
    _click(officer, "[data-testid=answer-submit]")
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ANSWERED and not challenge.upheld
    _shot(officer, "30-challenge-answered")

    # --- The supplier complains; the regulator of Jiaxing dismisses it; the decision is public.
    supplier.goto(f"{base}/bidding/challenges/{challenge.pk}/")
    assert "质疑不成立" in supplier.inner_text("[data-testid=challenge-answer]")
    supplier.fill(f"#complaint-grounds-{challenge.pk}", "对质疑答复不满意：答复未说明各专家的具体评分理由。")
    _click(supplier, f"[data-testid=complaint-submit-{challenge.pk}]")
    complaint = Complaint.objects.get(challenge=challenge)
    assert complaint.status == Complaint.Status.FILED
    _shot(supplier, "31-complaint-filed")

    regulator = page_factory("zh-CN")
    _login(regulator, base, "jx_regulator")
    regulator.goto(f"{base}/bidding/complaints/")
    _shot(regulator, "32-complaints")
    regulator.goto(f"{base}/bidding/complaints/{complaint.pk}/")
    regulator.check("input[name=outcome][value=dismissed]")
    regulator.fill(
        "textarea[name=decision]",
        "经审查，评审委员会依照招标文件规定的评审方法和标准评审，投诉事项缺乏事实依据，驳回投诉。",
    )
    _click(regulator, "[data-testid=decide-submit]")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DISMISSED and complaint.notice_id
    assert "驳回投诉" in regulator.inner_text("[data-testid=complaint-decision]")
    _shot(regulator, "33-complaint-dismissed")

    decision = Notice.objects.get(pk=complaint.notice_id)
    assert decision.kind == Notice.Kind.COMPLAINT_DECISION
    public.goto(f"{base}/notices/")
    public.locator("[data-testid=notices] a", has_text=decision.title_zh).first.click()
    public.wait_for_load_state()
    assert public.inner_text("[data-testid=notice-title]") == decision.title_zh
    assert "驳回投诉" in public.inner_text("[data-testid=notice-body]")
    _shot(public, "34-decision-notice")
    assert Project.objects.get(pk=project.pk).status  # the project is still there, awarded

    # The bidder's two deliberate 404s (the evaluation and the draw record before the result);
    # nothing else may be logged.
    assert (
        supplier.console_errors
        == ["Failed to load resource: the server responded with a status of 404 (Not Found)"] * 2
    )
    for page in (officer, *experts, approver, public, public_en, regulator):
        assert page.console_errors == [], page.console_errors
