"""The panel API: the agency's panel of a lot (read, request, draw) and a member's invitations
(list, accept, decline, declare). Mounted under /api/v1/bidding/ (bidding/panels/api_urls.py).

Each write validates its input and calls one service, which checks the policy itself; another
agency's lot, someone else's seat and a missing id are the same 404. Before the result notice the
agency sees the seats' states, never the experts' names."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer
from experts.models import Panel, PanelSeat

from ..exceptions import BidNotFound
from . import selectors, services

# --- Serializers -----------------------------------------------------------------------------------


class AgencySeatSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=PanelSeat.Kind.choices)
    position = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PanelSeat.Status.choices)
    invited_at = serializers.DateTimeField(allow_null=True)
    reply_by = serializers.DateTimeField(allow_null=True)


class AgencyPanelSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    lot = serializers.IntegerField(source="lot_id")
    status = serializers.ChoiceField(choices=Panel.Status.choices)
    size = serializers.IntegerField()
    expert_seats = serializers.IntegerField()
    purchaser_seats = serializers.IntegerField()
    reserves = serializers.IntegerField()
    specialties = serializers.ListField(child=serializers.CharField())
    evaluation_on = serializers.DateField()
    seed_sha256 = serializers.CharField()
    candidates_count = serializers.SerializerMethodField()
    candidates_sha256 = serializers.CharField()
    drawn_at = serializers.DateTimeField(allow_null=True)
    seated_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    seats = serializers.SerializerMethodField()

    def get_candidates_count(self, panel: Panel) -> int:
        return len(panel.candidates)

    @extend_schema_field(AgencySeatSerializer(many=True))
    def get_seats(self, panel: Panel) -> list[dict]:
        return AgencySeatSerializer(self.context["seats"], many=True).data


class PanelRequestSerializer(serializers.Serializer):
    specialties = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list
    )
    evaluation_on = serializers.DateField()
    size = serializers.IntegerField(min_value=1, max_value=99, required=False, allow_null=True, default=None)
    representatives = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    panel = serializers.IntegerField(source="panel_id")
    lot = serializers.IntegerField(source="panel.lot_id")
    project = serializers.CharField(source="panel.lot.project.reference")
    kind = serializers.ChoiceField(choices=PanelSeat.Kind.choices)
    status = serializers.ChoiceField(choices=PanelSeat.Status.choices)
    evaluation_on = serializers.DateField(source="panel.evaluation_on")
    reply_by = serializers.DateTimeField(allow_null=True)
    bidders = serializers.SerializerMethodField()

    def get_bidders(self, seat: PanelSeat) -> list[str]:
        return self.context["bidders"].get(seat.panel.lot_id, [])


class PanelDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PanelDeclarationSerializer(serializers.Serializer):
    conflict = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


# --- Views -----------------------------------------------------------------------------------------


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message.",
        403: "Not logged in, or second factor not verified.",
        404: "No such lot or invitation, or one the user may not see (the same answer).",
        409: "The panel's, the seat's or the lot's state does not allow this.",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=described[status]) for status in statuses}


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _panel_response(lot, *, status: int = 200) -> Response:
    panel = selectors.live_panel(lot)
    if panel is None:
        raise BidNotFound(_("No panel yet."), code="panel_not_found")
    data = AgencyPanelSerializer(panel, context={"seats": selectors.seats_for_agency(panel)}).data
    return Response(data, status=status)


@extend_schema(
    methods=["GET"],
    operation_id="v1_bidding_lot_panel_read",
    responses={200: AgencyPanelSerializer, **_errors(404)},
)
@extend_schema(
    methods=["POST"],
    operation_id="v1_bidding_lot_panel_request",
    request=PanelRequestSerializer,
    responses={201: AgencyPanelSerializer, **_errors(400, 403, 404, 409)},
)
@api_view(["GET", "POST"])
def lot_panel(request: Request, lot_id: int) -> Response:
    """The lot's panel for the agency running its tender (GET), or a request for it (POST)."""
    lot = selectors.access_agency_lot(request.user, lot_id)
    if request.method == "GET":
        return _panel_response(lot)
    data = _valid(PanelRequestSerializer, request)
    services.request_panel(
        lot.pk,
        actor=request.user,
        specialties=data["specialties"],
        evaluation_on=data["evaluation_on"],
        size=data["size"],
        representative_ids=data["representatives"],
    )
    return _panel_response(lot, status=201)


@extend_schema(request=None, responses={200: AgencyPanelSerializer, **_errors(403, 404, 409)})
@api_view(["POST"])
def lot_panel_draw(request: Request, lot_id: int) -> Response:
    """Draw the requested panel: candidates frozen, exclusions recorded, members invited."""
    lot = selectors.access_agency_lot(request.user, lot_id)
    services.draw_panel(lot.pk, actor=request.user)
    return _panel_response(lot)


@extend_schema(
    operation_id="v1_bidding_panel_invitations_list", responses={200: InvitationSerializer(many=True)}
)
@api_view(["GET"])
def invitation_list(request: Request) -> Response:
    """The user's panel invitations, newest first; the bidders once accepted."""
    seats = selectors.invitations_of(request.user)
    context = {"bidders": selectors.bidders_by_lot(seats)}
    return Response(InvitationSerializer(seats, many=True, context=context).data)


def _invitation(request: Request, seat_id: int) -> Response:
    seats = [seat for seat in selectors.invitations_of(request.user) if seat.pk == int(seat_id)]
    return Response(InvitationSerializer(seats[0], context={"bidders": selectors.bidders_by_lot(seats)}).data)


@extend_schema(request=None, responses={200: InvitationSerializer, **_errors(404, 409)})
@api_view(["POST"])
def invitation_accept(request: Request, seat_id: int) -> Response:
    services.accept_invitation(seat_id, actor=request.user)
    return _invitation(request, seat_id)


@extend_schema(
    request=PanelDeclineSerializer, responses={200: InvitationSerializer, **_errors(400, 404, 409)}
)
@api_view(["POST"])
def invitation_decline(request: Request, seat_id: int) -> Response:
    data = _valid(PanelDeclineSerializer, request)
    services.decline_invitation(seat_id, actor=request.user, reason=data["reason"])
    return _invitation(request, seat_id)


@extend_schema(
    request=PanelDeclarationSerializer, responses={200: InvitationSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def invitation_declare(request: Request, seat_id: int) -> Response:
    """Sign the conflict-of-interest declaration (second factor): an empty conflict seats you."""
    data = _valid(PanelDeclarationSerializer, request)
    services.declare(seat_id, actor=request.user, conflict=data["conflict"])
    return _invitation(request, seat_id)
