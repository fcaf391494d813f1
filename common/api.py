from django.http import Http404
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError


class ErrorSerializer(serializers.Serializer):
    """A refused request, as exception_handler answers it: a stable code and a translated message
    (invalid input adds its fields' messages beside them, e.g. {"code": "invalid", "comment": [...]}).
    One class for every app's API: the OpenAPI schema has one "Error" component."""

    code = serializers.CharField()
    detail = serializers.CharField(required=False)


def exception_handler(exc, context):
    """Domain errors become {"code", "detail"} (and "errors" by field when they carry several) with
    their status; everything else as DRF does."""
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": str(exc.message)}
        if getattr(exc, "errors", None):  # several fields at once: {field: [messages]}
            body["errors"] = {field: [str(m) for m in messages] for field, messages in exc.errors.items()}
        return Response(body, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, Http404):
        response.data = {"code": "not_found", "detail": response.data.get("detail")}
    if response is None:
        return None
    if isinstance(response.data, dict) and "code" not in response.data:
        code = getattr(exc, "default_code", None) or "error"
        response.data = {"code": code, **response.data}
    if response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        response.data["code"] = "method_not_allowed"
    return response
