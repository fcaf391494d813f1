"""A whole sealed bid in one request: for suppliers' own bidding tools and small bids.

    POST /api/v1/bidding/lots/<lot_id>/bids/   multipart: price=<yuan>, <document key>=<file>, …

The files are parsed into memory only (never a plaintext temporary file on disk), so each is
limited to services.ONE_REQUEST_FILE_MAX_BYTES; larger files take the browser's resumable upload.
The answer is the receipt (201)."""

import functools

from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from common.exceptions import InvalidInput

from .. import services
from ..models import Bid
from .receipts import ReceiptSerializer, _receipt


class _InMemoryOnly(MemoryFileUploadHandler):
    """Django's memory handler, used whatever the request size (the view bounds that first)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


def _request_limit(documents: int) -> int:
    return documents * services.ONE_REQUEST_FILE_MAX_BYTES + 64 * 1024


@extend_schema(
    request={
        "multipart/form-data": inline_serializer(
            "SealedBidRequest",
            {"price": serializers.DecimalField(max_digits=18, decimal_places=2)},
        )
    },
    responses={
        201: ReceiptSerializer,
        400: OpenApiResponse(description="Invalid price, file or missing document."),
        403: OpenApiResponse(description="Not a supplier, or not eligible (reasons given)."),
        404: OpenApiResponse(description="No such lot open for bids."),
        409: OpenApiResponse(description="Late: the deadline (database clock) has passed."),
    },
)
@api_view(["POST"])
@parser_classes([MultiPartParser])
def _submit_bid(request: Request, lot_id: int) -> Response:
    django_request = request._request
    files = {key: request.FILES[key] for key in request.FILES}
    bid = services.submit_sealed_bid(
        lot_id,
        actor=request.user,
        price=request.data.get("price", ""),
        files=files,
        ip_address=django_request.META.get("REMOTE_ADDR"),
        user_agent=django_request.META.get("HTTP_USER_AGENT", ""),
    )
    bid = Bid.objects.select_related("lot__project", "replaces").prefetch_related("files").get(pk=bid.pk)
    return Response(ReceiptSerializer(_receipt(bid)).data, status=status.HTTP_201_CREATED)


def _in_memory_only(view):
    """Bound the request and parse its files into memory only — set before anything reads the
    body (the CSRF check of the session authentication would parse it with Django's default
    handlers, which write a large file to a plaintext temporary file)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0 or length > _request_limit(8):
            error = InvalidInput(
                _("A one-request bid carries small files only; upload larger files on the bid page."),
                code="request_too_large",
            )
            return JsonResponse({"code": error.code, "detail": str(error.message)}, status=400)
        request.upload_handlers = [_InMemoryOnly(request)]
        return view(request, *args, **kwargs)

    return wrapped


submit_bid = _in_memory_only(_submit_bid)
