"""The credit API: public lists and summaries, the party's own record and appeals, eligibility."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organisation, User
from common.exceptions import InvalidInput, NotFound

from .. import selectors, services
from ..eligibility import Action, check_eligibility
from .serializers import (
    AppealRequestSerializer,
    BlacklistEntrySerializer,
    CreditAppealSerializer,
    CreditRecordSerializer,
    EligibilitySerializer,
    OwnRecordSerializer,
)


def _paginated(request: Request, queryset, serializer_class) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


SEARCH = OpenApiParameter("q", str, description="Name (Chinese or English) or unified social credit code")


@extend_schema(parameters=[SEARCH], responses=BlacklistEntrySerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def blacklist(request: Request) -> Response:
    """Parties banned from government procurement today (public)."""
    return _paginated(
        request, selectors.public_blacklist(request.query_params.get("q", "")), BlacklistEntrySerializer
    )


@extend_schema(parameters=[SEARCH], responses=CreditRecordSerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def red_list(request: Request) -> Response:
    """Parties on the red list (public)."""
    return _paginated(request, selectors.red_list(request.query_params.get("q", "")), CreditRecordSerializer)


@extend_schema(parameters=[SEARCH], responses=CreditRecordSerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def records(request: Request) -> Response:
    """Every party's credit summary (public), searchable."""
    return _paginated(
        request, selectors.public_records(request.query_params.get("q", "")), CreditRecordSerializer
    )


@extend_schema(responses=CreditRecordSerializer)
@api_view(["GET"])
@permission_classes([AllowAny])
def record(request: Request, record_id: int) -> Response:
    """One party's public credit summary."""
    return Response(CreditRecordSerializer(selectors.access_public_record(record_id)).data)


@extend_schema(responses=OwnRecordSerializer)
@api_view(["GET"])
def mine(request: Request) -> Response:
    """The acting party's own record: every event, its current points and the score as their sum."""
    own = selectors.own_record(request.user)
    if own is None:
        raise NotFound(_("You act for no party with a credit record yet."), code="credit_record_not_found")
    events = list(selectors.events_of(own))
    payload = {
        "record": own,
        "explanation": selectors.explain_score(own, events, user=request.user),
        "bans": list(selectors.bans_of(own)),
    }
    return Response(OwnRecordSerializer(payload).data)


@extend_schema(
    request={"multipart/form-data": AppealRequestSerializer}, responses={201: CreditAppealSerializer}
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def appeal(request: Request, event_id: int) -> Response:
    """Appeal an event of the party's own record (reasons, optional documents)."""
    serializer = AppealRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    created = services.appeal_event(
        event_id,
        actor=request.user,
        reasons=serializer.validated_data["reasons"],
        documents=serializer.validated_data["documents"],
    )
    return Response(CreditAppealSerializer(created).data, status=201)


@extend_schema(
    parameters=[
        OpenApiParameter("organisation", int, description="A supplier organisation's id"),
        OpenApiParameter("expert", int, description="An expert user's id"),
        OpenApiParameter("action", str, enum=Action.values, required=True),
    ],
    responses=EligibilitySerializer,
)
@api_view(["GET"])
def eligibility(request: Request) -> Response:
    """May a supplier (or expert) take part in the given action today, and with which grade?"""
    action = request.query_params.get("action", "")
    if action not in Action.values:
        raise InvalidInput(_("Unknown action."), code="unknown_action")
    if "organisation" not in request.query_params and "expert" not in request.query_params:
        raise InvalidInput(_("Name the party: organisation=<id> or expert=<id>."), code="party_required")
    try:
        if "organisation" in request.query_params:
            party = Organisation.objects.get(pk=int(request.query_params["organisation"]))
        else:
            party = User.objects.get(pk=int(request.query_params.get("expert", "")))
    except (Organisation.DoesNotExist, User.DoesNotExist, ValueError):
        raise NotFound(_("No such party."), code="party_not_found") from None
    try:
        answer = check_eligibility(party, action)
    except ValueError:
        raise InvalidInput(
            _("This action does not apply to this kind of party."), code="action_not_applicable"
        ) from None
    return Response(EligibilitySerializer(answer).data)
