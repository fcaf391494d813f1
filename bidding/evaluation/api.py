"""The panel member's API: their evaluations, their own sheet (marks and scores), marking the
qualification review, scoring, and submitting each. The same services as the pages; a member sees
only their own sheet, and anyone else gets 404."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer

from ..models import Evaluation, ScoreSheet
from . import selectors, services


class EvaluationItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField()
    project = serializers.CharField()
    lot_number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Evaluation.Status.choices)
    sheet_status = serializers.ChoiceField(choices=ScoreSheet.Status.choices)


class SheetBidSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    supplier = serializers.CharField()
    price = serializers.DecimalField(max_digits=18, decimal_places=2)
    qualified = serializers.BooleanField(allow_null=True)


class CriterionSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)


class MarkSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    item = serializers.IntegerField(min_value=0)
    passed = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class ScoreSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    criterion = serializers.IntegerField(min_value=0)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    comment = serializers.CharField(allow_blank=True, required=False, default="")
    deviation_reason = serializers.CharField(allow_blank=True, required=False, default="")


class SheetSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Evaluation.Status.choices)
    sheet_status = serializers.ChoiceField(choices=ScoreSheet.Status.choices)
    qualification_items = serializers.ListField(child=serializers.CharField())
    criteria = CriterionSerializer(many=True)
    bids = SheetBidSerializer(many=True)
    marks = MarkSerializer(many=True)
    scores = ScoreSerializer(many=True)


class SubmittedSerializer(serializers.Serializer):
    sheet_status = serializers.ChoiceField(choices=ScoreSheet.Status.choices)
    status = serializers.ChoiceField(choices=Evaluation.Status.choices)


NOT_YOURS = OpenApiResponse(
    ErrorSerializer, description="No such evaluation (or bid, or criterion) of yours."
)
REFUSED = OpenApiResponse(ErrorSerializer, description="Not at this stage of the evaluation.")
INVALID = OpenApiResponse(ErrorSerializer, description="Out of range, incomplete, or a reason missing.")


@extend_schema(responses={200: EvaluationItemSerializer(many=True)})
@api_view(["GET"])
def evaluation_list(request: Request) -> Response:
    """The evaluations whose panel the user sits on."""
    data = [
        {
            "id": sheet.evaluation_id,
            "lot": sheet.evaluation.lot_id,
            "project": sheet.evaluation.lot.project.reference,
            "lot_number": sheet.evaluation.lot.number,
            "status": sheet.evaluation.status,
            "sheet_status": sheet.status,
        }
        for sheet in selectors.member_sheets(request.user)
    ]
    return Response(EvaluationItemSerializer(data, many=True).data)


def _sheet(evaluation, sheet) -> dict:
    return {
        "evaluation": evaluation.pk,
        "status": evaluation.status,
        "sheet_status": sheet.status,
        "qualification_items": evaluation.qualification_items,
        "criteria": [{"index": i, "name_en": "", **c} for i, c in enumerate(evaluation.criteria)],
        "bids": [
            {"id": a.bid_id, "supplier": a.bid.supplier.name, "price": a.price, "qualified": a.qualified}
            for a in selectors.assessments(evaluation)
        ],
        "marks": [
            {"bid": m.bid_id, "item": m.item, "passed": m.passed, "reason": m.reason}
            for m in selectors.own_marks(evaluation, sheet).values()
        ],
        "scores": [
            {
                "bid": s.bid_id,
                "criterion": s.criterion,
                "points": s.points,
                "comment": s.comment,
                "deviation_reason": s.deviation_reason,
            }
            for s in selectors.own_scores(sheet).values()
        ],
    }


@extend_schema(responses={200: SheetSerializer, 404: NOT_YOURS})
@api_view(["GET"])
def sheet_detail(request: Request, evaluation_id: int) -> Response:
    """The member's own sheet: the bids, the items and criteria, their marks and scores."""
    evaluation, sheet = services.member_sheet(evaluation_id, request.user)
    return Response(SheetSerializer(_sheet(evaluation, sheet)).data)


@extend_schema(
    request=MarkSerializer, responses={200: MarkSerializer, 400: INVALID, 404: NOT_YOURS, 409: REFUSED}
)
@api_view(["POST"])
def mark(request: Request, evaluation_id: int) -> Response:
    """Mark one qualification item of one bid pass or fail (a fail needs its reason)."""
    services.member_sheet(evaluation_id, request.user)
    body = MarkSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    row = services.mark_qualification(
        evaluation_id,
        actor=request.user,
        bid_id=data["bid"],
        item=data["item"],
        passed=data["passed"],
        reason=data["reason"],
    )
    return Response(
        MarkSerializer({"bid": row.bid_id, "item": row.item, "passed": row.passed, "reason": row.reason}).data
    )


@extend_schema(request=None, responses={200: SubmittedSerializer, 400: INVALID, 404: NOT_YOURS, 409: REFUSED})
@api_view(["POST"])
def submit_qualification(request: Request, evaluation_id: int) -> Response:
    sheet = services.submit_qualification(evaluation_id, actor=request.user)
    status = Evaluation.objects.filter(pk=sheet.evaluation_id).values_list("status", flat=True).get()
    return Response(SubmittedSerializer({"sheet_status": sheet.status, "status": status}).data)


@extend_schema(
    request=ScoreSerializer, responses={200: ScoreSerializer, 400: INVALID, 404: NOT_YOURS, 409: REFUSED}
)
@api_view(["POST"])
def score(request: Request, evaluation_id: int) -> Response:
    """Score one qualified bid on one criterion, within the criterion's points."""
    services.member_sheet(evaluation_id, request.user)
    body = ScoreSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    row = services.score(
        evaluation_id,
        actor=request.user,
        bid_id=data["bid"],
        criterion=data["criterion"],
        points=data["points"],
        comment=data["comment"],
        deviation_reason=data["deviation_reason"] or None,
    )
    return Response(
        ScoreSerializer(
            {
                "bid": row.bid_id,
                "criterion": row.criterion,
                "points": row.points,
                "comment": row.comment,
                "deviation_reason": row.deviation_reason,
            }
        ).data
    )


@extend_schema(request=None, responses={200: SubmittedSerializer, 400: INVALID, 404: NOT_YOURS, 409: REFUSED})
@api_view(["POST"])
def submit_scores(request: Request, evaluation_id: int) -> Response:
    sheet = services.submit_scores(evaluation_id, actor=request.user)
    status = Evaluation.objects.filter(pk=sheet.evaluation_id).values_list("status", flat=True).get()
    return Response(SubmittedSerializer({"sheet_status": sheet.status, "status": status}).data)
