"""Rate limits for the public endpoints (search, feeds, exports, the OCDS API): a fixed window per
client IP address kept in the Django cache (Redis), so every web process shares the count.

The rate is the setting PUBLIC_RATE_LIMIT, "<requests>/<period>" where the period is second,
minute, hour or day (only its first letter counts, as in Django REST framework: "120/minute",
"10/s"). It is read at each request, never at import time.

Two entry points, one counter per (scope, client IP, window):

- ``@rate_limited("search")`` on a function view: over the limit, a translated 429 page with a
  ``Retry-After`` header; the view does not run.
- ``PublicThrottle`` for DRF views (``throttle_classes = [PublicThrottle]``): DRF answers 429 with
  its translated message and ``Retry-After``. Its scope is ``"public"``; subclass it and set
  ``scope`` for a bucket of your own.

The client is ``REMOTE_ADDR``: behind a reverse proxy, the proxy must set it (e.g. gunicorn's
``--forwarded-allow-ips`` with a middleware that trusts only that proxy); a client-sent
``X-Forwarded-For`` is never believed, or anyone could pick a fresh bucket per request.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.throttling import SimpleRateThrottle

from common.exceptions import DomainError

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_RATE = "120/minute"


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests from your address. Please wait a moment and try again.")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/minute' -> (120, 60). A malformed rate is a configuration error, said plainly."""
    try:
        number, period = rate.strip().split("/")
        limit = int(number)
        seconds = PERIODS[period.strip().lower()[0]]
    except (ValueError, KeyError, IndexError) as exc:
        raise ValueError(f"PUBLIC_RATE_LIMIT must look like '120/minute', not {rate!r}") from exc
    if limit < 1:
        raise ValueError(f"PUBLIC_RATE_LIMIT must allow at least one request, not {rate!r}")
    return limit, seconds


def public_rate() -> str:
    return getattr(settings, "PUBLIC_RATE_LIMIT", DEFAULT_RATE)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, ident: str, rate: str | None = None, *, now: float | None = None) -> Decision:
    """Count one request of `ident` in `scope`'s current window and say whether it may pass."""
    limit, period = parse_rate(rate or public_rate())
    now = time.time() if now is None else now
    window = int(now // period)
    retry_after = max(1, int((window + 1) * period - now + 0.999))
    key = f"ratelimit:{scope}:{ident}:{period}:{window}"
    # add() is a no-op when the key exists; the extra second covers clock skew between processes.
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return Decision(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


def too_many_requests(request, decision: Decision):
    """The translated 429 page (the site's one template path for domain errors) with Retry-After."""
    from common.views import render_domain_error

    message = ngettext(
        "Too many requests from your address. Please wait %(seconds)d second and try again.",
        "Too many requests from your address. Please wait %(seconds)d seconds and try again.",
        decision.retry_after,
    ) % {"seconds": decision.retry_after}
    response = render_domain_error(request, RateLimited(message))
    response["Retry-After"] = str(decision.retry_after)
    return response


def rate_limited(scope: str, *, rate: str | None = None):
    """Limit a function view to PUBLIC_RATE_LIMIT (or `rate`) requests per client IP and window."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            decision = hit(scope, client_ip(request), rate)
            if not decision.allowed:
                return too_many_requests(request, decision)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class PublicThrottle(SimpleRateThrottle):
    """DRF throttle with the same fixed window and setting as @rate_limited, keyed by REMOTE_ADDR."""

    scope = "public"

    def get_rate(self) -> str:
        return public_rate()

    def parse_rate(self, rate):
        return parse_rate(rate) if rate else (None, None)

    def get_cache_key(self, request, view) -> str:
        return f"ratelimit:{self.scope}:{client_ip(request)}"

    def allow_request(self, request, view) -> bool:
        # The rate is read per request (tests and deployments change the setting at run time).
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        decision = hit(self.scope, client_ip(request), self.rate)
        self._retry_after = decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return getattr(self, "_retry_after", None)
