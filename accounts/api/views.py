from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from .serializers import MembershipSerializer, MeSerializer, OrganisationSerializer


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The logged-in user, the membership they act in and their other memberships."""
    memberships = list(selectors.memberships_of(request.user))
    return Response(MeSerializer(request.user, context={"memberships": memberships}).data)


@extend_schema(request=None, responses=MembershipSerializer)
@api_view(["POST"])
def switch_membership(request: Request, membership_id: int) -> Response:
    """Act in another of one's own memberships; another user's or an unknown id is 404."""
    membership = services.switch_membership(membership_id, actor=request.user, request=request)
    return Response(MembershipSerializer(membership).data)


@extend_schema(responses=OrganisationSerializer)
@api_view(["GET"])
def organisation(request: Request, organisation_id: int) -> Response:
    """An organisation's registered details: for its members, regulators and operators; else 404."""
    return Response(OrganisationSerializer(selectors.access_organisation(request.user, organisation_id)).data)
