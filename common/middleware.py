from django.utils.deprecation import MiddlewareMixin

from .exceptions import DomainError
from .views import render_domain_error


class DomainErrorMiddleware(MiddlewareMixin):
    """A DomainError escaping a page view becomes the translated error page with its status."""

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return render_domain_error(request, exception)
        return None
