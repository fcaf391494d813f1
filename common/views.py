"""Site-wide pages: /healthz and the bilingual error pages (the home page is disclosure:home)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .exceptions import DomainError
from .health import health_report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without a <link rel=icon> (the admin, the API)."""
    return redirect(static("img/sunlight.svg"), permanent=True)


def render_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The one template path for a domain error: its translated message and its status."""
    return render(
        request, "errors/domain_error.html", {"error": error, "status": error.status}, status=error.status
    )


def _error_page(request, template: str, status: int) -> HttpResponse:
    return render(request, template, {"status": status}, status=status)


def bad_request(request, exception=None):
    return _error_page(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _error_page(request, "404.html", 404)


def server_error(request):
    # No context processors: whatever broke may be among them. The page needs only static files.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (an old tab, a forged post): nothing is changed."""
    return render(request, "403_csrf.html", {"status": 403}, status=403)
