"""API of bidding.award (included under /api/v1/bidding/ by bidding/api/urls.py): an award for the
purchaser's staff and the agency, its confirmation by the purchaser, and a bidder's own letters.

Each write validates its input with a serializer and calls exactly one service, which checks the
policy itself: another purchaser's award, a forged id and an award of a project the user has no
part in are the same 404. Domain errors reach the client as {"code", "detail"}.
"""

from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer

from . import selectors, services
from .models import Award, AwardLetter

# --- Serializers -----------------------------------------------------------------------------------


class AwardCandidateSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    bid = serializers.IntegerField(source="bid.pk")
    supplier = serializers.IntegerField(source="supplier.pk")
    supplier_name = serializers.CharField(source="supplier.name")
    price = serializers.DecimalField(source="assessment.price", max_digits=18, decimal_places=2)
    evaluated_price = serializers.DecimalField(
        source="assessment.evaluated_price", max_digits=18, decimal_places=2, allow_null=True
    )
    total_score = serializers.DecimalField(
        source="assessment.total_score", max_digits=7, decimal_places=2, allow_null=True
    )
    rank = serializers.IntegerField(source="assessment.rank", allow_null=True)
    is_winner = serializers.BooleanField()


class PassOverSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    ground = serializers.ChoiceField(choices=[("withdrawn", "withdrawn"), ("disqualified", "disqualified")])
    reason = serializers.CharField(max_length=4000)


class AwardSerializer(serializers.ModelSerializer):
    lot_number = serializers.IntegerField(source="lot.number", read_only=True)
    project = serializers.IntegerField(source="lot.project_id", read_only=True)
    reference = serializers.CharField(source="lot.project.reference", read_only=True)
    report_sha256 = serializers.CharField(source="evaluation.report_sha256", read_only=True)
    ranked = serializers.SerializerMethodField()
    passed_over = PassOverSerializer(many=True, read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "lot",
            "lot_number",
            "project",
            "reference",
            "status",
            "report_sha256",
            "ranked",
            "passed_over",
            "confirm_by",
            "escalated_at",
            "winner",
            "amount",
            "confirmed_at",
            "result_notice",
            "notice_stands_until",
            "cancellation_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(AwardCandidateSerializer(many=True))
    def get_ranked(self, award: Award) -> list[dict]:
        return AwardCandidateSerializer(selectors.candidate_rows(award), many=True).data


class AwardConfirmRequestSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    passed_over = PassOverSerializer(many=True, required=False, default=list)


class AwardLetterSerializer(serializers.ModelSerializer):
    award = serializers.IntegerField(source="award_id", read_only=True)
    lot = serializers.IntegerField(source="award.lot_id", read_only=True)
    reference = serializers.CharField(source="award.lot.project.reference", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = AwardLetter
        fields = ["id", "award", "lot", "reference", "bid", "kind", "sha256", "created_at", "download"]
        read_only_fields = fields

    def get_download(self, letter: AwardLetter) -> str:
        return reverse("bidding:award_letter", args=[letter.pk])


class AwardLetterPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AwardLetterSerializer(many=True)


# --- Views -----------------------------------------------------------------------------------------


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message (a candidate "
        "ranked above the one confirmed without its recorded withdrawal or disqualification).",
        403: "Not logged in, or not a clerk or approver of the purchaser with the second factor verified.",
        404: "No such award, or one the user may not see (the same answer).",
        409: "The award's or the lot's state does not allow this.",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=described[status]) for status in statuses}


@extend_schema(responses={200: AwardSerializer, **_errors(404)})
@api_view(["GET"])
def award_detail(request: Request, award_id: int) -> Response:
    """An award with its ranked candidates: the purchaser's clerks and approvers, the agency."""
    return Response(AwardSerializer(selectors.access_award(request.user, award_id)).data)


@extend_schema(
    request=AwardConfirmRequestSerializer, responses={200: AwardSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def award_confirm(request: Request, award_id: int) -> Response:
    """The purchaser confirms a candidate (`bid`): the first-ranked, or a lower one with every
    candidate above it in `passed_over` (ground withdrawn or disqualified, and the reason)."""
    serializer = AwardConfirmRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    award = services.confirm_award(
        award_id, actor=request.user, bid_id=data["bid"], passed_over=[dict(p) for p in data["passed_over"]]
    )
    return Response(AwardSerializer(selectors.access_award(request.user, award.pk)).data)


PAGE = OpenApiParameter("page", int, description="The page number (50 a page).")


@extend_schema(
    operation_id="v1_bidding_award_letters_list",
    parameters=[PAGE],
    responses={200: AwardLetterPageSerializer},
)
@api_view(["GET"])
def letter_list(request: Request) -> Response:
    """The award notices and result letters addressed to the user's supplier, newest first (empty
    for other roles)."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(selectors.letters_of_supplier(request.user), request)
    return paginator.get_paginated_response(AwardLetterSerializer(page, many=True).data)


urlpatterns = [
    path("awards/<int:award_id>/", award_detail, name="api-bidding-award"),
    path("awards/<int:award_id>/confirm/", award_confirm, name="api-bidding-award-confirm"),
    path("award-letters/", letter_list, name="api-bidding-award-letters"),
]
