"""The expert pool's API: an expert reads and changes their own profile, declarations and
unavailable days; the operator and regulators list the experts they keep (filters: status, region,
specialty), read one, register one, and decide (approve, reject, suspend, reinstate), each through
one service that checks the policy itself. Session authentication, as on the pages; domain errors
answer {"code", "detail"} (and "errors" by field)."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from common.exceptions import InvalidInput

from .. import policies, selectors, services
from ..exceptions import NotReviewer
from ..models import ExpertProfile
from .serializers import (
    DeclarationChangeSerializer,
    DeclarationRequestSerializer,
    DeclarationSerializer,
    ErrorSerializer,
    ExpertCommentRequestSerializer,
    ExpertDetailSerializer,
    ExpertPageSerializer,
    ExpertReasonRequestSerializer,
    ExpertSerializer,
    KeeperRegistrationSerializer,
    ProfileChangeSerializer,
    UnavailabilityRequestSerializer,
    UnavailabilitySerializer,
)


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message.",
        403: "Not logged in, second factor not verified, or the role may not do this.",
        404: "No such expert (or declaration, or period), or one the user may not see (the same answer).",
        409: "The expert's status does not allow this.",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=described[status]) for status in statuses}


def _valid(serializer_class, request: Request, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _own_detail(request: Request) -> Response:
    return Response(ExpertDetailSerializer(selectors.own_profile(request.user)).data)


# --- The expert's own profile -------------------------------------------------------------------------


@extend_schema(methods=["GET"], responses={200: ExpertDetailSerializer, **_errors(403, 404)})
@extend_schema(
    methods=["PATCH"],
    request=ProfileChangeSerializer,
    responses={200: ExpertDetailSerializer, **_errors(400, 403, 404)},
)
@api_view(["GET", "PATCH"])
def own(request: Request) -> Response:
    """The profile of the expert the user acts as (404 for other roles); PATCH changes its details
    (a rejected profile so changed goes back to review)."""
    if request.method == "PATCH":
        selectors.own_profile(request.user)  # 404 first for other roles
        services.update_profile(actor=request.user, **_valid(ProfileChangeSerializer, request, partial=True))
    return _own_detail(request)


@extend_schema(request=None, responses={200: ExpertDetailSerializer, **_errors(403, 404)})
@api_view(["POST"])
def confirm_declarations(request: Request) -> Response:
    """The expert confirms that their declarations are complete and true (declared_at)."""
    selectors.own_profile(request.user)
    services.confirm_declarations(actor=request.user)
    return _own_detail(request)


@extend_schema(methods=["GET"], responses={200: DeclarationSerializer(many=True), **_errors(403, 404)})
@extend_schema(
    methods=["POST"],
    request=DeclarationRequestSerializer,
    responses={201: DeclarationSerializer, **_errors(400, 403, 404)},
)
@api_view(["GET", "POST"])
def declarations(request: Request) -> Response:
    """The expert's declarations; POST adds one (the declarations then need confirming again)."""
    profile = selectors.own_profile(request.user)
    if request.method == "POST":
        declaration = services.add_declaration(
            actor=request.user, **_valid(DeclarationRequestSerializer, request)
        )
        return Response(DeclarationSerializer(declaration).data, status=201)
    return Response(DeclarationSerializer(profile.declarations.all(), many=True).data)


@extend_schema(
    methods=["PATCH"],
    request=DeclarationChangeSerializer,
    responses={200: DeclarationSerializer, **_errors(400, 403, 404)},
)
@extend_schema(methods=["DELETE"], responses={204: None, **_errors(403, 404)})
@api_view(["PATCH", "DELETE"])
def declaration(request: Request, declaration_id: int) -> Response:
    """Correct or end a declaration (PATCH), or withdraw one made in error (DELETE)."""
    profile = selectors.own_profile(request.user)
    selectors.own_declaration(profile, declaration_id)
    if request.method == "DELETE":
        services.remove_declaration(declaration_id, actor=request.user)
        return Response(status=204)
    changed = services.update_declaration(
        declaration_id, actor=request.user, **_valid(DeclarationChangeSerializer, request, partial=True)
    )
    return Response(DeclarationSerializer(changed).data)


@extend_schema(methods=["GET"], responses={200: UnavailabilitySerializer(many=True), **_errors(403, 404)})
@extend_schema(
    methods=["POST"],
    request=UnavailabilityRequestSerializer,
    responses={201: UnavailabilitySerializer, **_errors(400, 403, 404)},
)
@api_view(["GET", "POST"])
def unavailable_days(request: Request) -> Response:
    """The periods the expert cannot serve; POST adds one."""
    profile = selectors.own_profile(request.user)
    if request.method == "POST":
        period = services.add_unavailability(
            actor=request.user, **_valid(UnavailabilityRequestSerializer, request)
        )
        return Response(UnavailabilitySerializer(period).data, status=201)
    return Response(UnavailabilitySerializer(profile.unavailable_days.all(), many=True).data)


@extend_schema(responses={204: None, **_errors(403, 404)})
@api_view(["DELETE"])
def unavailable_period(request: Request, unavailability_id: int) -> Response:
    profile = selectors.own_profile(request.user)
    selectors.own_unavailability(profile, unavailability_id)
    services.remove_unavailability(unavailability_id, actor=request.user)
    return Response(status=204)


# --- The keepers' pool ---------------------------------------------------------------------------------

STATUS = OpenApiParameter(
    "status", str, enum=list(ExpertProfile.Status.values), description="Filter by status."
)
REGION = OpenApiParameter(
    "region", str, description="A region code: its experts and those of the regions within it."
)
SPECIALTY = OpenApiParameter(
    "specialty", str, description="A catalogue code: experts whose specialties cover it or lie within it."
)
PAGE = OpenApiParameter("page", int, description="The page number (50 a page).")


def _filters(request: Request) -> dict:
    params = request.query_params
    status = params.get("status", "")
    region = params.get("region", "").strip()
    specialty = params.get("specialty", "").strip().upper()
    if status and status not in ExpertProfile.Status.values:
        raise InvalidInput(code="invalid_status")
    if region and not (len(region) == 6 and region.isdigit()):
        raise InvalidInput(code="invalid_region")
    if specialty and not services.SPECIALTY_RE.match(specialty):
        raise InvalidInput(code="invalid_specialty")
    return {"status": status, "region": region, "specialty": specialty}


@extend_schema(
    methods=["GET"],
    operation_id="v1_experts_pool_list",
    parameters=[STATUS, REGION, SPECIALTY, PAGE],
    responses={200: ExpertPageSerializer, **_errors(400, 403)},
)
@extend_schema(
    methods=["POST"],
    operation_id="v1_experts_pool_create",
    request=KeeperRegistrationSerializer,
    responses={201: ExpertDetailSerializer, **_errors(400, 403)},
)
@api_view(["GET", "POST"])
def pool(request: Request) -> Response:
    """GET: the experts the user keeps, newest first (all for the operator, the jurisdiction's for a
    regulator). POST: register an expert straight into the pool of a region the user covers."""
    if not policies.is_pool_keeper(request.user):
        raise NotReviewer()
    if request.method == "POST":
        data = _valid(KeeperRegistrationSerializer, request)
        created = services.register_expert_by_keeper(
            actor=request.user,
            preferred_language=getattr(request, "LANGUAGE_CODE", "zh-hans"),
            domain=request.get_host(),
            use_https=request.is_secure(),
            **data,
        )
        return Response(
            ExpertDetailSerializer(selectors.access_profile_page(request.user, created.pk)).data, status=201
        )
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(selectors.pool(request.user, **_filters(request)), request)
    return paginator.get_paginated_response(ExpertSerializer(page, many=True).data)


@extend_schema(responses={200: ExpertDetailSerializer, **_errors(403, 404)})
@api_view(["GET"])
def expert(request: Request, profile_id: int) -> Response:
    """One expert with declarations and unavailable days: their keepers (and the expert)."""
    return Response(ExpertDetailSerializer(selectors.access_profile_page(request.user, profile_id)).data)


def _decided(request: Request, profile: ExpertProfile) -> Response:
    return Response(ExpertDetailSerializer(selectors.access_profile_page(request.user, profile.pk)).data)


@extend_schema(
    request=ExpertCommentRequestSerializer,
    responses={200: ExpertDetailSerializer, **_errors(400, 403, 404, 409)},
)
@api_view(["POST"])
def approve(request: Request, profile_id: int) -> Response:
    data = _valid(ExpertCommentRequestSerializer, request)
    return _decided(request, services.approve_expert(profile_id, actor=request.user, comment=data["comment"]))


@extend_schema(
    request=ExpertReasonRequestSerializer,
    responses={200: ExpertDetailSerializer, **_errors(400, 403, 404, 409)},
)
@api_view(["POST"])
def reject(request: Request, profile_id: int) -> Response:
    data = _valid(ExpertReasonRequestSerializer, request)
    return _decided(request, services.reject_expert(profile_id, actor=request.user, reason=data["reason"]))


@extend_schema(
    request=ExpertReasonRequestSerializer,
    responses={200: ExpertDetailSerializer, **_errors(400, 403, 404, 409)},
)
@api_view(["POST"])
def suspend(request: Request, profile_id: int) -> Response:
    data = _valid(ExpertReasonRequestSerializer, request)
    return _decided(request, services.suspend_expert(profile_id, actor=request.user, reason=data["reason"]))


@extend_schema(
    request=ExpertCommentRequestSerializer,
    responses={200: ExpertDetailSerializer, **_errors(400, 403, 404, 409)},
)
@api_view(["POST"])
def reinstate(request: Request, profile_id: int) -> Response:
    data = _valid(ExpertCommentRequestSerializer, request)
    return _decided(
        request, services.reinstate_expert(profile_id, actor=request.user, comment=data["comment"])
    )
