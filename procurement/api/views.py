"""The procurement API: projects, lots, approvals and public notices, with the pages' permissions.

Requests authenticate with the browser's session (REST_FRAMEWORK: SessionAuthentication only, CSRF
checked on writes), so accounts.middleware.SecondFactorRequiredMiddleware applies as on the pages:
an approver, agency officer or regulator who has not verified the second factor gets 403
`second_factor_required` on every /api/ path before any view runs.

Each write validates its input with a serializer, calls exactly one service (which checks the
policy itself and answers 404 for a project the user may not see) and returns the updated object.
Domain errors reach the client through common.api.exception_handler as {"code", "detail"}.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from common.exceptions import InvalidInput, PermissionDenied

from .. import policies, selectors, services
from ..forms import NoticeFilterForm
from ..models import Project
from .serializers import (
    ApprovalsSerializer,
    ApproveRequestSerializer,
    CancelRequestSerializer,
    DecideRequestSerializer,
    EntrustRequestSerializer,
    ErrorSerializer,
    LotSerializer,
    MethodChangeRequestSerializer,
    NoticePageSerializer,
    NoticeSerializer,
    ProjectDetailSerializer,
    ProjectPageSerializer,
    ProjectSerializer,
    PublishRequestSerializer,
    RegulatorApprovalSerializer,
    RegulatorRequestPageSerializer,
    RegulatorRequestSerializer,
    ReturnRequestSerializer,
)


def _errors(*statuses: int) -> dict:
    described = {
        400: "Invalid input: field messages, or a domain rule's code and translated message.",
        403: "Not logged in, second factor not verified, or the role may not do this (code says which).",
        404: "No such object, or one the user may not see (the same answer).",
        409: "The object's state does not allow this.",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=described[status]) for status in statuses}


PAGE = OpenApiParameter("page", int, description="The page number (50 a page).")


def _paginated(request: Request, queryset, serializer_class) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _project(project: Project) -> Response:
    return Response(ProjectDetailSerializer(selectors.project_with_history(project)).data)


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Projects --------------------------------------------------------------------------------------


@extend_schema(
    operation_id="v1_procurement_projects_list",
    parameters=[PAGE],
    responses={200: ProjectPageSerializer, **_errors(403)},
)
@api_view(["GET"])
def projects(request: Request) -> Response:
    """The purchaser's projects (its clerks and approvers) or those entrusted to the agency officer,
    newest first; other roles get an empty list, as on the project list page."""
    return _paginated(
        request, selectors.listed_projects(request.user).order_by("-created_at", "-pk"), ProjectSerializer
    )


@extend_schema(responses={200: ProjectDetailSerializer, **_errors(403, 404)})
@api_view(["GET"])
def project(request: Request, project_id: int) -> Response:
    """One project with its lots, approvals, entrustment and document versions; one the user may
    not see is 404 like a missing one."""
    return _project(selectors.access_project(request.user, project_id))


@extend_schema(responses={200: LotSerializer(many=True), **_errors(403, 404)})
@api_view(["GET"])
def lots(request: Request, project_id: int) -> Response:
    """The project's lots in order, with their status and bid bond."""
    found = selectors.access_project(request.user, project_id)
    return Response(LotSerializer(selectors.lots_of(found), many=True).data)


@extend_schema(responses={200: ApprovalsSerializer, **_errors(403, 404)})
@api_view(["GET"])
def approvals(request: Request, project_id: int) -> Response:
    """The purchaser's approval decisions (every submission) and the regulator's approvals."""
    found = selectors.access_project(request.user, project_id)
    history = {
        "decisions": selectors.approval_decisions_of(found),
        "regulator_approvals": selectors.regulator_approvals_of_project(found),
    }
    return Response(ApprovalsSerializer(history).data)


@extend_schema(request=None, responses={200: ProjectDetailSerializer, **_errors(403, 404, 409)})
@api_view(["POST"])
def submit(request: Request, project_id: int) -> Response:
    """A clerk of the purchaser sends the draft for approval."""
    return _project(services.submit_project(project_id, actor=request.user))


@extend_schema(
    request=ApproveRequestSerializer, responses={200: ProjectDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def approve(request: Request, project_id: int) -> Response:
    """An approver approves the next level. Never the project's drafter (403 own_project_approval);
    the approver must have verified the second factor, as on the page."""
    data = _valid(ApproveRequestSerializer, request)
    return _project(services.approve_project(project_id, actor=request.user, comment=data["comment"]))


@extend_schema(
    request=ReturnRequestSerializer, responses={200: ProjectDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def return_(request: Request, project_id: int) -> Response:
    """An approver returns the project to draft, saying why."""
    data = _valid(ReturnRequestSerializer, request)
    return _project(services.return_project(project_id, actor=request.user, comment=data["comment"]))


@extend_schema(
    request=EntrustRequestSerializer, responses={200: ProjectDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def entrust(request: Request, project_id: int) -> Response:
    """A clerk entrusts the approved project to an agency (or the purchaser's own office)."""
    data = _valid(EntrustRequestSerializer, request)
    entrustment = services.entrust_project(
        project_id, actor=request.user, agency_id=data["agency_id"], scope=data["scope"], fee=data["fee"]
    )
    return _project(entrustment.project)


@extend_schema(
    request=PublishRequestSerializer, responses={200: ProjectDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def publish(request: Request, project_id: int) -> Response:
    """The agency officer publishes the tender notice with the frozen documents (now, or at
    publish_at); the rules on dates, criteria and bonds are the service's (400 tender_document_invalid,
    409 tender_too_early naming the first lawful day)."""
    data = _valid(PublishRequestSerializer, request)
    notice = services.publish_tender(project_id, actor=request.user, publish_at=data["publish_at"])
    return _project(notice.project)


@extend_schema(
    request=CancelRequestSerializer, responses={200: ProjectDetailSerializer, **_errors(400, 403, 404, 409)}
)
@api_view(["POST"])
def cancel(request: Request, project_id: int) -> Response:
    """Cancel the project with a reason (the clerk; the agency officer once entrusted)."""
    data = _valid(CancelRequestSerializer, request)
    return _project(services.cancel_project(project_id, actor=request.user, reason=data["reason"]))


# --- Failed lots -------------------------------------------------------------------------------------


@extend_schema(request=None, responses={201: LotSerializer, **_errors(403, 404, 409)})
@api_view(["POST"])
def retender(request: Request, lot_id: int) -> Response:
    """The agency officer re-tenders a failed lot: the new lot (preparing) is returned, with a new
    draft of the documents to edit and publish (409 lot_not_failed, already_retendered,
    round_in_progress, method_change_pending)."""
    return Response(LotSerializer(services.retender_lot(lot_id, actor=request.user)).data, status=201)


@extend_schema(
    request=MethodChangeRequestSerializer,
    responses={201: RegulatorApprovalSerializer, **_errors(400, 403, 404, 409)},
)
@api_view(["POST"])
def method_change(request: Request, lot_id: int) -> Response:
    """The purchaser's clerk or the agency officer asks the regulator to procure a failed lot by
    another method, with a written justification."""
    data = _valid(MethodChangeRequestSerializer, request)
    approval = services.request_method_change(
        lot_id, actor=request.user, method=data["method"], justification=data["justification"]
    )
    return Response(RegulatorApprovalSerializer(approval).data, status=201)


@extend_schema(request=None, responses={200: ProjectDetailSerializer, **_errors(400, 403, 404, 409)})
@api_view(["POST"])
def publish_retender(request: Request, project_id: int) -> Response:
    """The agency officer publishes the documents of the lots procured again: they open for bids
    with the new deadline (400 tender_document_invalid naming the earliest lawful dates)."""
    return _project(services.publish_retender(project_id, actor=request.user).project)


# --- The regulator's approvals ---------------------------------------------------------------------


@extend_schema(
    operation_id="v1_procurement_regulator_approvals_list",
    parameters=[PAGE],
    responses={200: RegulatorRequestPageSerializer, **_errors(403)},
)
@api_view(["GET"])
def regulator_approvals(request: Request) -> Response:
    """The requests of the regulator's jurisdiction, awaiting first; other roles are refused (403
    not_regulator), as on the page."""
    if not policies.is_regulator(request.user):
        raise PermissionDenied(_("Only a regulator decides on requests for approval."), code="not_regulator")
    return _paginated(request, selectors.regulator_approvals_of(request.user), RegulatorRequestSerializer)


@extend_schema(
    request=DecideRequestSerializer,
    responses={200: RegulatorRequestSerializer, **_errors(400, 403, 404, 409)},
)
@api_view(["POST"])
def decide(request: Request, approval_id: int) -> Response:
    """A regulator of the purchaser's region approves or refuses (refusing needs a comment)."""
    data = _valid(DecideRequestSerializer, request)
    decided = services.decide_regulator_approval(
        approval_id, actor=request.user, approve=data["approve"], comment=data["comment"]
    )
    return Response(RegulatorRequestSerializer(decided).data)


# --- Public notices --------------------------------------------------------------------------------


@extend_schema(
    operation_id="v1_procurement_notices_list",
    parameters=[
        OpenApiParameter("kind", str),
        OpenApiParameter("category", str),
        OpenApiParameter("method", str),
        OpenApiParameter("region", str),
        OpenApiParameter("after", str, description="the cursor of the next page (next in the answer)"),
    ],
    responses={200: NoticePageSerializer, **_errors(400)},
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
    ).select_related("document")
    rows, cursor = selectors.notices_page(qs, after=data["after"])
    return Response(
        {
            "results": NoticeSerializer(rows, many=True).data,
            "next": f"{cursor[0].isoformat()}|{cursor[1]}" if cursor else None,
        }
    )


@extend_schema(responses={200: NoticeSerializer, **_errors(404)})
@api_view(["GET"])
@permission_classes([AllowAny])
def notice(request: Request, notice_id: int) -> Response:
    """One published notice with its documents' download page (public)."""
    return Response(NoticeSerializer(selectors.public_notice(notice_id)).data)
