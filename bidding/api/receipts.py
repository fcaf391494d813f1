"""The supplier's own bid receipts (JSON) and the public opening record of an opened lot.

Nothing sealed is served: a receipt carries hashes, times and the audit sequence, never a price
or a file; the opening record exists only once the opening service has revealed the bids."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from .. import records, selectors, services
from ..exceptions import BidNotFound
from ..models import Bid, BidFile, Opening


class ReceiptFileSerializer(serializers.Serializer):
    document = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ReceiptSerializer(serializers.Serializer):
    bid = serializers.UUIDField()
    lot = serializers.IntegerField()
    project = serializers.CharField()
    lot_number = serializers.IntegerField()
    supplier = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Bid.Status.choices)
    received_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    files = ReceiptFileSerializer(many=True)
    sealed_price_sha256 = serializers.CharField()
    replaces = serializers.UUIDField(allow_null=True)
    audit_sequence = serializers.IntegerField(allow_null=True)
    receipt_sha256 = serializers.CharField()


class OpeningRowSerializer(serializers.Serializer):
    supplier = serializers.CharField()
    price = serializers.DecimalField(max_digits=18, decimal_places=2)
    received_at = serializers.DateTimeField()
    bond_status = serializers.CharField(allow_blank=True)
    files = serializers.ListField(child=serializers.DictField())


class OpeningRecordSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    project = serializers.CharField()
    opened_at = serializers.DateTimeField()
    automatic = serializers.BooleanField()
    failed = serializers.BooleanField()
    pdf_sha256 = serializers.CharField()
    bids = OpeningRowSerializer(many=True)


def _receipt(bid: Bid) -> dict:
    files = [f for f in bid.files.all() if f.status == BidFile.Status.COMPLETE]
    return services.receipt_of(bid, files) | {"receipt_sha256": bid.receipt_sha256}


@extend_schema(
    responses={200: ReceiptSerializer(many=True), 403: OpenApiResponse(description="Not a supplier.")}
)
@api_view(["GET"])
def receipt_list(request: Request) -> Response:
    """The receipts of the user's supplier organisation (submitted, withdrawn and opened bids)."""
    supplier = services.supplier_of(request.user)
    bids = (
        Bid.objects.filter(supplier=supplier)
        .exclude(status=Bid.Status.DRAFT)
        .select_related("lot__project", "replaces")
        .prefetch_related("files")
        .order_by("-received_at")[:500]
    )
    return Response(ReceiptSerializer([_receipt(bid) for bid in bids], many=True).data)


@extend_schema(responses={200: ReceiptSerializer, 404: OpenApiResponse(description="No such bid of yours.")})
@api_view(["GET"])
def receipt_detail(request: Request, public_id) -> Response:
    bid = selectors.own_receipt(request.user, public_id)
    return Response(ReceiptSerializer(_receipt(bid)).data)


@extend_schema(responses={200: OpeningRecordSerializer, 404: OpenApiResponse(description="Not opened.")})
@api_view(["GET"])
@permission_classes([AllowAny])
def opening_record(request: Request, lot_id: int) -> Response:
    """The public opening record of a lot (bidders, prices, bond status, file hashes)."""
    opening = (
        Opening.objects.select_related("lot__project")
        .filter(lot_id=lot_id, status=Opening.Status.OPENED)
        .first()
    )
    if opening is None:
        raise BidNotFound()
    lot = opening.lot
    rows = records.opening_rows(lot, selectors.opened_bids(lot))
    data = {
        "lot": lot.pk,
        "project": lot.project.reference,
        "opened_at": opening.opened_at,
        "automatic": opening.automatic,
        "failed": opening.failed,
        "pdf_sha256": opening.sha256,
        "bids": [
            {
                "supplier": row["supplier"].name,
                "price": row["bid"].price,
                "received_at": row["bid"].received_at,
                "bond_status": row["bond_status"],
                "files": [
                    {"document": f["document"], "sha256": f["sha256"], "matches": f["matches"]}
                    for f in row["files"]
                ],
            }
            for row in rows
        ],
    }
    return Response(OpeningRecordSerializer(data).data)
