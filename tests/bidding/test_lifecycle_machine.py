"""A hypothesis state machine: random actions by random roles — panel members, the purchaser's
clerk and approver, the agency officer, the bidders, a regulator, an expert of another panel —
from a seated evaluation through qualification, scoring, signing, the award, challenges and
complaints. Whatever they try, a refused action is a domain error (never another exception) and
every state the lot, the evaluations, the award, the challenges and the complaints reach is
reachable from the one before through their transition tables."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from bidding.award import services as award_services
from bidding.challenges import services as challenge_services
from bidding.evaluation import services as evaluation_services
from bidding.models import (
    AWARD_TRANSITIONS,
    CHALLENGE_TRANSITIONS,
    COMPLAINT_TRANSITIONS,
    EVALUATION_TRANSITIONS,
    Award,
    BidAssessment,
    Challenge,
    Complaint,
    Evaluation,
)
from common.exceptions import DomainError
from experts.models import PanelSeat
from procurement.models import LOT_TRANSITIONS, Lot, Notice
from tests.bidding.helpers import verified

# Derandomised: the same exploration every run, so that the depth it reaches is asserted.
MACHINE_SETTINGS = settings(
    max_examples=10,
    stateful_step_count=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def reachable(table: dict, start: str) -> set[str]:
    """Every state reachable from `start` (itself included) through the transition table."""
    seen, todo = {start}, [start]
    while todo:
        for target in table.get(todo.pop(), frozenset()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def statuses(queryset) -> dict[int, str]:
    return dict(queryset.values_list("pk", "status"))


@pytest.mark.django_db
def test_random_actions_by_random_roles_never_leave_the_lifecycle(
    seated_evaluation, approvers, officer, regulator, expert_factory
):
    evaluation = seated_evaluation
    lot = evaluation.lot
    members = [
        seat.member for seat in evaluation.panel.seats.filter(status=PanelSeat.Status.SEATED).order_by("pk")
    ]
    bidders = [bid.prepared_by for bid in lot.bids.filter(status="opened").order_by("pk")]
    outsider = expert_factory().user
    actors = [verified(user) for user in [*members, approvers[0], officer, *bidders, regulator, outsider]]
    bid_ids = list(lot.bids.filter(status="opened").order_by("pk").values_list("pk", flat=True))
    purchaser = actors[len(members)]  # the approver
    a_bidder = st.one_of(st.sampled_from([verified(user) for user in bidders]), st.sampled_from(actors))
    # Panel members act more often than the others, so that runs get past the evaluation.
    someone = st.one_of(st.sampled_from(members), st.sampled_from(actors))
    criteria = evaluation.criteria
    reached: set[str] = set()
    items = len(evaluation.qualification_items)

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.savepoint_create()
            self.snapshot = self._read()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def _read(self) -> dict:
            return {
                "lot": {lot.pk: Lot.objects.get(pk=lot.pk).status},
                "evaluation": statuses(Evaluation.objects.filter(lot=lot)),
                "award": statuses(Award.objects.filter(lot=lot)),
                "challenge": statuses(Challenge.objects.filter(lot=lot)),
                "complaint": statuses(Complaint.objects.filter(lot=lot)),
            }

        def _try(self, action):
            try:
                with transaction.atomic():
                    action()
            except DomainError:
                pass  # refused: a domain error with its code, nothing changed

        def _live(self) -> Evaluation:
            return Evaluation.objects.filter(lot=lot).exclude(status="superseded").order_by("-round").first()

        @rule(actor=someone, passed=st.sampled_from([True, True, True, False]), bid=st.sampled_from(bid_ids))
        def review_qualification(self, actor, passed, bid):
            self._review(actor, passed, bid)

        def _review(self, actor, passed, bid):
            """Mark every item of every bid (one bid pass or fail, the others pass), then submit."""
            live = self._live()

            def act():
                for bid_id in bid_ids:
                    for item in range(items):
                        ok = passed or bid_id != bid or item != 0
                        evaluation_services.mark_qualification(
                            live.pk,
                            actor=actor,
                            bid_id=bid_id,
                            item=item,
                            passed=ok,
                            reason="" if ok else "缺少证明",
                        )
                evaluation_services.submit_qualification(live.pk, actor=actor)

            self._try(act)

        @rule(actor=someone, share=st.sampled_from([60, 70, 80, 90, 100, 120]))
        def score_everything(self, actor, share):
            self._score(actor, share)

        def _score(self, actor, share):
            """Score every criterion of every qualified bid at `share`% of its points (over 100 is
            out of range), with a deviation reason ready, then submit."""
            live = self._live()
            qualified = list(
                BidAssessment.objects.filter(evaluation=live, qualified=True).values_list("bid_id", flat=True)
            )

            def act():
                for bid_id in qualified:
                    for index, criterion in enumerate(live.criteria or criteria):
                        points = (Decimal(criterion["points"]) * share / 100).quantize(Decimal("0.01"))
                        evaluation_services.score(
                            live.pk,
                            actor=actor,
                            bid_id=bid_id,
                            criterion=index,
                            points=points,
                            deviation_reason="按评分标准逐项核对",
                        )
                evaluation_services.submit_scores(live.pk, actor=actor)

            self._try(act)

        @rule(
            order=st.permutations(range(len(members))),
            fail=st.one_of(st.none(), st.tuples(st.sampled_from(bid_ids), st.integers(0, len(members)))),
            shares=st.lists(
                st.sampled_from([50, 60, 75, 90, 100]), min_size=len(members), max_size=len(members)
            ),
        )
        def the_panel_does_its_stage(self, order, fail, shares):
            """Every member, in a random order, does what the evaluation's stage asks of them: the
            qualification review (`fail`: a bid that the first n members fail), the scores, or the
            signature. This is what takes runs deep into the lifecycle."""
            for position, index in enumerate(order):
                member = members[index]
                live = self._live()
                if live is None:
                    return
                if live.status == Evaluation.Status.QUALIFICATION:
                    failed = fail[0] if fail and position < fail[1] else None
                    self._review(member, failed is None, failed or bid_ids[0])
                elif live.status == Evaluation.Status.SCORING:
                    self._score(member, shares[index])
                elif live.status == Evaluation.Status.SIGNING:
                    self._try(
                        lambda member=member, pk=live.pk: evaluation_services.sign_report(pk, actor=member)
                    )

        @rule(actor=someone)
        def sign(self, actor):
            self._try(lambda: evaluation_services.sign_report(self._live().pk, actor=actor))

        @rule(
            actor=st.one_of(st.just(purchaser), st.sampled_from(actors)),
            choice=st.integers(min_value=0, max_value=2),
            pass_over=st.booleans(),
        )
        def confirm(self, actor, choice, pass_over):
            award = Award.objects.filter(lot=lot).exclude(status="cancelled").first()
            if award is None:
                return
            candidates = award.candidates
            chosen = candidates[min(choice, len(candidates) - 1)] if candidates else bid_ids[choice]
            above = candidates[: candidates.index(chosen)] if chosen in candidates else []
            passed_over = (
                [{"bid": bid_id, "ground": "withdrawn", "reason": "书面放弃中标"} for bid_id in above]
                if pass_over
                else []
            )
            self._try(
                lambda: award_services.confirm_award(
                    award.pk, actor=actor, bid_id=chosen, passed_over=passed_over
                )
            )

        @rule(actor=a_bidder, subject=st.sampled_from(["documents", "process", "result"]))
        def challenge(self, actor, subject):
            notice = Notice.objects.filter(project=lot.project).order_by("-published_at").first()
            self._try(
                lambda: challenge_services.file_challenge(
                    lot.pk, actor=actor, subject=subject, notice_id=notice.pk, grounds="评分不公"
                )
            )

        @rule(actor=st.one_of(st.just(purchaser), st.sampled_from(actors)), upheld=st.booleans())
        def answer(self, actor, upheld):
            challenge = Challenge.objects.filter(lot=lot, status="open").first()
            if challenge is not None:
                self._try(
                    lambda: challenge_services.answer_challenge(
                        challenge.pk, actor=actor, answer="经复核，评审无误", upheld=upheld
                    )
                )

        @rule(actor=a_bidder)
        def complain(self, actor):
            challenge = Challenge.objects.filter(lot=lot).order_by("-pk").first()
            if challenge is not None:
                self._try(
                    lambda: challenge_services.file_complaint(challenge.pk, actor=actor, grounds="答复不满意")
                )

        @rule(
            actor=st.one_of(st.just(actors[-2]), st.sampled_from(actors)),  # the regulator, or anyone
            outcome=st.sampled_from(["dismissed", "upheld_reevaluation", "upheld_retender"]),
        )
        def decide(self, actor, outcome):
            complaint = Complaint.objects.filter(lot=lot, status="filed").first()
            if complaint is not None:
                self._try(
                    lambda: challenge_services.decide_complaint(
                        complaint.pk, actor=actor, outcome=outcome, decision="经审查作出处理决定"
                    )
                )

        @invariant()
        def every_state_is_reachable_from_the_last(self):
            tables = {
                "lot": (LOT_TRANSITIONS, None),
                "evaluation": (EVALUATION_TRANSITIONS, Evaluation.Status.QUALIFICATION),
                "award": (AWARD_TRANSITIONS, Award.Status.AWAITING_CONFIRMATION),
                "challenge": (CHALLENGE_TRANSITIONS, Challenge.Status.OPEN),
                "complaint": (COMPLAINT_TRANSITIONS, Complaint.Status.FILED),
            }
            now = self._read()
            reached.add(now["lot"][lot.pk])
            reached.update(f"award {status}" for status in now["award"].values())
            reached.update(f"complaint {status}" for status in now["complaint"].values())
            for name, (table, initial) in tables.items():
                for pk, status in now[name].items():
                    before = self.snapshot[name].get(pk, initial)
                    assert status in reachable(table, before), (name, pk, before, status)
            self.snapshot = now

        @invariant()
        def one_live_evaluation_and_award_agree_with_the_lot(self):
            status = Lot.objects.get(pk=lot.pk).status
            assert Evaluation.objects.filter(lot=lot).exclude(status="superseded").count() <= 1
            confirmed = Award.objects.filter(lot=lot, status="confirmed").count()
            assert confirmed <= 1
            if status in (Lot.Status.AWARDED, Lot.Status.CONTRACTING):
                assert confirmed == 1
            if confirmed:
                award = Award.objects.get(lot=lot, status="confirmed")
                passed = {row["bid"] for row in award.passed_over}
                above = award.candidates[: award.candidates.index(award.winner_id)]
                assert set(above) <= passed

    run_state_machine_as_test(Lifecycle, settings=MACHINE_SETTINGS)
    # The exploration went through the whole evaluation to the award, not only refusals.
    assert {"candidates_published", "awarded"} <= reached, reached
