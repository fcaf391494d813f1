"""The contracts API (mounted by contracts/api_urls.py under /api/v1/contracts/): the user's
contracts, one contract with its milestones and signatures, and a party's signature. Reads are
read-only serializers over contracts.selectors; the write calls contracts.services.sign_contract,
which checks everything itself (a contract the user may not see is a 404 like a missing one)."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer

from . import selectors, services
from .models import Contract, Signature
from .performance.models import Milestone


class ContractSummarySerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="lot.project_id", read_only=True)
    project_reference = serializers.CharField(source="lot.project.reference", read_only=True)
    lot_number = serializers.IntegerField(source="lot.number", read_only=True)
    purchaser_name = serializers.CharField(source="purchaser.name", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "reference",
            "title",
            "status",
            "project",
            "project_reference",
            "lot",
            "lot_number",
            "purchaser",
            "purchaser_name",
            "supplier",
            "supplier_name",
            "amount",
            "signing_due",
            "signed_at",
            "sha256",
            "notice",
        ]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
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
            "supplement",
        ]
        read_only_fields = fields


class SignatureSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Signature
        fields = [
            "id",
            "party",
            "supplement",
            "organisation",
            "organisation_name",
            "signed_at",
            "certificate_serial",
            "certificate_subject",
            "pdf_sha256",
        ]
        read_only_fields = fields


class ContractSerializer(ContractSummarySerializer):
    milestones = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta(ContractSummarySerializer.Meta):
        fields = [
            *ContractSummarySerializer.Meta.fields,
            "subject",
            "delivery_place",
            "delivery_period",
            "supplier_is_sme",
            "payment_terms",
            "performance_bond_percent",
            "performance_bond_amount",
            "sme_payment_days",
            "special_terms",
            "award_notice_on",
            "notice_due",
            "draft_sha256",
            "milestones",
            "signatures",
            "pdf",
        ]
        read_only_fields = fields

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, contract: Contract) -> list:
        return MilestoneSerializer(self.context["rows"]["milestones"], many=True).data

    @extend_schema_field(SignatureSerializer(many=True))
    def get_signatures(self, contract: Contract) -> list:
        return SignatureSerializer(self.context["rows"]["signatures"], many=True).data

    def get_pdf(self, contract: Contract) -> str | None:
        if contract.status == Contract.Status.DRAFT or not contract.pdf:
            return None
        return reverse("contracts:contract_pdf", args=[contract.pk])


class ContractPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ContractSummarySerializer(many=True)


class SignRequestSerializer(serializers.Serializer):
    otp_token = serializers.CharField(max_length=6, min_length=6)


def _detail(contract: Contract) -> dict:
    return ContractSerializer(contract, context={"rows": selectors.contract_page(contract)}).data


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input, or a wrong or reused second-factor code.",
        403: "Not a party to the contract, or no second factor set up.",
        404: "No such contract, or one the user may not see (the same answer).",
        409: "The contract's state does not allow this: already signed by this party, or a challenge or "
        "complaint about the lot is open.",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=described[status]) for status in statuses}


STATUS = OpenApiParameter(
    "status", str, enum=Contract.Status.values, description="Only contracts in this state."
)
PAGE = OpenApiParameter("page", int, description="The page number (50 a page).")


@extend_schema(
    operation_id="v1_contracts_list",
    parameters=[STATUS, PAGE],
    responses={200: ContractPageSerializer},
)
@api_view(["GET"])
def contract_list(request: Request) -> Response:
    """The user's contracts (their organisation's as purchaser or supplier, their agency's projects,
    a regulator's region), newest first, 50 a page."""
    queryset = selectors.contracts_for(request.user)
    status = request.query_params.get("status")
    if status in Contract.Status.values:
        queryset = queryset.filter(status=status)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response(ContractSummarySerializer(page, many=True).data)


@extend_schema(responses={200: ContractSerializer, **_errors(404)})
@api_view(["GET"])
def contract_detail(request: Request, contract_id: int) -> Response:
    """One contract with its milestones and signatures."""
    return Response(_detail(selectors.access_contract(request.user, contract_id)))


@extend_schema(
    request=SignRequestSerializer, responses={200: ContractSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def contract_sign(request: Request, contract_id: int) -> Response:
    """The user signs the contract for their party, confirming with their authenticator's code."""
    serializer = SignRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    contract = services.sign_contract(
        contract_id, actor=request.user, otp_token=serializer.validated_data["otp_token"]
    )
    return Response(_detail(selectors.access_contract(request.user, contract.pk)))
