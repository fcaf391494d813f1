"""The whole lifecycle in one browser walk (issue 7), shared by `make demo-walk` and the e2e test
tests/e2e/test_lifecycle_walk.py.

One public tender of the Jiaxing demo region, from filing to final payment, every role through the
real pages in a real browser (one Chromium, one context per person), both languages:

 1. jx_clerk files the project (one lot) in Chinese and submits it; the drafter has no approve
    button (separation of duties); jx_approver approves level 1 in Chinese, jx_approver2 level 2
    in English; the clerk entrusts the project to the Jiaxing agency.
 2. jx_agency (second factor) starts the tender documents from the standard template, ticks
    "open automatically at the deadline", saves and publishes; the public reads the tender notice
    in Chinese, then switches to English.
 3. jx_supplier2, jx_supplier (in English) and zz_supplier sign in and set up their authenticator
    app on /accounts/second-factor/setup/ (the walk reads the secret the page shows), lodge their
    bid bonds, the agency verifies them; each uploads the four response documents, types a price
    and seals its bid.
 4. The deadline is set a few seconds ahead; the beat's sweep and the worker close and open the lot
    (nobody clicks): a supplier's opening page shows the record when its htmx poll sees it.
 5. The agency requests and draws a panel of five experts; each expert signs in, accepts, declares
    no conflict with the second factor, passes the qualification review, scores the three bids,
    submits and signs the report (one of them in English).
 6. jx_approver confirms the first-ranked candidate; the public reads the result notice in both
    languages; jx_regulator reads the project's notices from its workspace.
 7. The challenge window closes with no challenge; the beat moves the lot to contracting and
    prepares the contract draft from the award.
 8. jx_clerk completes the draft (payment terms, performance bond, contacts, the milestone); the
    approver and the winner each sign with the code of their authenticator; the clerk publishes
    the contract notice; the public reads it in both languages (the supplier's telephone masked);
    the regulator reads the contract.
 9. The winner applies for contract financing to the Jiaxing bank; jx_bank (in English) sees the
    contract and the credit summary and approves.
10. The winner reports the delivery; the clerk records the acceptance (team of three, a technical,
    a service and a safety check, passed); the public reads the acceptance result in both
    languages; the winner applies for payment; the clerk approves it and records the payment, and
    the contract closes (the clerk reads it in English).
No page may log a console error or a CSP violation.

What the walk cannot do through a page, it does as data, the way the other walks do, and says so:
the procurement intention is dated 40 days back (the rulebook wants it public 30 days before the
tender notice); the bid deadline, a date the documents' rules place at least a day ahead, is moved
to a few seconds ahead once the three bids are in; the result notice's standing period is dated
back so that the challenge window (working days) has closed; the drawn experts are given the
demo authenticator key, as if they had enrolled. The sweeps the walk waits on run every two
seconds (ops/walk_schedule.py). Everything else is a click, and every step checks what the page
shows (and the database behind it), so a broken page fails the walk.

The module needs a configured Django (the test's, or `python -m ops.walk`, which sets it up).
"""

import base64
import datetime
import os
import re
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import django
from django.apps import apps

if not apps.ready:  # `python -m ops.walk`; under pytest or manage.py Django is already set up
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

from django.utils import timezone  # noqa: E402
from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts import demo  # noqa: E402
from accounts.models import Organisation, User  # noqa: E402
from bidding.award.models import Award  # noqa: E402
from bidding.evaluation.models import BidAssessment, Evaluation  # noqa: E402
from bidding.models import Bid, BidFile, Bond, Opening  # noqa: E402
from experts.models import Panel, PanelSeat  # noqa: E402
from procurement.models import Lot, Notice, Project, TenderDocument  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TITLE_ZH = "智慧校园多媒体教室设备采购"
TITLE_EN = "Smart-campus multimedia classroom equipment"
LOT_ZH = "交互式智能黑板及安装"
LOT_EN = "Interactive smart boards, installed"
BUDGET = "1200000.00"
# (username, language of the supplier's browser, price): the lowest price also gets the best marks.
BIDDERS = [
    ("jx_supplier2", "zh-CN", "1086000.00"),
    ("jx_supplier", "en", "1124500.00"),
    ("zz_supplier", "zh-CN", "1158000.00"),
]
# Share of each criterion's points the panel gives each bid (in the order of BIDDERS).
MARKS = [Decimal("0.90"), Decimal("0.80"), Decimal("0.70")]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
DEADLINE_AHEAD = datetime.timedelta(seconds=5)


class WalkFailed(AssertionError):
    """A page did not show what the walk expected."""


def check(condition, message="") -> None:
    if not condition:
        raise WalkFailed(message)


def pdf_bytes(marker: str) -> bytes:
    return PDF + f"% {marker}\n".encode() + b"%%EOF\n"


def digits(text: str) -> str:
    """Amounts as the page shows them, without thousands separators (zh-Hans has none)."""
    return text.replace(",", "")


@dataclass
class Walk:
    """One walk: a browser, the site's address, the folder the screenshots go to."""

    browser: object
    base: str
    out: Path
    wait_seconds: float = 120.0
    pages: list = field(default_factory=list)
    shots: int = 0
    log: object = None
    timings: dict = field(default_factory=dict)
    # what the walk made, for the steps after
    project: Project | None = None
    lot: Lot | None = None

    # --- Browser plumbing ------------------------------------------------------------------------

    def page(self, lang: str = "zh-CN", who: str = ""):
        """A fresh browser context for one person; console errors and CSP violations collected."""
        context = self.browser.new_context(locale=lang, extra_http_headers={"Accept-Language": lang})
        page = context.new_page()
        page.set_default_timeout(30000)
        page.who = who or "public"
        page.console_errors = []
        page.expected_errors = 0
        page.on(
            "console", lambda msg: msg.type in ("error", "warning") and page.console_errors.append(msg.text)
        )
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        self.pages.append(page)
        return page

    def close(self) -> None:
        for page in self.pages:
            page.context.close()

    def say(self, text: str) -> None:
        if self.log:
            self.log(text)

    def shot(self, page, name: str) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        page.screenshot(path=str(self.out / f"{self.shots:03d}-{name}.png"), full_page=True)

    def login(self, page, username: str) -> None:
        page.goto(f"{self.base}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", demo.DEMO_PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        if "/second-factor/" in page.url:
            page.fill("input[name=token]", self.fresh_token(username))
            self.click(page, "[data-testid=otp-form] button[type=submit]")
        check("/accounts/workspace/" in page.url, f"{username} did not reach a workspace: {page.url}")

    @staticmethod
    def fresh_token(username: str) -> str:
        """The current code of the user's authenticator (the key as the app holds it), waiting for
        the next 30-second step when this one's code was already used (django-otp refuses a code
        twice)."""
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("pk").first()
        check(device is not None, f"{username} has no authenticator")
        while device.last_t is not None and device.last_t >= int(time.time()) // device.step:
            time.sleep(1)
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"

    def enrol(self, page, username: str) -> None:
        """A user without an authenticator sets one up on /accounts/second-factor/setup/: the app
        (here: the walk) reads the secret the page shows and answers with its code."""
        if TOTPDevice.objects.filter(user__username=username, confirmed=True).exists():
            return
        page.goto(f"{self.base}/accounts/second-factor/setup/")
        secret = page.inner_text("[data-testid=otp-secret]").strip()
        self.shot(page, f"authenticator-setup-{username}")
        page.fill("input[name=token]", f"{totp(base64.b32decode(secret)):06d}")
        self.click(page, "[data-testid=otp-form] button[type=submit]")
        check(TOTPDevice.objects.filter(user__username=username, confirmed=True).exists(), "not enrolled")

    @staticmethod
    def click(page, selector: str) -> None:
        page.click(selector)
        page.wait_for_load_state()

    @staticmethod
    def switch_language(page, code: str) -> None:
        """The language switch of every page (templates/base.html): zh-hans or en."""
        page.click(f"[data-testid=language-switch] button[value={code}]")
        page.wait_for_load_state()
        check(page.get_attribute("html", "lang") == code.replace("zh-hans", "zh-Hans"), page.url)

    def wait_for(self, what: str, predicate, timeout: float | None = None):
        """Poll the database until `predicate()` is truthy (the worker or the beat acts)."""
        deadline = time.monotonic() + (timeout or self.wait_seconds)
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise WalkFailed(f"timed out waiting for {what}")
            time.sleep(0.5)

    def console_problems(self) -> list[str]:
        """Every console error or CSP violation beyond those a step caused on purpose."""
        problems = []
        for page in self.pages:
            errors = page.console_errors
            expected = [e for e in errors if "the server responded with a status of 4" in e]
            unexpected = [e for e in errors if e not in expected]
            if unexpected or len(expected) != page.expected_errors:
                problems.append(f"{page.who}: {errors}")
        return problems

    # --- The walk --------------------------------------------------------------------------------

    def run(self) -> None:
        for step in (
            self.prepare,
            self.file_and_approve,
            self.tender,
            self.bid,
            self.open_at_deadline,
            self.evaluate,
            self.award,
            self.contracting,
            self.contract,
            self.financing,
            self.performance,
        ):
            started = time.monotonic()
            step()
            self.timings[step.__name__] = round(time.monotonic() - started, 1)
        problems = self.console_problems()
        check(not problems, f"console errors or CSP violations: {problems}")

    def prepare(self) -> None:
        """Deadlines weeks ahead may fall in a year chinesecalendar does not cover: declare it
        (weekends and New Year's Day off) as the operator would, as the other walks do."""
        from rulebook import calendar
        from rulebook.services import declare_calendar_year

        year = timezone.localdate().year + 1
        if not calendar.is_covered(datetime.date(year, 1, 1)):
            declare_calendar_year(
                year,
                days_off=[datetime.date(year, 1, 1)],
                working_days=[],
                reason_zh="演示",
                reason_en="Demo",
                actor=None,
            )

    # 1. Filing, approval (separation of duties), entrustment.
    def file_and_approve(self) -> None:
        self.say("1. the clerk files the project; two approvers approve; the clerk entrusts it")
        base = self.base
        clerk = self.clerk = self.page("zh-CN", "jx_clerk")
        self.login(clerk, "jx_clerk")
        self.shot(clerk, "clerk-workspace-zh")
        clerk.goto(f"{base}/procurement/projects/new/")
        check(clerk.inner_text("h1") == "新建采购项目", clerk.inner_text("h1"))
        clerk.fill("input[name=title_zh]", TITLE_ZH)
        clerk.fill("input[name=title_en]", TITLE_EN)
        clerk.fill("textarea[name=description_zh]", "为嘉兴市 12 所中小学的多媒体教室配置交互式智能黑板。")
        clerk.select_option("select[name=category]", "goods")
        clerk.fill("input[name=classification_code]", "A02010104")
        clerk.fill("input[name=budget]", BUDGET)
        clerk.select_option("select[name=funding_source]", "fiscal_budget")
        clerk.select_option("select[name=method]", "public_tender")
        clerk.fill("input[name=lots-0-title_zh]", LOT_ZH)
        clerk.fill("input[name=lots-0-title_en]", LOT_EN)
        clerk.fill("input[name=lots-0-budget]", BUDGET)
        clerk.fill(
            "textarea[name=lots-0-quantity_and_specification]",
            "86 英寸交互式智能黑板 60 套，含安装和教师培训",
        )
        clerk.fill("input[name=lots-0-delivery_place]", "嘉兴市各中小学")
        clerk.fill("input[name=lots-0-delivery_period]", "合同签订后 30 日内")
        self.shot(clerk, "project-form-zh")
        self.click(clerk, "[data-testid=project-form] > button[type=submit]")
        match = re.search(r"/procurement/projects/(\d+)/$", clerk.url)
        check(match, f"the project was not filed: {clerk.url} {clerk.inner_text('main')[:400]}")
        project = self.project = Project.objects.get(pk=int(match.group(1)))
        check(clerk.inner_text("[data-testid=project-status]") == "草稿")
        self.click(clerk, "[data-testid=submit-project]")
        check(clerk.inner_text("[data-testid=project-status]") == "待审批")
        # separation of duties: the drafter never approves
        check(clerk.locator("[data-testid=approve-project]").count() == 0, "the clerk may approve")
        self.shot(clerk, "project-submitted-zh")

        project.refresh_from_db()
        check(project.approval_levels >= 1, "no approval level")
        for level, (username, lang) in enumerate(
            [("jx_approver", "zh-CN"), ("jx_approver2", "en"), ("jx_approver3", "zh-CN")][
                : project.approval_levels
            ],
            start=1,
        ):
            approver = self.page(lang, username)
            if level == 1:
                self.approver = approver
            self.login(approver, username)
            approver.goto(f"{base}/procurement/projects/{project.pk}/")
            label = approver.inner_text("[data-testid=approve-project]")
            check(label in (f"批准第 {level} 级", f"Approve level {level}"), label)
            approver.fill(
                "[data-testid=approve-form] textarea[name=comment]",
                "预算已落实，同意公开招标。" if lang == "zh-CN" else "Budget in place: agreed.",
            )
            self.click(approver, "[data-testid=approve-project]")
            check(approver.locator("[data-testid=approve-project]").count() == 0, "approved twice")
            self.shot(approver, f"approved-level-{level}-{lang}")
        project.refresh_from_db()
        check(project.status == Project.Status.APPROVED, project.status)

        agency = Organisation.objects.get(name_zh="浙江嘉禾招标代理有限公司")
        clerk.goto(f"{base}/procurement/projects/{project.pk}/")
        clerk.select_option("[data-testid=entrust] select[name=agency]", str(agency.pk))
        self.click(clerk, "[data-testid=entrust-project]")
        check(agency.name_zh in clerk.inner_text("[data-testid=entrusted-agency]"))
        self.shot(clerk, "entrusted-zh")
        # The intention must have been public for the rulebook's 30 days before the tender notice:
        # dated 40 days back, as if the project had been approved then.
        Project.objects.filter(pk=project.pk).update(
            intention_published_on=timezone.localdate() - datetime.timedelta(days=40)
        )

    # 2. Tender documents and publication.
    def tender(self) -> None:
        self.say("2. the agency prepares and publishes the documents; the public reads the notice")
        base, project = self.base, self.project
        officer = self.officer = self.page("zh-CN", "jx_agency")
        self.login(officer, "jx_agency")
        officer.goto(f"{base}/procurement/tenders/")
        check(TITLE_ZH in officer.inner_text("main"), "the tender is not in the agency's list")
        officer.goto(f"{base}/procurement/projects/{project.pk}/documents/")
        self.click(officer, "[data-testid=start-documents]")
        officer.check("input[name=opens_automatically]")
        self.shot(officer, "documents-builder-zh")
        self.click(officer, "[data-testid=save]")
        check(officer.locator("[data-testid=form-error]").count() == 0, officer.inner_text("main")[:500])
        document = TenderDocument.objects.get(project=project)
        check(document.opens_automatically, "the documents do not open automatically")
        self.click(officer, "[data-testid=publish-tender]")
        check(
            officer.inner_text("[data-testid=project-status]") == "采购中", officer.inner_text("main")[:400]
        )
        self.shot(officer, "tender-published-zh")
        self.lot = Lot.objects.select_related("project").get(project=project, number=1)
        check(self.lot.status == Lot.Status.OPEN_FOR_BIDS, self.lot.status)

        notice = Notice.objects.get(project=project, kind=Notice.Kind.TENDER)
        public = self.public = self.page("zh-CN", "public")
        public.goto(f"{base}/notices/?kind=tender")
        public.locator(f"[data-testid=notices] a[href='/notices/{notice.pk}/']").click()
        public.wait_for_load_state()
        check(public.inner_text("[data-testid=notice-title]") == notice.title_zh)
        check(project.reference in public.inner_text("[data-testid=notice-body]"))
        self.shot(public, "public-tender-notice-zh")
        self.switch_language(public, "en")
        check(public.inner_text("[data-testid=notice-title]") == notice.title_en)
        check(TITLE_EN in notice.title_en, notice.title_en)
        self.shot(public, "public-tender-notice-en")
        self.switch_language(public, "zh-hans")

    # 3. Bonds and bids.
    def bid(self) -> None:
        self.say("3. three suppliers lodge bonds and seal their bids; the agency verifies the bonds")
        base, lot = self.base, self.lot
        self.suppliers = {}
        for username, lang, _price in BIDDERS:
            page = self.page(lang, username)
            self.login(page, username)
            # a supplier signs contracts with its second factor: it sets up its authenticator now
            self.enrol(page, username)
            page.goto(f"{base}/bidding/lots/{lot.pk}/bid/")
            self.click(page, "[data-testid=bond-link]")
            check(page.url == f"{base}/bidding/lots/{lot.pk}/bond/", page.url)
            check(re.search(r"24,?000\.00", page.inner_text("[data-testid=bond-amount]")), "bond amount")
            organisation = User.objects.get(username=username).active_membership.organisation
            page.check("input[name=form][value=cash_transfer]")
            page.fill("input[name=payer_bank]", "嘉兴银行南湖支行")
            page.fill("input[name=payer_account_name]", organisation.name_zh)
            page.fill("input[name=payer_account_number]", f"6222 0000 {organisation.pk:04d} 0001")
            self.click(page, "[data-testid=bond-lodge-submit]")
            status = page.inner_text("[data-testid=bond-status]")
            check(status in ("已缴纳，待核验", "Lodged, awaiting verification"), status)
            if username == BIDDERS[1][0]:
                self.shot(page, "bond-lodged-en")
            self.suppliers[username] = page

        officer = self.officer
        officer.goto(f"{base}/bidding/projects/{self.project.pk}/bonds/")
        self.shot(officer, "bonds-to-verify-zh")
        for bond in Bond.objects.filter(lot=lot).order_by("pk"):
            self.click(officer, f"[data-testid=verify-{bond.pk}]")
        check(
            set(Bond.objects.filter(lot=lot).values_list("status", flat=True)) == {Bond.Status.VERIFIED},
            "bonds not verified",
        )

        documents = TenderDocument.objects.get(project=self.project).response_documents
        for index, (username, _lang, price) in enumerate(BIDDERS):
            page = self.suppliers[username]
            page.goto(f"{base}/bidding/lots/{lot.pk}/bid/")
            check(page.locator("[data-testid=bid-obstacles]").count() == 0, page.inner_text("main")[:400])
            self.click(page, "[data-testid=start-bid]")
            for item in documents:
                key = item["key"]
                page.set_input_files(
                    f"#file-{key}",
                    {
                        "name": f"{key}.pdf",
                        "mimeType": "application/pdf",
                        "buffer": pdf_bytes(f"{username}-{key}"),
                    },
                )
            for item in documents:
                page.wait_for_function(
                    "key => document.querySelector(`[data-testid=progress-${key}]`).value === 100",
                    arg=item["key"],
                )
            if index == 1:
                self.shot(page, "bid-uploaded-en")
            page.fill("[data-testid=price]", price)
            self.click(page, "[data-testid=submit-bid]")
            check("/receipt/" in page.url, f"{username}: {page.url}")
            bid = Bid.objects.get(
                lot=lot, supplier=User.objects.get(username=username).active_membership.organisation
            )
            check(bid.status == Bid.Status.SUBMITTED and bid.price is None, "the price is not sealed")
            check(page.inner_text("[data-testid=receipt-bid]") == str(bid.public_id), "receipt")
            check(
                bid.files.filter(status=BidFile.Status.COMPLETE).count() == len(documents), "files incomplete"
            )
            self.shot(page, f"receipt-{username}")

    # 4. The deadline a few seconds ahead; the beat and the worker open the lot.
    def open_at_deadline(self) -> None:
        self.say("4. the deadline is set a few seconds ahead; the beat's sweep opens the lot")
        base, lot, project = self.base, self.lot, self.project
        # A supplier watches the opening page (sealed: its own receipt only); it polls every 5 s.
        watcher = self.suppliers[BIDDERS[1][0]]
        watcher.goto(f"{base}/bidding/lots/{lot.pk}/opening/")
        check(watcher.locator("[data-testid=own-receipt]").count() == 1, "no own receipt shown")
        check(watcher.locator("[data-testid=opening-record]").count() == 0, "opened before the deadline")
        self.shot(watcher, "opening-sealed-en")
        deadline = timezone.now() + DEADLINE_AHEAD
        Project.objects.filter(pk=project.pk).update(bid_deadline=deadline)
        project.tender_documents.filter(status=TenderDocument.Status.PUBLISHED).update(bid_deadline=deadline)
        self.wait_for(
            "the automatic opening",
            lambda: Opening.objects.filter(lot=lot, status=Opening.Status.OPENED).first(),
        )
        opening = Opening.objects.get(lot=lot)
        check(opening.automatic and opening.valid_bids == 3, "the opening was not automatic")
        check(opening.opened_at >= deadline, "opened before the deadline")
        # the supplier's page shows the record without a reload (htmx polls every 5 s)
        watcher.wait_for_selector("[data-testid=opening-record]", timeout=20000)
        record = digits(watcher.inner_text("[data-testid=opening-record]"))
        check(all(price in record for _u, _l, price in BIDDERS), record)
        self.shot(watcher, "opening-record-polled-en")
        notice = Notice.objects.get(project=project, kind=Notice.Kind.OPENING_RECORD)
        self.public.goto(f"{base}/notices/{notice.pk}/")
        body = digits(self.public.inner_text("[data-testid=notice-body]"))
        check(all(price in body for _u, _l, price in BIDDERS), body)
        self.shot(self.public, "public-opening-record-zh")

    # 5. The panel of five experts.
    def evaluate(self) -> None:
        self.say("5. the agency draws five experts; each declares, qualifies, scores and signs")
        base, lot, officer = self.base, self.lot, self.officer
        officer.goto(f"{base}/bidding/lots/{lot.pk}/panel/")
        check(officer.input_value("input[name=size]") == "5", "panel size")
        self.click(officer, "[data-testid=request]")
        panel = Panel.objects.get(lot=lot)
        check(officer.inner_text("[data-testid=commitment]") == panel.seed_sha256, "commitment")
        self.click(officer, "[data-testid=draw]")
        panel.refresh_from_db()
        check(panel.status == Panel.Status.DRAWN, panel.status)
        self.shot(officer, "panel-drawn-zh")
        seats = list(
            PanelSeat.objects.filter(panel=panel, kind=PanelSeat.Kind.EXPERT, status=PanelSeat.Status.INVITED)
            .select_related("member", "expert")
            .order_by("position")
        )
        check(len(seats) == 5, f"{len(seats)} experts drawn")
        self.panel, self.seats = panel, seats
        # The drawn experts enrolled an authenticator app earlier (the demo key).
        for seat in seats:
            TOTPDevice.objects.get_or_create(
                user=seat.member,
                defaults={"name": "authenticator", "key": demo.DEMO_TOTP_KEY, "confirmed": True},
            )

        experts = self.experts = []
        for index, seat in enumerate(seats):
            page = self.page("en" if index == 1 else "zh-CN", seat.member.username)
            self.login(page, seat.member.username)
            experts.append(page)
            page.goto(f"{base}/bidding/panel-invitations/")
            self.click(page, f"[data-testid=accept-{seat.pk}]")
            page.goto(f"{base}/accounts/second-factor/?next=/bidding/panel-invitations/")
            if page.locator("input[name=token]").count():  # not yet verified at sign-in
                page.fill("input[name=token]", self.fresh_token(seat.member.username))
                self.click(page, "[data-testid=otp-form] button[type=submit]")
            self.click(page, f"[data-testid=declare-{seat.pk}]")
            check(PanelSeat.objects.get(pk=seat.pk).status == PanelSeat.Status.SEATED, "not seated")
            if index in (0, 1):
                self.shot(page, f"expert-declared-{index}")
        evaluation = self.evaluation = Evaluation.objects.get(lot=lot)
        check(evaluation.status == Evaluation.Status.QUALIFICATION, evaluation.status)

        for index, page in enumerate(experts):
            page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/qualification/")
            radios = page.locator("input[type=radio][value=pass]")
            for i in range(radios.count()):
                radios.nth(i).check()
            if index == 1:
                self.shot(page, "qualification-en")
            self.click(page, "[data-testid=submit-qualification]")
        evaluation.refresh_from_db()
        check(evaluation.status == Evaluation.Status.SCORING, evaluation.status)

        ordered = [
            Bid.objects.get(lot=lot, supplier=User.objects.get(username=u).active_membership.organisation)
            for u, _l, _p in BIDDERS
        ]
        self.bids = ordered
        for index, page in enumerate(experts):
            for bid, share in zip(ordered, MARKS, strict=True):
                page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/bids/{bid.pk}/scores/")
                for number, criterion in enumerate(evaluation.criteria):
                    points = (Decimal(str(criterion["points"])) * share - Decimal(index) / 4).quantize(
                        Decimal("0.01")
                    )
                    page.fill(f"input[name=points-{number}]", str(points))
                if index == 1 and bid == ordered[0]:
                    self.shot(page, "scores-en")
                self.click(page, "form button[type=submit].btn-primary")
                check(page.locator(".alert-danger").count() == 0, page.inner_text("main")[:400])
            page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/")
            self.click(page, "[data-testid=submit-scores]")
            check(f"/bidding/evaluations/{evaluation.pk}/summary/" in page.url, page.url)
        evaluation.refresh_from_db()
        check(evaluation.status == Evaluation.Status.SIGNING, evaluation.status)
        self.shot(experts[0], "evaluation-summary-zh")
        for page in experts:
            page.goto(f"{base}/bidding/evaluations/{evaluation.pk}/")
            self.click(page, "[data-testid=sign-report]")
            self.click(page, "[data-testid=sign]")
        evaluation.refresh_from_db()
        check(evaluation.status == Evaluation.Status.REPORTED, evaluation.status)
        ranked = list(
            BidAssessment.objects.filter(evaluation=evaluation, rank__isnull=False)
            .select_related("bid__supplier")
            .order_by("rank")
        )
        check([a.bid_id for a in ranked] == [b.pk for b in ordered], "unexpected ranking")
        self.ranked = ranked
        experts[0].goto(f"{base}/bidding/evaluations/{evaluation.pk}/")
        self.shot(experts[0], "evaluation-reported-zh")

    # 6. The award and the result notice.
    def award(self) -> None:
        self.say("6. the purchaser confirms the winner; the public reads the result in both languages")
        base, lot = self.base, self.lot
        award = self.award_ = Award.objects.get(lot=lot)
        approver = self.approver
        approver.goto(f"{base}/bidding/awards/{award.pk}/")
        check(approver.locator("[data-testid=candidate-row]").count() == 3, "candidates")
        check(approver.is_checked(f"#confirm-{self.ranked[0].bid_id}"), "first-ranked not proposed")
        self.shot(approver, "award-to-confirm-zh")
        self.click(approver, "[data-testid=award-confirm-submit]")
        award.refresh_from_db()
        lot.refresh_from_db()
        check(award.status == Award.Status.CONFIRMED and award.winner_id == self.ranked[0].bid_id, "award")
        check(lot.status == Lot.Status.AWARDED, lot.status)
        winner = self.ranked[0].bid.supplier
        check(winner.name_zh in approver.inner_text("[data-testid=award-winner]"), "winner not shown")
        self.shot(approver, "award-confirmed-zh")

        notice = award.result_notice
        public = self.public
        public.goto(f"{base}/notices/")
        public.locator(f"[data-testid=notices] a[href='/notices/{notice.pk}/']").click()
        public.wait_for_load_state()
        check(public.inner_text("[data-testid=notice-title]") == notice.title_zh, "result title")
        body = public.inner_text("[data-testid=notice-body]")
        check(winner.name_zh in body, "winner not in the result notice")
        for seat in self.seats:
            check(seat.expert.name_zh in body, "expert not named in the result notice")
        self.shot(public, "public-result-notice-zh")
        self.switch_language(public, "en")
        body_en = public.inner_text("[data-testid=notice-body]")
        check(winner.name_en in body_en, "winner not in the English result notice")
        check(public.inner_text("[data-testid=notice-title]") == notice.title_en, "English title")
        self.shot(public, "public-result-notice-en")
        self.switch_language(public, "zh-hans")

        regulator = self.regulator = self.page("zh-CN", "jx_regulator")
        self.login(regulator, "jx_regulator")
        self.shot(regulator, "regulator-workspace-zh")
        regulator.goto(f"{base}/notices/{notice.pk}/")
        check(winner.name_zh in regulator.inner_text("[data-testid=notice-body]"), "regulator's view")

    # 7. The challenge window closes; the beat moves the lot to contracting.
    def contracting(self) -> None:
        self.say("7. the challenge window closes with no challenge; the beat moves the lot to contracting")
        lot, award = self.lot, self.award_
        loser = self.suppliers[BIDDERS[2][0]]
        loser.goto(f"{self.base}/bidding/lots/{lot.pk}/challenge/")
        self.shot(loser, "challenge-window-open-zh")
        # The challenge window counts working days after the result notice's standing period: the
        # walk dates that period back three weeks, as if it had ended then with no challenge.
        Award.objects.filter(pk=award.pk).update(
            notice_stands_until=timezone.localdate() - datetime.timedelta(days=21)
        )
        self.wait_for(
            "the lot to move to contracting",
            lambda: Lot.objects.filter(pk=lot.pk, status=Lot.Status.CONTRACTING).exists(),
        )
        lot.refresh_from_db()

    # 8. The contract: drafted by the beat, completed, signed by both parties, published.
    def contract(self) -> None:
        self.say("8. the contract is drafted, completed, signed by both parties (second factor), published")
        from contracts.models import Contract

        base, lot = self.base, self.lot
        contract = self.wait_for(
            "the contract draft", lambda: Contract.objects.filter(lot=lot).select_related("supplier").first()
        )
        self.contract_ = contract
        winner = self.ranked[0].bid
        check(contract.supplier_id == winner.supplier_id, "the draft names another supplier")
        check(contract.amount == winner.price, f"the draft's amount {contract.amount} is not the price")
        clerk = self.clerk
        clerk.goto(f"{base}/contracts/")
        row = clerk.locator("[data-testid=contract-row]", has_text=contract.reference)
        check(row.count() == 1, "the contract is not in the clerk's list")
        self.shot(clerk, "contracts-list-zh")
        row.get_by_role("link").first.click()
        clerk.wait_for_load_state()
        check(clerk.url == f"{base}/contracts/{contract.pk}/", clerk.url)
        check(
            digits(clerk.inner_text("[data-testid=contract-amount]")).startswith(str(winner.price)),
            "the amount fixed by the award is not shown",
        )
        form = "[data-testid=contract-draft-form]"
        clerk.fill(
            f"{form} textarea[name=payment_terms]",
            "验收合格后，供应商提交发票，采购人自收到发票之日起 30 日内一次性支付合同价款。",
        )
        clerk.fill(f"{form} input[name=performance_bond_percent]", "5")
        clerk.fill(f"{form} input[name=sme_payment_days]", "30")
        clerk.fill(f"{form} input[name=purchaser_contact]", "王芳")
        clerk.fill(f"{form} input[name=purchaser_phone]", "0573-82001234")
        clerk.fill(f"{form} input[name=supplier_contact]", "周明")
        clerk.fill(f"{form} input[name=supplier_phone]", "13805730001")
        clerk.fill(f"{form} input[name=milestones-0-title]", "智能黑板交付、安装及培训")
        clerk.select_option(f"{form} select[name=milestones-0-kind]", "delivery")
        clerk.fill(
            f"{form} input[name=milestones-0-description]", "60 套交互式智能黑板安装调试完毕，完成教师培训"
        )
        clerk.fill(
            f"{form} input[name=milestones-0-due_date]",
            str(timezone.localdate() + datetime.timedelta(days=30)),
        )
        clerk.fill(f"{form} input[name=milestones-0-amount]", str(contract.amount))
        for extra in range(1, clerk.locator(f"{form} input[name$=-title]").count()):
            clerk.fill(f"{form} input[name=milestones-{extra}-title]", "")
        self.shot(clerk, "contract-draft-zh")
        self.click(clerk, "[data-testid=contract-save]")
        check(clerk.locator("[data-testid=contract-error]").count() == 0, clerk.inner_text("main")[:600])
        check(clerk.locator(".alert-danger").count() == 0, clerk.inner_text("main")[:600])
        contract.refresh_from_db()
        check(contract.performance_bond_percent == 5, "the draft was not saved")

        # Both parties sign with their second factor: the approver for the purchaser, the winner.
        supplier = self.winner_page = self.suppliers[BIDDERS[0][0]]
        for username, page in (("jx_approver", self.approver), (BIDDERS[0][0], supplier)):
            page.goto(f"{base}/contracts/{contract.pk}/")
            check(page.locator("[data-testid=contract-sign]").count() == 1, f"{username} cannot sign")
            page.fill("[data-testid=contract-sign] input[name=otp_token]", self.fresh_token(username))
            self.click(page, "[data-testid=contract-sign-submit]")
            check(page.locator("[data-testid=sign-error]").count() == 0, page.inner_text("main")[:600])
            check(page.locator("[data-testid=contract-sign]").count() == 0, "signed twice")
            self.shot(page, f"contract-signed-by-{username}")
        contract.refresh_from_db()
        check(contract.status == Contract.Status.SIGNED and contract.sha256, contract.status)
        check(supplier.locator("[data-testid=signature-verified]").count() == 2, "signatures do not verify")
        signed = supplier.request.get(f"{base}/contracts/{contract.pk}/contract.pdf")
        check(signed.ok and signed.body()[:4] == b"%PDF", "the signed PDF")
        winner_bond = Bond.objects.get(lot=lot, supplier_id=contract.supplier_id)
        check(winner_bond.status == Bond.Status.REFUNDABLE, f"the winner's bid bond is {winner_bond.status}")

        clerk.goto(f"{base}/contracts/{contract.pk}/")
        self.click(clerk, "[data-testid=contract-publish-submit]")
        contract.refresh_from_db()
        check(contract.status == Contract.Status.IN_PERFORMANCE and contract.notice_id, contract.status)
        self.shot(clerk, "contract-published-zh")

        notice = contract.notice
        public = self.public
        public.goto(f"{base}/notices/?kind=contract")
        public.locator(f"[data-testid=notices] a[href='/notices/{notice.pk}/']").click()
        public.wait_for_load_state()
        check(public.inner_text("[data-testid=notice-title]") == notice.title_zh, "contract notice title")
        body = digits(public.inner_text("[data-testid=notice-body]"))
        check(contract.reference in body and str(contract.amount) in body, "contract notice body")
        check("13805730001" not in body, "the supplier's telephone is published")
        self.shot(public, "public-contract-notice-zh")
        self.switch_language(public, "en")
        check(public.inner_text("[data-testid=notice-title]") == notice.title_en, "English contract notice")
        self.shot(public, "public-contract-notice-en")
        self.switch_language(public, "zh-hans")

        # The regulator of Jiaxing reads the contract (read only).
        regulator = self.regulator
        regulator.goto(f"{base}/contracts/{contract.pk}/")
        check(regulator.locator("[data-testid=contract-sign]").count() == 0, "the regulator may sign")
        check(regulator.locator("[data-testid=contract-publish]").count() == 0, "the regulator may publish")
        self.shot(regulator, "regulator-reads-contract-zh")

    # 9. Contract financing: the winner applies to the Jiaxing bank; its officer approves.
    def financing(self) -> None:
        self.say("9. the supplier applies for contract financing; the bank officer approves")
        from contracts.financing.models import FinancingApplication

        base, contract = self.base, self.contract_
        supplier = self.winner_page
        supplier.goto(f"{base}/contracts/{contract.pk}/financing/")
        bank = Organisation.objects.get(name_zh="嘉禾商业银行嘉兴分行")
        supplier.select_option("[data-testid=financing-apply] select[name=bank]", str(bank.pk))
        supplier.fill("[data-testid=financing-apply] input[name=amount]", "500000.00")
        supplier.fill("[data-testid=financing-apply] input[name=term_months]", "6")
        supplier.fill(
            "[data-testid=financing-apply] textarea[name=purpose]", "采购智能黑板整机及安装辅材的流动资金。"
        )
        self.shot(supplier, "financing-apply-zh")
        self.click(supplier, "[data-testid=financing-apply-submit]")
        application = FinancingApplication.objects.get(contract=contract)
        check(supplier.url == f"{base}/contracts/financing/{application.pk}/", supplier.url)
        check(application.status == FinancingApplication.Status.SUBMITTED, application.status)

        officer = self.page("en", "jx_bank")
        self.login(officer, "jx_bank")
        officer.goto(f"{base}/contracts/financing/")
        check(officer.locator("[data-testid=financing-row]").count() >= 1, "no application listed")
        self.shot(officer, "bank-applications-en")
        officer.goto(f"{base}/contracts/financing/{application.pk}/")
        check(contract.reference in officer.inner_text("main"), "the bank does not see the contract")
        check(officer.locator("[data-testid=financing-credit]").count() == 1, "no credit summary")
        officer.check("[data-testid=financing-decide] input[name=decision][value=approve]")
        officer.fill(
            "[data-testid=financing-decide] textarea[name=reason]", "Signed public contract; good record."
        )
        self.click(officer, "[data-testid=financing-decide-submit]")
        application.refresh_from_db()
        check(application.status == FinancingApplication.Status.APPROVED, application.status)
        status = officer.inner_text("[data-testid=financing-status]").strip()
        check(status == "Approved", status)
        self.shot(officer, "bank-approved-en")
        supplier.goto(f"{base}/contracts/financing/{application.pk}/")
        check(
            supplier.inner_text("[data-testid=financing-status]").strip() in ("已批准", "Approved"), "status"
        )

    # 10. Delivery, acceptance, payment: the pages of contracts.performance.
    def performance(self) -> None:
        self.say("10. delivery, acceptance (published), payment application, approval, payment: closed")
        from contracts.models import Contract
        from contracts.performance.models import Acceptance, Milestone, PaymentApplication

        base, contract = self.base, self.contract_
        page_url = f"{base}/contracts/{contract.pk}/performance/"
        milestone = Milestone.objects.get(contract=contract)
        supplier, clerk = self.winner_page, self.clerk

        # The supplier reports the delivery.
        supplier.goto(page_url)
        supplier.fill(
            "[data-testid=deliver-form] textarea[name=note]",
            "60 套交互式智能黑板已于各校安装调试完毕，教师培训 12 场已完成，随机文件及保修卡已移交。",
        )
        self.click(supplier, "[data-testid=deliver-form] button[type=submit]")
        check(
            supplier.locator("[data-testid=performance-error]").count() == 0,
            supplier.inner_text("main")[:500],
        )
        milestone.refresh_from_db()
        check(milestone.status == Milestone.Status.DELIVERED, milestone.status)
        self.shot(supplier, "delivery-reported-zh")

        # The purchaser's acceptance team checks every requirement and records a pass.
        clerk.goto(page_url)
        self.click(clerk, "[data-testid=accept-link]")
        check(clerk.url == f"{base}/contracts/milestones/{milestone.pk}/acceptance/", clerk.url)
        team = [("王芳", "组长（采购人）"), ("陈立", "信息技术教师"), ("刘洋", "特邀专家")]
        for i, (name, role) in enumerate(team):
            clerk.fill(f"input[name=team_name_{i}]", name)
            clerk.fill(f"input[name=team_role_{i}]", role)
        checks = {
            "technical": "86 英寸屏幕、4K 分辨率、触控 20 点，逐台通电检测",
            "service": "安装调试及教师培训完成，提供 3 年上门保修",
            "safety": "壁挂安装牢固，电气安全检测合格（3C 认证）",
        }
        for category, requirement in checks.items():
            clerk.fill(f"input[name=check_{category}_0_requirement]", requirement)
            clerk.select_option(f"select[name=check_{category}_0_result]", "pass")
        clerk.check("input[name=outcome][value=passed]")
        self.shot(clerk, "acceptance-form-zh")
        self.click(clerk, "[data-testid=acceptance-submit]")
        check(clerk.locator(".alert-danger").count() == 0, clerk.inner_text("main")[:600])
        acceptance = Acceptance.objects.get(milestone=milestone)
        contract.refresh_from_db()
        check(acceptance.outcome == Acceptance.Outcome.PASSED and acceptance.notice_id, "acceptance")
        check(contract.status == Contract.Status.ACCEPTED, contract.status)
        check(clerk.locator("[data-testid=acceptance-report]").count() == 1, "no acceptance report link")
        check(contract.performance_bond_released_at, "the performance bond is not released")
        bond_text = clerk.inner_text("[data-testid=performance-bond]")
        released_on = timezone.localdate(contract.performance_bond_released_at).isoformat()
        check(released_on in bond_text, f"the page does not show the bond released: {bond_text}")
        self.shot(clerk, "accepted-zh")

        # The public reads the acceptance result, in both languages.
        notice = acceptance.notice
        public = self.public
        public.goto(f"{base}/notices/?kind=acceptance")
        public.locator(f"[data-testid=notices] a[href='/notices/{notice.pk}/']").click()
        public.wait_for_load_state()
        check(public.inner_text("[data-testid=notice-title]") == notice.title_zh, "acceptance notice title")
        body = public.inner_text("[data-testid=notice-body]")
        check(contract.reference in body and "王芳" in body, "acceptance notice body")
        self.shot(public, "public-acceptance-notice-zh")
        self.switch_language(public, "en")
        check(public.inner_text("[data-testid=notice-title]") == notice.title_en, "English acceptance notice")
        self.shot(public, "public-acceptance-notice-en")

        # The supplier applies for the payment of the accepted milestone.
        supplier.goto(page_url)
        form = "[data-testid=apply-payment]"
        supplier.select_option(f"{form} select[name=milestone]", str(milestone.pk))
        supplier.fill(f"{form} input[name=amount]", str(contract.amount))
        supplier.fill(f"{form} input[name=invoice_number]", "33042026-00118866")
        self.shot(supplier, "payment-application-zh")
        self.click(supplier, f"{form} button[type=submit]")
        check(
            supplier.locator("[data-testid=performance-error]").count() == 0,
            supplier.inner_text("main")[:500],
        )
        application = PaymentApplication.objects.get(contract=contract)
        check(application.amount == contract.amount, "payment application amount")

        # The purchaser approves it and records the payment; the contract closes.
        clerk.goto(page_url)
        self.click(clerk, "[data-testid=approve-payment]")
        application.refresh_from_db()
        check(application.status == PaymentApplication.Status.APPROVED, application.status)
        clerk.fill("[data-testid=record-payment] input[name=reference]", "JXCZ-2026-118866")
        self.shot(clerk, "payment-approved-zh")
        self.click(clerk, "[data-testid=record-payment] button[type=submit]")
        application.refresh_from_db()
        contract.refresh_from_db()
        check(application.status == PaymentApplication.Status.PAID, application.status)
        check(contract.status == Contract.Status.CLOSED and contract.closed_at, contract.status)
        self.shot(clerk, "contract-closed-zh")
        self.switch_language(clerk, "en")
        check(
            clerk.inner_text("[data-testid=contract-status]").strip().startswith("Closed"), "closed (English)"
        )
        self.shot(clerk, "contract-closed-en")
        supplier.goto(page_url)
        check(digits(supplier.inner_text("[data-testid=payments]")).count(str(contract.amount)) >= 1, "paid")
        self.shot(supplier, "supplier-paid-zh")


def main(argv: list[str]) -> int:
    """python -m ops.walk BASE_URL [OUT_DIR]: walk against a running site (make demo-walk)."""
    import shutil

    from playwright.sync_api import sync_playwright

    if not argv:
        print(main.__doc__)
        return 2
    # Playwright's sync API runs its event loop on this thread, so Django takes the walk's own
    # queries for async code: this process is a client script, not the site (tests set the same).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = argv[0].rstrip("/")
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "var" / "walk"
    if out.exists():
        for old in out.glob("*.png"):
            old.unlink()
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        print("[walk] Debian's chromium is required (apt-get install chromium)", file=sys.stderr)
        return 2
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        walk = Walk(browser=browser, base=base, out=out, log=lambda text: print(f"[walk] {text}", flush=True))
        try:
            walk.run()
        finally:
            walk.close()
            browser.close()
    print(f"[walk] done in {time.monotonic() - started:.0f} s: {walk.shots} screenshots in {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
