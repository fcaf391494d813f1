"""API of contract financing (mounted under /api/v1/contracts/ by contracts/api_urls.py): the
applications a bank officer (to their bank) or a supplier representative (their own) may see, one
application with its contract summary and the supplier's credit, and the bank's decision.

The decision validates its input with a serializer and calls exactly one service, which checks the
policy itself: another bank's application, a forged id and the applicant itself are the same 404.
Domain errors reach the client as {"code", "detail"}.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer

from . import selectors, services
from .models import FinancingApplication

STATUS_VALUES = [value for value, _label in FinancingApplication.Status.choices]


class BanSerializer(serializers.Serializer):
    rule = serializers.CharField()
    rule_zh = serializers.CharField()
    rule_en = serializers.CharField()
    until = serializers.DateField()


class CreditSummarySerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=9, decimal_places=2)
    stars = serializers.IntegerField()
    grade = serializers.CharField()
    bans = BanSerializer(many=True)
    events = serializers.IntegerField(help_text="Credit events still counting towards the score.")
    penalties = serializers.IntegerField(help_text="Of those, the penalties (negative points).")
    red_listed = serializers.BooleanField(required=False)
    record = serializers.IntegerField(allow_null=True, required=False, help_text="The public credit record.")


class FinancingApplicationSerializer(serializers.ModelSerializer):
    # Named FinancingApplicationStatusEnum in the schema (settings.SPECTACULAR_SETTINGS).
    status = serializers.ChoiceField(choices=FinancingApplication.Status.choices, read_only=True)
    contract_reference = serializers.CharField(source="contract.reference", read_only=True)
    contract_title = serializers.CharField(source="contract.title", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    bank_name = serializers.CharField(source="bank.name", read_only=True)
    credit_summary = CreditSummarySerializer(read_only=True)

    class Meta:
        model = FinancingApplication
        fields = [
            "id",
            "contract",
            "contract_reference",
            "contract_title",
            "supplier",
            "supplier_name",
            "bank",
            "bank_name",
            "amount",
            "term_months",
            "purpose",
            "status",
            "credit_summary",
            "created_at",
            "decided_at",
            "decision_reason",
            "approved_amount",
        ]
        read_only_fields = fields


class FinancedMilestoneSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    due_date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    status = serializers.CharField()
    paid = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)


class FinancedContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    purchaser_name = serializers.CharField(source="purchaser.name")
    supplier_name = serializers.CharField(source="supplier.name")
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    award_notice_on = serializers.DateField()
    signed_at = serializers.DateTimeField(allow_null=True)
    sha256 = serializers.CharField()
    pdf = serializers.SerializerMethodField()

    def get_pdf(self, contract) -> str | None:
        application = self.context["application"]
        return f"/contracts/financing/{application.pk}/contract.pdf" if contract.pdf else None


class FinancingApplicationDetailSerializer(FinancingApplicationSerializer):
    contract_summary = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()
    credit_now = serializers.SerializerMethodField()

    class Meta(FinancingApplicationSerializer.Meta):
        fields = [*FinancingApplicationSerializer.Meta.fields, "contract_summary", "milestones", "credit_now"]
        read_only_fields = fields

    @extend_schema_field(FinancedContractSerializer)
    def get_contract_summary(self, application: FinancingApplication) -> dict:
        return FinancedContractSerializer(application.contract, context={"application": application}).data

    @extend_schema_field(FinancedMilestoneSerializer(many=True))
    def get_milestones(self, application: FinancingApplication) -> list[dict]:
        return FinancedMilestoneSerializer(
            selectors.milestones_with_payments(application.contract), many=True
        ).data

    @extend_schema_field(CreditSummarySerializer)
    def get_credit_now(self, application: FinancingApplication) -> dict:
        return CreditSummarySerializer(selectors.credit_now(application.supplier)).data


class FinancingPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FinancingApplicationSerializer(many=True)


class DecideFinancingRequestSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(
        max_length=services.MAX_REASON_CHARS, required=False, allow_blank=True, default=""
    )
    approved_amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Approving: at most the amount requested (the amount requested if omitted).",
    )


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message (an approved "
        "amount above the amount requested, declining without a reason).",
        404: "No such application, or one the user may not see or decide (the same answer): an officer of "
        "another bank, another supplier.",
        409: "The application has been decided or withdrawn, or the contract is no longer in force.",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=described[status]) for status in statuses}


STATUS = OpenApiParameter("status", str, enum=STATUS_VALUES, description="Only applications in this state.")
PAGE = OpenApiParameter("page", int, description="The page number (50 a page).")


@extend_schema(
    operation_id="v1_contracts_financing_list",
    parameters=[STATUS, PAGE],
    responses={200: FinancingPageSerializer},
)
@api_view(["GET"])
def financing_list(request: Request) -> Response:
    """A bank officer's: the applications to their bank; a supplier representative's: their
    supplier's; newest first (empty for other roles)."""
    paginator = PageNumberPagination()
    queryset = selectors.applications_for(request.user, status=request.query_params.get("status", ""))
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response(FinancingApplicationSerializer(page, many=True).data)


@extend_schema(
    operation_id="v1_contracts_financing_retrieve",
    responses={200: FinancingApplicationDetailSerializer, **_errors(404)},
)
@api_view(["GET"])
def financing_detail(request: Request, application_id: int) -> Response:
    """One application, with the contract's summary and milestones and the supplier's credit today
    (beside `credit_summary`, its credit when it applied)."""
    application = selectors.access_application(request.user, application_id)
    return Response(FinancingApplicationDetailSerializer(application).data)


@extend_schema(
    operation_id="v1_contracts_financing_decide",
    request=DecideFinancingRequestSerializer,
    responses={200: FinancingApplicationDetailSerializer, **_errors(400, 404, 409)},
)
@api_view(["POST"])
def financing_decide(request: Request, application_id: int) -> Response:
    """An officer of the bank applied to approves (`approved_amount`, at most the amount requested)
    or declines (`reason` required) an application awaiting its decision."""
    serializer = DecideFinancingRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    application = services.decide_financing(
        application_id,
        actor=request.user,
        approve=data["approve"],
        reason=data["reason"],
        approved_amount=data["approved_amount"],
    )
    return Response(
        FinancingApplicationDetailSerializer(selectors.access_application(request.user, application.pk)).data
    )
