"""API of challenges (质疑) and complaints (投诉), included under /api/v1/bidding/ by
bidding/api/urls.py.

Each write validates its input with a serializer and calls exactly one service, which checks the
policy itself: a challenge or complaint the user is no party to and a forged id are the same 404.
Domain errors reach the client as {"code", "detail"}.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer

from . import policies, selectors, services
from .models import Challenge, Complaint, Subject

# --- Serializers -----------------------------------------------------------------------------------


class ComplaintSerializer(serializers.ModelSerializer):
    lot_number = serializers.IntegerField(source="lot.number", read_only=True)
    reference = serializers.CharField(source="lot.project.reference", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "challenge",
            "lot",
            "lot_number",
            "reference",
            "supplier",
            "supplier_name",
            "status",
            "deadline",
            "grounds",
            "has_evidence",
            "evidence_sha256",
            "decision_due",
            "suspended_until",
            "decision",
            "decided_at",
            "notice",
            "overdue_flagged_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_evidence(self, complaint: Complaint) -> bool:
        return bool(complaint.evidence)


class ChallengeSerializer(serializers.ModelSerializer):
    lot_number = serializers.IntegerField(source="lot.number", read_only=True)
    reference = serializers.CharField(source="lot.project.reference", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Challenge
        fields = [
            "id",
            "lot",
            "lot_number",
            "reference",
            "supplier",
            "supplier_name",
            "subject",
            "notice",
            "deadline",
            "grounds",
            "has_evidence",
            "evidence_sha256",
            "status",
            "may_affect_result",
            "answer_due",
            "answer",
            "upheld",
            "answered_at",
            "overdue_flagged_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_evidence(self, challenge: Challenge) -> bool:
        return bool(challenge.evidence)


class ChallengePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ChallengeSerializer(many=True)


class ComplaintPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ComplaintSerializer(many=True)


class FileChallengeSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    notice = serializers.IntegerField(min_value=1)
    grounds = serializers.CharField(max_length=20000)
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=20000)
    upheld = serializers.BooleanField()


class FileComplaintSerializer(serializers.Serializer):
    grounds = serializers.CharField(max_length=20000)
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class SuspendSerializer(serializers.Serializer):
    until = serializers.DateField()
    reason = serializers.CharField(max_length=20000)


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[(value, label) for value, label in Complaint.Status.choices if value in services.OUTCOMES]
    )
    decision = serializers.CharField(max_length=20000)


# --- Views -----------------------------------------------------------------------------------------


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message.",
        403: "Not logged in, second factor not verified, or not the party that may do this.",
        404: "No such challenge, complaint or lot, or one the user is no party to (the same answer).",
        409: "Too late, too early, or the state does not allow this (the message names the day).",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=described[status]) for status in statuses}


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


PAGE = OpenApiParameter("page", int, description="The page number (50 a page).")


@extend_schema(
    operation_id="v1_bidding_challenges_list", parameters=[PAGE], responses={200: ChallengePageSerializer}
)
@api_view(["GET"])
def challenge_list(request: Request) -> Response:
    """A supplier's own challenges; for the purchaser's staff and the agency's officers, the
    challenges they answer (those awaiting the answer first); empty for other roles."""
    if policies.supplier_of(request.user) is not None:
        challenges = selectors.challenges_of_supplier(request.user)
    else:
        challenges = selectors.challenges_to_answer(request.user)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(challenges, request)
    return paginator.get_paginated_response(ChallengeSerializer(page, many=True).data)


@extend_schema(responses={200: ChallengeSerializer, **_errors(404)})
@api_view(["GET"])
def challenge_detail(request: Request, challenge_id: int) -> Response:
    """One challenge the user is a party to."""
    return Response(ChallengeSerializer(selectors.access_challenge(request.user, challenge_id)).data)


@extend_schema(
    request={"multipart/form-data": FileChallengeSerializer, "application/json": FileChallengeSerializer},
    responses={201: ChallengeSerializer, **_errors(400, 404, 409)},
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser, JSONParser])
def challenge_file(request: Request, lot_id: int) -> Response:
    """The supplier challenges a notice of the lot's project (evidence: a PDF, multipart). After the
    last day: 409 naming it."""
    data = _valid(FileChallengeSerializer, request)
    challenge = services.file_challenge(
        lot_id,
        actor=request.user,
        subject=data["subject"],
        notice_id=data["notice"],
        grounds=data["grounds"],
        evidence=data["evidence"],
    )
    return Response(
        ChallengeSerializer(selectors.access_challenge(request.user, challenge.pk)).data, status=201
    )


@extend_schema(request=AnswerSerializer, responses={200: ChallengeSerializer, **_errors(400, 403, 404, 409)})
@api_view(["POST"])
def challenge_answer(request: Request, challenge_id: int) -> Response:
    """The purchaser or the agency answers (approvers and officers with their second factor)."""
    data = _valid(AnswerSerializer, request)
    challenge = services.answer_challenge(
        challenge_id, actor=request.user, answer=data["answer"], upheld=data["upheld"]
    )
    return Response(ChallengeSerializer(selectors.access_challenge(request.user, challenge.pk)).data)


@extend_schema(request=None, responses={200: ChallengeSerializer, **_errors(404, 409)})
@api_view(["POST"])
def challenge_withdraw(request: Request, challenge_id: int) -> Response:
    """The challenger withdraws its challenge while it awaits the answer."""
    challenge = services.withdraw_challenge(challenge_id, actor=request.user)
    return Response(ChallengeSerializer(selectors.access_challenge(request.user, challenge.pk)).data)


@extend_schema(
    request={"multipart/form-data": FileComplaintSerializer, "application/json": FileComplaintSerializer},
    responses={201: ComplaintSerializer, **_errors(400, 404, 409)},
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser, JSONParser])
def complaint_file(request: Request, challenge_id: int) -> Response:
    """The challenger complains about its challenge to the regulator. A challenge that is not the
    user's: 404 not_challenged; too early or too late: 409."""
    data = _valid(FileComplaintSerializer, request)
    complaint = services.file_complaint(
        challenge_id, actor=request.user, grounds=data["grounds"], evidence=data["evidence"]
    )
    return Response(
        ComplaintSerializer(selectors.access_complaint(request.user, complaint.pk)).data, status=201
    )


@extend_schema(
    operation_id="v1_bidding_complaints_list", parameters=[PAGE], responses={200: ComplaintPageSerializer}
)
@api_view(["GET"])
def complaint_list(request: Request) -> Response:
    """A regulator's complaints of its region (those under review first); a supplier's own
    complaints; empty for other roles."""
    if policies.supplier_of(request.user) is not None:
        complaints = selectors.complaints_of_supplier(request.user)
    else:
        complaints = selectors.complaints_of_regulator(request.user)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(complaints, request)
    return paginator.get_paginated_response(ComplaintSerializer(page, many=True).data)


@extend_schema(responses={200: ComplaintSerializer, **_errors(404)})
@api_view(["GET"])
def complaint_detail(request: Request, complaint_id: int) -> Response:
    """One complaint the user is a party to."""
    return Response(ComplaintSerializer(selectors.access_complaint(request.user, complaint_id)).data)


@extend_schema(request=SuspendSerializer, responses={200: ComplaintSerializer, **_errors(400, 403, 404, 409)})
@api_view(["POST"])
def complaint_suspend(request: Request, complaint_id: int) -> Response:
    """A regulator of the region suspends the procurement (at most the rulebook's days; the error
    names the latest last day)."""
    data = _valid(SuspendSerializer, request)
    complaint = services.suspend_lot(
        complaint_id, actor=request.user, until=data["until"], reason=data["reason"]
    )
    return Response(ComplaintSerializer(selectors.access_complaint(request.user, complaint.pk)).data)


@extend_schema(request=DecideSerializer, responses={200: ComplaintSerializer, **_errors(400, 403, 404, 409)})
@api_view(["POST"])
def complaint_decide(request: Request, complaint_id: int) -> Response:
    """A regulator of the region decides; the decision is published as a notice."""
    data = _valid(DecideSerializer, request)
    complaint = services.decide_complaint(
        complaint_id, actor=request.user, outcome=data["outcome"], decision=data["decision"]
    )
    return Response(ComplaintSerializer(selectors.access_complaint(request.user, complaint.pk)).data)


urlpatterns = [
    path("challenges/", challenge_list, name="api-bidding-challenges"),
    path("challenges/<int:challenge_id>/", challenge_detail, name="api-bidding-challenge"),
    path("lots/<int:lot_id>/challenges/", challenge_file, name="api-bidding-challenge-file"),
    path("challenges/<int:challenge_id>/answer/", challenge_answer, name="api-bidding-challenge-answer"),
    path(
        "challenges/<int:challenge_id>/withdraw/", challenge_withdraw, name="api-bidding-challenge-withdraw"
    ),
    path("challenges/<int:challenge_id>/complaints/", complaint_file, name="api-bidding-complaint-file"),
    path("complaints/", complaint_list, name="api-bidding-complaints"),
    path("complaints/<int:complaint_id>/", complaint_detail, name="api-bidding-complaint"),
    path("complaints/<int:complaint_id>/suspend/", complaint_suspend, name="api-bidding-complaint-suspend"),
    path("complaints/<int:complaint_id>/decide/", complaint_decide, name="api-bidding-complaint-decide"),
]
