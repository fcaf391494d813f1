from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import selectors
from audit.chain import GENESIS_HASH

from .serializers import ChainHeadSerializer


class ChainHeadView(APIView):
    """The audit chain's head and its latest signed checkpoint. Public: no login needed."""

    permission_classes = [AllowAny]
    authentication_classes = []  # the same answer for everyone; no session to load

    @extend_schema(
        operation_id="audit_head",
        summary="Audit chain head",
        description=(
            "Sequence number and SHA-256 hash of the latest audit event, with the latest signed "
            "checkpoint. Keep a copy: `manage.py verify_audit --expect SEQUENCE:HASH` proves later "
            "that the chain still contains it."
        ),
        responses=ChainHeadSerializer,
        tags=["audit"],
    )
    def get(self, request: Request) -> Response:
        head = selectors.chain_head()
        data = {
            "sequence": head.sequence if head else 0,
            "hash": head.hash if head else GENESIS_HASH,
            "occurred_at": head.occurred_at if head else None,
            "checkpoint": selectors.latest_checkpoint(),
        }
        return Response(ChainHeadSerializer(data).data)
