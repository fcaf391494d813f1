"""The procurement API: the purchaser's projects (same permissions as the pages) and the public notices."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from common.exceptions import InvalidInput

from .. import selectors
from ..forms import NoticeFilterForm
from .serializers import NoticeSerializer, ProjectDetailSerializer, ProjectSerializer


@extend_schema(responses=ProjectSerializer(many=True))
@api_view(["GET"])
def projects(request: Request) -> Response:
    """The projects of the purchaser the user acts for, newest first."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(
        selectors.projects_of(request.user).order_by("-created_at", "-pk"), request
    )
    return paginator.get_paginated_response(ProjectSerializer(page, many=True).data)


@extend_schema(responses=ProjectDetailSerializer)
@api_view(["GET"])
def project(request: Request, project_id: int) -> Response:
    """One project with its lots and approval history; another purchaser's is 404."""
    found = selectors.project_detail(selectors.access_project(request.user, project_id))
    return Response(ProjectDetailSerializer(found).data)


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str),
        OpenApiParameter("category", str),
        OpenApiParameter("method", str),
        OpenApiParameter("region", str),
        OpenApiParameter("after", str, description="the cursor of the next page (next in the answer)"),
    ],
    responses=NoticeSerializer(many=True),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def notices(request: Request) -> Response:
    """Published notices, newest first, 50 a page with a keyset cursor (public)."""
    form = NoticeFilterForm(request.query_params)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(f"{field}: {errors[0]}", code="invalid_filter")
    data = form.cleaned_data
    qs = selectors.public_notices(
        kind=data["kind"], category=data["category"], region=data["region"], method=data["method"]
    )
    rows, cursor = selectors.notices_page(qs, after=data["after"])
    return Response(
        {
            "results": NoticeSerializer(rows, many=True).data,
            "next": f"{cursor[0].isoformat()}|{cursor[1]}" if cursor else None,
        }
    )


@extend_schema(responses=NoticeSerializer)
@api_view(["GET"])
@permission_classes([AllowAny])
def notice(request: Request, notice_id: int) -> Response:
    return Response(NoticeSerializer(selectors.access_public_notice(notice_id)).data)
