"""The supplier's side of a negotiation through the API (its own tools):

    GET  /api/v1/bidding/negotiations/<evaluation_id>/thread/            its thread
    POST /api/v1/bidding/negotiations/<evaluation_id>/thread/replies/    multipart: text, attachment
    POST /api/v1/bidding/negotiations/<evaluation_id>/final-quotation/   price

Another supplier's thread, or one that does not exist, is the same 404. A final quotation's answer
is its receipt (the database clock's time and the SHA-256 of the sealed price), never the price."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer

from . import selectors, services
from .exceptions import NegotiationNotFound


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_panel = serializers.BooleanField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    document_name = serializers.CharField(allow_blank=True)
    document_sha256 = serializers.CharField(allow_blank=True)
    document_url = serializers.CharField(allow_null=True)


class RevisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class FinalRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deadline = serializers.DateTimeField()
    state = serializers.CharField(help_text="open or opened")


class QuotationReceiptSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    received_at = serializers.DateTimeField(allow_null=True)
    sealed_price_sha256 = serializers.CharField(allow_blank=True)
    price = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, help_text="Only once the round is opened."
    )


class ThreadSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField()
    lot = serializers.IntegerField()
    project = serializers.CharField()
    negotiating = serializers.BooleanField()
    messages = MessageSerializer(many=True)
    revisions = RevisionSerializer(many=True)
    final_round = FinalRoundSerializer(allow_null=True)
    final_quotation = QuotationReceiptSerializer(allow_null=True)


def _message(message) -> dict:
    return {
        "id": message.pk,
        "from_panel": message.from_panel,
        "text": message.text,
        "created_at": message.created_at,
        "document_name": message.attachment_name,
        "document_sha256": message.attachment_sha256,
        "document_url": reverse("bidding:negotiation_document", args=[message.pk])
        if message.attachment
        else None,
    }


def _receipt(quotation) -> dict:
    return {
        "round": quotation.round_id,
        "received_at": quotation.received_at,
        "sealed_price_sha256": services.sealed_sha256(quotation),
        "price": quotation.price,
    }


_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such negotiation of yours.")


@extend_schema(responses={200: ThreadSerializer, 404: _NOT_FOUND})
@api_view(["GET"])
def thread(request: Request, evaluation_id: int) -> Response:
    """The supplier's own thread: the panel's messages and its answers, every revision of the
    requirements, the call for final quotations and its own quotation's receipt."""
    evaluation, assessment = selectors.access_as_supplier(request.user, evaluation_id)
    data = selectors.supplier_thread(evaluation, assessment.bid.supplier)
    round_, quotation = data["round"], data["quotation"]
    body = {
        "evaluation": evaluation.pk,
        "lot": evaluation.lot_id,
        "project": evaluation.lot.project.reference,
        "negotiating": evaluation.status == "negotiating" and round_ is None and assessment.qualified is True,
        "messages": [_message(m) for m in data["messages"]],
        "revisions": [
            {
                "id": item["revision"].pk,
                "text": item["revision"].text,
                "created_at": item["revision"].created_at,
            }
            for item in data["timeline"]
            if item["kind"] == "revision"
        ],
        "final_round": {"id": round_.pk, "deadline": round_.deadline, "state": round_.status}
        if round_
        else None,
        "final_quotation": _receipt(quotation) if quotation else None,
    }
    return Response(ThreadSerializer(body).data)


@extend_schema(
    request={
        "multipart/form-data": inline_serializer(
            "NegotiationReplyRequest",
            {"text": serializers.CharField(), "attachment": serializers.FileField(required=False)},
        )
    },
    responses={
        201: MessageSerializer,
        400: OpenApiResponse(ErrorSerializer, description="No text, text too long, or a refused file."),
        404: _NOT_FOUND,
        409: OpenApiResponse(ErrorSerializer, description="The negotiation is over."),
    },
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def reply(request: Request, evaluation_id: int) -> Response:
    """The supplier's answer in its own thread, with a revised document if need be."""
    selectors.access_as_supplier(request.user, evaluation_id)
    message = services.reply(
        evaluation_id,
        actor=request.user,
        text=request.data.get("text", ""),
        attachment=request.FILES.get("attachment"),
    )
    return Response(MessageSerializer(_message(message)).data, status=status.HTTP_201_CREATED)


@extend_schema(
    request=inline_serializer(
        "FinalQuotationRequest", {"price": serializers.DecimalField(max_digits=18, decimal_places=2)}
    ),
    responses={
        201: QuotationReceiptSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Not a price."),
        404: _NOT_FOUND,
        409: OpenApiResponse(ErrorSerializer, description="Late: the deadline (database clock) has passed."),
    },
)
@api_view(["POST"])
@parser_classes([JSONParser, FormParser, MultiPartParser])
def final_quotation(request: Request, evaluation_id: int) -> Response:
    """The supplier's sealed final quotation (replaces its earlier one until the deadline)."""
    evaluation, _assessment = selectors.access_as_supplier(request.user, evaluation_id)
    round_ = selectors.final_round(evaluation)
    if round_ is None:
        raise NegotiationNotFound(code="no_final_round")
    quotation = services.submit_final_quotation(
        round_.pk, actor=request.user, price=request.data.get("price", "")
    )
    return Response(QuotationReceiptSerializer(_receipt(quotation)).data, status=status.HTTP_201_CREATED)
