"""The suppliers API: a representative reads its own registration; the operator and regulators
list the registrations they review, read one, and decide (approve, request changes, reject,
suspend, reinstate), each through one service that checks the policy itself. Session
authentication, as on the pages; domain errors answer {"code", "detail"}."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from common.exceptions import InvalidInput
from common.exceptions import PermissionDenied as DomainPermissionDenied

from .. import policies, selectors, services
from ..exceptions import NotReviewer
from ..models import SupplierProfile
from .serializers import (
    ErrorSerializer,
    ReasonRequestSerializer,
    ReviewRequestSerializer,
    SupplierDetailSerializer,
    SupplierPageSerializer,
    SupplierSerializer,
)


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message.",
        403: "Not logged in, second factor not verified, or the role may not do this.",
        404: "No such registration, or one the user may not see (the same answer).",
        409: "The registration's status does not allow this.",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=described[status]) for status in statuses}


def _detail(profile: SupplierProfile) -> Response:
    return Response(SupplierDetailSerializer(selectors.profile_page(profile.organisation_id)).data)


@extend_schema(responses={200: SupplierDetailSerializer, **_errors(403, 404)})
@api_view(["GET"])
def own(request: Request) -> Response:
    """The registration of the supplier the user represents (404 for other roles)."""
    return Response(SupplierDetailSerializer(selectors.own_profile(request.user)).data)


STATUS = OpenApiParameter(
    "status", str, enum=list(SupplierProfile.Status.values), description="Filter by status."
)
PAGE = OpenApiParameter("page", int, description="The page number (50 a page).")


@extend_schema(
    operation_id="v1_suppliers_registrations_list",
    parameters=[STATUS, PAGE],
    responses={200: SupplierPageSerializer, **_errors(400, 403)},
)
@api_view(["GET"])
def registrations(request: Request) -> Response:
    """The registrations the user reviews, newest first: all for the operator, the region's for a
    regulator."""
    if not policies.is_reviewer(request.user):
        raise DomainPermissionDenied(NotReviewer.default_message, code="not_reviewer")
    status = request.query_params.get("status", "")
    if status and status not in SupplierProfile.Status.values:
        raise InvalidInput(code="invalid_status")
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(selectors.reviewable_profiles(request.user, status=status), request)
    return paginator.get_paginated_response(SupplierSerializer(page, many=True).data)


@extend_schema(responses={200: SupplierDetailSerializer, **_errors(403, 404)})
@api_view(["GET"])
def registration(request: Request, profile_id: int) -> Response:
    """One registration with its qualifications: its reviewers and its own representatives."""
    return Response(SupplierDetailSerializer(selectors.access_profile_page(request.user, profile_id)).data)


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(
    request=ReviewRequestSerializer, responses={200: SupplierDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def approve(request: Request, profile_id: int) -> Response:
    data = _valid(ReviewRequestSerializer, request)
    return _detail(services.approve_supplier(profile_id, actor=request.user, comment=data["comment"]))


@extend_schema(
    request=ReasonRequestSerializer, responses={200: SupplierDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def request_changes(request: Request, profile_id: int) -> Response:
    data = _valid(ReasonRequestSerializer, request)
    return _detail(services.request_changes(profile_id, actor=request.user, comment=data["comment"]))


@extend_schema(
    request=ReasonRequestSerializer, responses={200: SupplierDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def reject(request: Request, profile_id: int) -> Response:
    data = _valid(ReasonRequestSerializer, request)
    return _detail(services.reject_supplier(profile_id, actor=request.user, comment=data["comment"]))


@extend_schema(
    request=ReasonRequestSerializer, responses={200: SupplierDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def suspend(request: Request, profile_id: int) -> Response:
    data = _valid(ReasonRequestSerializer, request)
    return _detail(services.suspend_supplier(profile_id, actor=request.user, reason=data["comment"]))


@extend_schema(
    request=ReviewRequestSerializer, responses={200: SupplierDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def reinstate(request: Request, profile_id: int) -> Response:
    data = _valid(ReviewRequestSerializer, request)
    return _detail(services.reinstate_supplier(profile_id, actor=request.user, comment=data["comment"]))
