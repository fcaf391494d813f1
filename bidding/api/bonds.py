"""The bond API: a supplier's own bonds (list, detail, lodge for a lot) and the tender officer's
bonds of a project (list, verify, reject). Mounted at /api/v1/bidding/bonds/ (config/api_urls.py).

Each write validates its input with a serializer and calls exactly one service, which checks the
policy itself: another supplier's bond, a forged id and a project the officer does not run are
the same 404. Domain errors reach the client as {"code", "detail"} (and "errors" by field).
A bond tells nothing of a bid; account numbers are shown only to the supplier and the agency.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from .. import bond_selectors as selectors
from .. import bonds
from ..models import Bond

app_name = "bidding_bonds_api"


# --- Serializers -----------------------------------------------------------------------------------


class BondErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class BondSerializer(serializers.ModelSerializer):
    lot_number = serializers.IntegerField(source="lot.number", read_only=True)
    project = serializers.IntegerField(source="lot.project_id", read_only=True)
    reference = serializers.CharField(source="lot.project.reference", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = Bond
        fields = [
            "id",
            "lot",
            "lot_number",
            "project",
            "reference",
            "supplier",
            "supplier_name",
            "status",
            "amount",
            "form",
            "payer_bank",
            "payer_account_name",
            "payer_account_number",
            "guarantee_number",
            "guarantor",
            "has_document",
            "document_sha256",
            "lodged_at",
            "verified_at",
            "rejection_reason",
            "refund_due_on",
            "refund_reason",
            "refunded_at",
            "overdue_flagged_at",
            "forfeit_reason",
        ]
        read_only_fields = fields

    def get_has_document(self, bond: Bond) -> bool:
        return bool(bond.document)


class BondPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = BondSerializer(many=True)


class BondLodgeRequestSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=Bond.Form.choices)
    payer_bank = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    payer_account_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    payer_account_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    guarantee_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    guarantor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True, default=None)


class BondReasonRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


# --- Views -----------------------------------------------------------------------------------------


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message.",
        403: "Not logged in, or second factor not verified.",
        404: "No such bond, lot or project, or one the user may not see (the same answer).",
        409: "The bond's or the lot's state does not allow this.",
    }
    return {
        status: OpenApiResponse(BondErrorSerializer, description=described[status]) for status in statuses
    }


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _bond(bond: Bond) -> Response:
    return Response(BondSerializer(selectors.bonds_of_project(bond.lot.project_id).get(pk=bond.pk)).data)


PAGE = OpenApiParameter("page", int, description="The page number (50 a page).")


@extend_schema(operation_id="v1_bidding_bonds_list", parameters=[PAGE], responses={200: BondPageSerializer})
@api_view(["GET"])
def bond_list(request: Request) -> Response:
    """The bonds of the supplier the user represents, newest first (empty for other roles)."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(selectors.bonds_of_supplier(request.user), request)
    return paginator.get_paginated_response(BondSerializer(page, many=True).data)


@extend_schema(responses={200: BondSerializer, **_errors(404)})
@api_view(["GET"])
def bond_detail(request: Request, bond_id: int) -> Response:
    """One bond: its supplier's, or one of a project the officer's agency runs."""
    return Response(BondSerializer(selectors.access_bond(request.user, bond_id)).data)


@extend_schema(
    request={
        "multipart/form-data": BondLodgeRequestSerializer,
        "application/json": BondLodgeRequestSerializer,
    },
    responses={200: BondSerializer, **_errors(400, 404, 409)},
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser, JSONParser])
def bond_lodge(request: Request, lot_id: int) -> Response:
    """The supplier lodges its bond for a lot: a bank transfer (payer_bank, payer_account_name,
    payer_account_number) or a guarantee (guarantee_number, guarantor and the PDF as `document`,
    multipart). Lodged twice: 409."""
    data = _valid(BondLodgeRequestSerializer, request)
    return _bond(bonds.lodge_bond_for_lot(lot_id, actor=request.user, **data))


@extend_schema(
    operation_id="v1_bidding_bonds_project_list",
    responses={200: BondSerializer(many=True), **_errors(404)},
)
@api_view(["GET"])
def project_bonds(request: Request, project_id: int) -> Response:
    """Every bond of the project's lots, for an officer of the agency running its tender."""
    project = selectors.access_officer_project(request.user, project_id)
    return Response(BondSerializer(selectors.bonds_of_project(project), many=True).data)


@extend_schema(request=None, responses={200: BondSerializer, **_errors(404, 409)})
@api_view(["POST"])
def bond_verify(request: Request, bond_id: int) -> Response:
    """The tender's officer verifies a lodged bond (a second call: 409)."""
    return _bond(bonds.verify_bond(bond_id, actor=request.user))


@extend_schema(request=BondReasonRequestSerializer, responses={200: BondSerializer, **_errors(400, 404, 409)})
@api_view(["POST"])
def bond_reject(request: Request, bond_id: int) -> Response:
    """The tender's officer does not accept a lodged bond, saying why; it is required again."""
    data = _valid(BondReasonRequestSerializer, request)
    return _bond(bonds.reject_bond(bond_id, actor=request.user, reason=data["reason"]))


# The module is its own URLconf (config/api_urls.py includes it).
urlpatterns = [
    path("", bond_list, name="bonds"),
    path("<int:bond_id>/", bond_detail, name="bond"),
    path("<int:bond_id>/verify/", bond_verify, name="verify"),
    path("<int:bond_id>/reject/", bond_reject, name="reject"),
    path("lots/<int:lot_id>/lodge/", bond_lodge, name="lodge"),
    path("projects/<int:project_id>/", project_bonds, name="project"),
]
