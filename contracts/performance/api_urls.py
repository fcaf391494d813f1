"""API of contracts.performance (included under /api/v1/contracts/ by contracts/api_urls.py): a
contract's milestones and its payment applications for the parties, the tender's agency officers
and the regulators of the region; the supplier's representative applies for payment.

Each write validates its input with a serializer and calls exactly one service, which checks the
policy itself: another party's contract, a forged id and a missing one are the same 404. Domain
errors reach the client as {"code", "detail"}.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer
from contracts.selectors import access_contract

from . import selectors, services
from .models import Acceptance, Milestone, PaymentApplication

# --- Serializers -----------------------------------------------------------------------------------


class PerformanceAcceptanceSerializer(serializers.ModelSerializer):
    notice = serializers.IntegerField(source="notice_id", read_only=True, allow_null=True)
    report = serializers.SerializerMethodField()

    class Meta:
        model = Acceptance
        fields = [
            "id",
            "outcome",
            "recorded_at",
            "remarks",
            "reasons",
            "inspection_sha256",
            "notice",
            "report",
        ]
        read_only_fields = fields

    def get_report(self, acceptance: Acceptance) -> str | None:
        return f"/contracts/acceptances/{acceptance.pk}/report.pdf" if acceptance.notice_id else None


class PerformanceMilestoneSerializer(serializers.ModelSerializer):
    acceptances = PerformanceAcceptanceSerializer(many=True, read_only=True)
    available = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "description",
            "due_date",
            "amount",
            "status",
            "delivered_at",
            "delivered_late",
            "accepted_at",
            "available",
            "acceptances",
        ]
        read_only_fields = fields

    def get_available(self, milestone: Milestone) -> str:
        """What can still be applied for against this milestone (CNY)."""
        return str(selectors.available_for(milestone, self.context["committed"]))


class PerformancePaymentSerializer(serializers.ModelSerializer):
    milestone_number = serializers.IntegerField(source="milestone.number", read_only=True)

    class Meta:
        model = PaymentApplication
        fields = [
            "id",
            "milestone",
            "milestone_number",
            "amount",
            "invoice_number",
            "note",
            "status",
            "pay_by",
            "decided_at",
            "rejection_reason",
            "paid_amount",
            "paid_on",
            "payment_reference",
            "late_flagged_at",
            "created_at",
        ]
        read_only_fields = fields


class PerformancePaymentRequestSerializer(serializers.Serializer):
    milestone = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
    invoice_number = serializers.CharField(max_length=40)
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


# --- Views -----------------------------------------------------------------------------------------


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message (a payment "
        "application above the unpaid accepted amount names the amount still available).",
        403: "Not logged in, or not a representative of the contract's supplier.",
        404: "No such contract, or one the user may not see (the same answer); or no such milestone of it.",
        409: "The contract's or the milestone's state does not allow this.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=described[code]) for code in statuses}


@extend_schema(responses={200: PerformanceMilestoneSerializer(many=True), **_errors(404)})
@api_view(["GET"])
def milestone_list(request: Request, contract_id: int) -> Response:
    """The contract's milestones in order, with their acceptances and what can still be applied for."""
    contract = access_contract(request.user, contract_id)
    milestones = selectors.milestones_of(contract)
    context = {"committed": selectors.committed_by_milestone(contract)}
    return Response(PerformanceMilestoneSerializer(milestones, many=True, context=context).data)


@extend_schema(
    methods=["GET"],
    operation_id="v1_contracts_payments_list",
    responses={200: PerformancePaymentSerializer(many=True), **_errors(404)},
)
@extend_schema(
    methods=["POST"],
    operation_id="v1_contracts_payments_create",
    request=PerformancePaymentRequestSerializer,
    responses={201: PerformancePaymentSerializer, **_errors(400, 403, 404, 409)},
)
@api_view(["GET", "POST"])
def payment_list(request: Request, contract_id: int) -> Response:
    """GET: the contract's payment applications, oldest first. POST: the supplier's representative
    applies for payment against an accepted milestone (at most what is unpaid of it)."""
    if request.method == "POST":
        serializer = PerformancePaymentRequestSerializer(data=request.data)
        access_contract(request.user, contract_id)  # 404 before field errors
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = services.apply_for_payment(
            contract_id,
            actor=request.user,
            milestone_id=data["milestone"],
            amount=data["amount"],
            invoice_number=data["invoice_number"],
            note=data["note"],
        )
        application = selectors.applications_of(application.contract).get(pk=application.pk)
        return Response(PerformancePaymentSerializer(application).data, status=status.HTTP_201_CREATED)
    contract = access_contract(request.user, contract_id)
    return Response(PerformancePaymentSerializer(selectors.applications_of(contract), many=True).data)


urlpatterns = [
    path("<int:contract_id>/milestones/", milestone_list, name="api-contracts-milestones"),
    path("<int:contract_id>/payments/", payment_list, name="api-contracts-payments"),
]
