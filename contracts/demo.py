"""Demo of issue 7 on the Yuxi soil-testing lot 1 (awarded to my_supplier, 绵阳科创医疗器械有限公司,
at 776,400 CNY by bidding/evaluation_demo.py), taken on through the contract, performance and
financing services as real users would, each with the demo second factor. load_demo runs this
after bidding's demo (INSTALLED_APPS order).

0. The signatories — the purchaser's clerk yx_clerk and the winner's representative (my_supplier)
   — get the demo authenticator (accounts.demo.DEMO_TOTP_KEY), as accounts/demo.py gives it to
   the privileged roles, so that they can sign in the browser with `make demo-code WHO=…`.
1. The result's history. The demo data stands for history, as procurement/demo.py dates its
   projects' approval back: while the lot is awarded, its result notice out and the lot not yet in
   contracting, (a) yx_agency answers zz_supplier's challenge to the result (the one
   bidding/evaluation_demo.py files; it blocks the signing while open:
   bidding.challenges.selectors.signing_blocked) through the challenge service, not upheld — the
   winner's test report shows the graphite-furnace detection limit required — as the agency would
   have; (b) once nothing blocks the signing, the result is dated back as if it had been published
   three weeks ago: the award's confirmed_at, the result notice's published_at and the end of its
   standing period (notice_stands_until, result_notice.standing_working_days after it) move back
   21 days, or further while the rulebook's working days (holidays) leave the challenge window
   (challenge.working_days after the standing period) open today. The challenge's own dates and
   the answer stay as they happened (today), so zz_supplier may still complain to yx_regulator
   within complaint.working_days of the answer; the frozen result PDF keeps the day it was
   really issued; the panel, the evaluation and the award's proposal keep their days too. The
   lifecycle walk (ops/walk.py) dates notice_stands_until back the same way.
2. The contracting sweep (bidding.challenges.services.start_contracting, the beat's job) is run
   for today: it moves the lot to contracting only when the result can no longer be challenged
   and nothing blocks the signing.
3. Once the lot is in contracting: yx_clerk drafts the contract from the award (or takes the
   draft the beat prepared), completes it (payment terms, 5 percent performance bond, SME payment
   days, contacts, the supplier's account, two milestones of 60 and 40 percent), both parties sign
   it with their second factor (codes from the demo key), yx_clerk publishes the contract notice;
   my_supplier reports the first delivery, yx_clerk records its acceptance (a team of two, the
   technical, service and safety requirements passed; the acceptance notice is published),
   my_supplier applies for the first payment, yx_clerk approves it and records it paid, and
   my_supplier applies to Yuxi's demo bank (yx_bank, 滇中银行玉溪分行) for financing against the
   rest of the contract, which awaits the bank's decision.

So a first `manage.py load_demo` on a fresh database leaves the contract signed by both parties
and published, its first milestone accepted and paid, and the financing application awaiting
yx_bank. A challenge or complaint filed by a user (not the demo's) is not answered here: the lot
then waits, as the platform would have it, and the reason is logged.

Each stage looks at what is there first and does only what is missing, so loading again adds
nothing; a refusal of a service rolls back that stage only and is logged.
"""

import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_KEY
from accounts.models import Membership, Organisation, Role, User
from bidding.award.models import Award
from bidding.challenges import selectors as challenge_selectors
from bidding.challenges import services as challenge_services
from bidding.challenges.models import Challenge, Complaint, Subject
from bidding.evaluation_demo import AGENCY, _challenger
from common.exceptions import DomainError
from procurement.models import Lot, Notice
from rulebook.selectors import add_working_days, rule_int

from . import selectors, services
from .financing import services as financing_services
from .financing.models import FinancingApplication
from .models import Contract, Party, Signature
from .performance import services as performance_services
from .performance.models import Milestone, PaymentApplication

logger = logging.getLogger(__name__)

YUXI_PROJECT = "耕地质量检测仪器采购"
PURCHASER_SIGNER = "yx_clerk"
BANK_OFFICER = "yx_bank"
# (percent of the amount, due in days from the signing): the first delivery and the rest.
MILESTONES = [
    (
        60,
        30,
        "首批仪器交付安装",
        "First batch of instruments delivered and installed",
        "原子吸收分光光度计、土壤养分速测仪等首批仪器送达玉溪市农业农村局检测中心并完成安装调试。",
    ),
    (
        40,
        90,
        "其余仪器交付及人员培训",
        "Remaining instruments delivered; staff trained",
        "其余仪器交付、安装调试，并完成检测人员操作培训。",
    ),
]
PERFORMANCE_BOND_PERCENT = Decimal("5")
SPECIAL_TERMS = "质保期三年，质保期内免费上门维修。\nThree years' warranty with free on-site repair."
FINANCING_AMOUNT = Decimal("300000.00")
FINANCING_TERM_MONTHS = 6
# yx_agency's answer to zz_supplier's challenge (bidding.evaluation_demo.CHALLENGE_GROUNDS).
CHALLENGE_ANSWER = (
    "经采购人和代理机构复核：第一中标候选人投标文件所附原子吸收分光光度计检测报告载明的石墨炉检出限"
    "满足采购文件的技术要求，与其技术响应文件一致，该投标实质性响应采购文件。评审结果维持不变，"
    "质疑不成立。贵公司对本答复不满意的，可以在法定期限内向同级财政部门投诉。\n"
    "On review by the purchaser and the agency: the graphite-furnace detection limit stated in the test "
    "report of the spectrophotometer attached to the first-ranked candidate's bid meets the requirement of "
    "the procurement documents and agrees with its technical response; that bid responds to the "
    "requirements. The result stands and the challenge is not upheld. If you are not satisfied with this "
    "answer, you may complain to the finance department within the statutory time."
)
# The result is dated back at least this far ("as if published three weeks ago").
RESULT_DAYS_BACK = 21
FINANCING_PURPOSE = (
    "用于采购第二批仪器及支付安装调试人员费用，以按期履行本合同。\n"
    "To buy the second batch of instruments and pay the installers, so as to perform the contract on time."
)


def _stage(name: str, step) -> list:
    """Run one stage in its own savepoint: a domain refusal rolls it back and is logged."""
    try:
        with transaction.atomic():
            return step()
    except DomainError as error:
        logger.warning("demo contract of the Yuxi lot stopped at %s: %s", name, error)
        return []


def _user(username: str) -> User | None:
    return User.objects.select_related("active_membership__organisation").filter(username=username).first()


def _signed_in(user: User) -> User:
    """The user as django-otp's middleware leaves them after a passed code."""
    user.otp_device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    user.is_verified = lambda: True
    return user


def _yuxi_lot() -> Lot | None:
    lot = (
        Lot.objects.select_related("project__purchaser")
        .filter(project__title_zh=YUXI_PROJECT, number=1)
        .order_by("pk")
        .first()
    )
    if lot is None or lot.status not in (Lot.Status.AWARDED, Lot.Status.CONTRACTING):
        logger.info("demo contract skipped: the Yuxi soil-testing lot 1 is not awarded")
        return None
    return lot


def _confirmed_award(lot: Lot) -> Award | None:
    return (
        Award.objects.filter(lot=lot, status=Award.Status.CONFIRMED)
        .select_related("winner__supplier")
        .order_by("-pk")
        .first()
    )


def _representative(supplier: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(
            organisation=supplier, role=Role.SUPPLIER_REPRESENTATIVE, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return _user(membership.user.username) if membership is not None else None


def _demo_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, key=DEMO_TOTP_KEY, confirmed=True).first()


def _devices(users: list[User]) -> list:
    """The demo authenticator for each signatory who has none."""
    created = []
    for user in users:
        if _demo_device(user) is None:
            created.append(
                TOTPDevice.objects.create(
                    user=user, name="demo authenticator", key=DEMO_TOTP_KEY, confirmed=True
                )
            )
    return created


def _code(user: User) -> str:
    device = _demo_device(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


# --- 1. The result's history ---------------------------------------------------------------------


def _result_out(lot: Lot, award: Award | None) -> bool:
    return lot.status == Lot.Status.AWARDED and award is not None and award.result_notice_id is not None


def _answer(lot: Lot) -> list:
    """yx_agency answers the demo's challenge to the result while it is open, not upheld."""
    award = _confirmed_award(lot)
    if not _result_out(lot, award):
        return []
    challenger = _challenger(award)
    if challenger is None:
        return []
    open_challenges = list(
        Challenge.objects.filter(
            lot=lot,
            supplier=challenger.active_membership.organisation,
            notice_id=award.result_notice_id,
            subject=Subject.RESULT,
            status=Challenge.Status.OPEN,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not open_challenges:
        return []
    officer = _user(AGENCY)
    if officer is None:
        logger.info("demo challenge answer skipped: no %s", AGENCY)
        return []
    return [
        challenge_services.answer_challenge(
            pk, actor=_signed_in(officer), answer=CHALLENGE_ANSWER, upheld=False
        )
        for pk in open_challenges
    ]


def _closed_window(published_on: datetime.date, *, rules_on: datetime.date, today: datetime.date):
    """The days back (RESULT_DAYS_BACK at least) and the end of the standing period of a result
    published that many days before `published_on` whose challenge window has closed by `today`,
    counted in the rulebook's working days as confirm_award and contracting_window_end count them."""
    standing = rule_int("result_notice.standing_working_days", on=rules_on)
    challenge_days = rule_int("challenge.working_days", on=rules_on)
    days = RESULT_DAYS_BACK
    while True:
        stands_until = add_working_days(published_on - datetime.timedelta(days=days), standing)
        if add_working_days(stands_until, challenge_days) < today:
            return days, stands_until
        days += 1


def _date_back(lot: Lot) -> list:
    """Date the result back, as if published three weeks ago, once nothing blocks the signing
    and only while its challenge window is still open."""
    award = _confirmed_award(lot)
    if not _result_out(lot, award):
        return []
    if challenge_selectors.signing_blocked(lot) or Complaint.objects.filter(lot=lot).exists():
        return []  # a challenge or complaint of a user's: the lot waits (the contracting stage logs why)
    rules_on = challenge_selectors.rules_date(lot)
    today = challenge_selectors.today()
    if challenge_selectors.contracting_window_end(award, rules_on=rules_on) < today:
        return []
    notice = Notice.objects.get(pk=award.result_notice_id)
    days, stands_until = _closed_window(
        timezone.localdate(notice.published_at), rules_on=rules_on, today=today
    )
    back = datetime.timedelta(days=days)
    Notice.objects.filter(pk=notice.pk).update(published_at=notice.published_at - back)
    Award.objects.filter(pk=award.pk).update(
        confirmed_at=award.confirmed_at - back, notice_stands_until=stands_until
    )
    logger.info("demo: the Yuxi lot's result dated back %s days (standing until %s)", days, stands_until)
    return [award]


# --- 2. Contracting ------------------------------------------------------------------------------


def _contracting(lot: Lot) -> list:
    if lot.status == Lot.Status.CONTRACTING:
        return []
    challenge_services.start_contracting()
    lot.refresh_from_db()
    if lot.status != Lot.Status.CONTRACTING:
        award = _confirmed_award(lot)
        window_end = (
            challenge_selectors.contracting_window_end(award, rules_on=challenge_selectors.rules_date(lot))
            if award is not None
            else None
        )
        blocks = "; ".join(str(reason) for reason in challenge_selectors.signing_blocked(lot))
        logger.info(
            "demo contract waits: the Yuxi lot moves to contracting after %s%s",
            window_end.isoformat() if window_end else "its result notice",
            f" and once nothing blocks the signing ({blocks})" if blocks else "",
        )
        return []
    return [lot]


# --- 3. The contract -----------------------------------------------------------------------------


def _draft(lot: Lot, clerk: User) -> list:
    if selectors.live_contract_of(lot.pk) is not None:
        return []
    return [services.draft_contract(lot.pk, actor=clerk)]


def _complete(contract: Contract, clerk: User, rep: User) -> list:
    first_title = f"{MILESTONES[0][2]} {MILESTONES[0][3]}"
    if not contract.is_editable or contract.milestones.filter(title=first_title).exists():
        return []
    supplier = contract.supplier
    profile = getattr(supplier, "supplier_profile", None)
    today = timezone.localdate()
    milestones, remaining = [], contract.amount
    for number, (percent, due_in, title_zh, title_en, description) in enumerate(MILESTONES, start=1):
        amount = (
            remaining
            if number == len(MILESTONES)
            else (contract.amount * percent / 100).quantize(Decimal("0.01"))
        )
        remaining -= amount
        milestones.append(
            {
                "title": f"{title_zh} {title_en}",  # first_title above
                "kind": Milestone.Kind.DELIVERY,
                "description": description,
                "due_date": (today + datetime.timedelta(days=due_in)).isoformat(),
                "amount": str(amount),
            }
        )
    return [
        services.save_draft(
            contract.pk,
            actor=clerk,
            payment_terms=(
                "每批仪器验收合格后，供应商凭发票申请支付，采购人在30日内支付该批次合同价款。\n"
                "After the acceptance of each batch the supplier applies for payment with its invoice; the "
                "purchaser pays that batch within 30 days."
            ),
            performance_bond_percent=str(PERFORMANCE_BOND_PERCENT),
            sme_payment_days=30 if contract.supplier_is_sme else "",
            special_terms=SPECIAL_TERMS,
            purchaser_contact=clerk.get_full_name() or clerk.username,
            purchaser_phone="0877-2020001",
            supplier_contact=rep.get_full_name() or rep.username,
            supplier_phone="0816-2020002",
            supplier_bank=getattr(profile, "bank_name", "") or "demo bank",
            supplier_account_name=getattr(profile, "bank_account_name", "") or supplier.name_zh,
            supplier_account_number=getattr(profile, "bank_account_number", "") or f"6222{supplier.pk:012d}",
            milestones=milestones,
        )
    ]


def _sign(contract: Contract, clerk: User, rep: User) -> list:
    signed = set(
        Signature.objects.filter(contract=contract, supplement__isnull=True).values_list("party", flat=True)
    )
    done = []
    for party, user in ((Party.PURCHASER, clerk), (Party.SUPPLIER, rep)):
        if party not in signed:
            done.append(services.sign_contract(contract.pk, actor=_signed_in(user), otp_token=_code(user)))
    return done


def _publish(contract: Contract, clerk: User) -> list:
    if contract.status != Contract.Status.SIGNED:
        return []
    return [services.publish_contract(contract.pk, actor=clerk)]


# --- 4. Performance ------------------------------------------------------------------------------


def _first_milestone(contract: Contract) -> Milestone | None:
    return Milestone.objects.filter(contract=contract, supplement__isnull=True).order_by("number").first()


def _deliver(contract: Contract, rep: User) -> list:
    milestone = _first_milestone(contract)
    if milestone is None or milestone.status != Milestone.Status.PENDING:
        return []
    return [
        performance_services.report_delivery(
            milestone.pk,
            actor=rep,
            note=(
                "首批仪器已送达并安装调试完毕，随附装箱单和安装调试记录。\n"
                "The first batch is delivered, installed and commissioned; packing lists and the "
                "commissioning record attached."
            ),
        )
    ]


def _accept(contract: Contract, clerk: User) -> list:
    milestone = _first_milestone(contract)
    if milestone is None or milestone.status != Milestone.Status.DELIVERED:
        return []
    return [
        performance_services.record_acceptance(
            milestone.pk,
            actor=clerk,
            outcome="passed",
            team=[
                {
                    "name": clerk.get_full_name() or clerk.username,
                    "role": "采购人代表 Purchaser's representative",
                },
                {"name": "周明 Zhou Ming", "role": "检测中心技术负责人 Head of the testing centre"},
            ],
            checks=[
                {
                    "category": "technical",
                    "requirement": "原子吸收分光光度计检出限符合采购文件要求 Detection limit as required",
                    "passed": True,
                    "remark": "",
                },
                {
                    "category": "service",
                    "requirement": "安装调试及现场培训 Installation, commissioning and on-site training",
                    "passed": True,
                    "remark": "",
                },
                {
                    "category": "safety",
                    "requirement": "电气安全与气瓶固定 Electrical safety and gas cylinders secured",
                    "passed": True,
                    "remark": "",
                },
            ],
        )
    ]


def _pay(contract: Contract, clerk: User, rep: User) -> list:
    milestone = _first_milestone(contract)
    if milestone is None or milestone.status != Milestone.Status.ACCEPTED:
        return []
    done = []
    application = (
        PaymentApplication.objects.filter(contract=contract, milestone=milestone).order_by("pk").first()
    )
    if application is None:
        application = performance_services.apply_for_payment(
            contract.pk,
            actor=rep,
            milestone_id=milestone.pk,
            amount=milestone.amount,
            invoice_number=f"DEMO-{contract.pk:04d}-1",
            note="首批仪器款 First batch",
        )
        done.append(application)
    if application.status == PaymentApplication.Status.SUBMITTED:
        application = performance_services.approve_payment(application.pk, actor=clerk)
        done.append(application)
    if application.status == PaymentApplication.Status.APPROVED:
        done.append(
            performance_services.record_payment(
                application.pk,
                actor=clerk,
                paid_amount=application.amount,
                paid_on=timezone.localdate().isoformat(),
                reference=f"YXCZ-{contract.pk:04d}-1",
            )
        )
    return done


# --- 5. Financing --------------------------------------------------------------------------------


def _finance(contract: Contract, rep: User) -> list:
    officer = _user(BANK_OFFICER)
    if officer is None:
        logger.info("demo financing skipped: no %s", BANK_OFFICER)
        return []
    bank = officer.active_membership.organisation
    if FinancingApplication.objects.filter(contract=contract, bank=bank).exists():
        return []
    if not PaymentApplication.objects.filter(
        contract=contract, status=PaymentApplication.Status.PAID
    ).exists():
        return []  # the demo applies once the first payment is in
    return [
        financing_services.apply_for_financing(
            contract.pk,
            actor=rep,
            bank_id=bank.pk,
            amount=FINANCING_AMOUNT,
            term_months=FINANCING_TERM_MONTHS,
            purpose=FINANCING_PURPOSE,
        )
    ]


@transaction.atomic
def load() -> list:
    """Give the signatories the demo second factor and take the Yuxi lot's contract on from
    wherever it stands; returns what each stage did (empty when everything was there)."""
    lot = _yuxi_lot()
    if lot is None:
        return []
    award = _confirmed_award(lot)
    clerk = _user(PURCHASER_SIGNER)
    rep = _representative(award.winner.supplier) if award is not None and award.winner else None
    if clerk is None or rep is None:
        logger.info("demo contract skipped: no %s or no representative of the winner", PURCHASER_SIGNER)
        return []
    done = _devices([clerk, rep])
    done += _stage("the challenge's answer", lambda: _answer(lot))
    done += _stage("the result's history", lambda: _date_back(lot))
    done += _stage("contracting", lambda: _contracting(lot))
    lot.refresh_from_db()
    if lot.status != Lot.Status.CONTRACTING:
        return done
    done += _stage("the draft", lambda: _draft(lot, clerk))

    def contract() -> Contract | None:
        return selectors.live_contract_of(lot.pk)

    for name, step in (
        ("completing the draft", lambda c: _complete(c, clerk, rep)),
        ("the signatures", lambda c: _sign(c, clerk, rep)),
        ("the contract notice", lambda c: _publish(c, clerk)),
        ("the delivery", lambda c: _deliver(c, rep)),
        ("the acceptance", lambda c: _accept(c, clerk)),
        ("the payment", lambda c: _pay(c, clerk, rep)),
        ("the financing application", lambda c: _finance(c, rep)),
    ):
        current = contract()
        if current is None:
            break
        done += _stage(name, lambda step=step, current=current: step(current))
    return done
