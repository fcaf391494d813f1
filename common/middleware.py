from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin

from .exceptions import DomainError
from .views import render_domain_error


class DomainErrorMiddleware(MiddlewareMixin):
    """A DomainError escaping a page view becomes the translated error page with its status."""

    def process_response(self, request, response):
        """Django's require_POST & co. answer 405 with an empty body: give people a page."""
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            allowed = response.get("Allow")
            response = render(request, "405.html", {"status": 405}, status=405)
            if allowed:
                response["Allow"] = allowed
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return render_domain_error(request, exception)
        return None
