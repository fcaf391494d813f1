"""The rendered content of the portal's busiest pages, kept in the cache (Redis, shared by every
web process): what is the same for every reader of a language (the page's main content and what
search engines read) is rendered once; the page around it (CSRF token, CSP nonce, who is logged
in) is rendered for each request, as procurement's notice list does.

An entry is used while the notices version (procurement.selectors: bumped on commit of every
published notice) is the one it was made under, and until its expiry: at most MAX_SECONDS after it
was made, and never past the next scheduled notice its page names. The version and the entry are
read in one round trip. `fetch_checked` serves pages that depend on few notices (a project's):
after a version change, one cheap check tells whether the entry still holds.

For a reader without a session (anonymous, no pending messages: the public), the whole page is
kept with the entry, its CSRF token and CSP nonce as marks that each response replaces with its
own (`respond`): such a reader's request renders no template at all.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from procurement import selectors as procurement_selectors

MAX_SECONDS = 60


def key(*parts) -> str:
    """A cache key for the parts and the reader's language and time zone."""
    parts = (*parts, translation.get_language(), timezone.get_current_timezone_name())
    return "disclosure:portal:page:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _read(cache_key: str):
    """(the notices version now, the stored entry or None), in one round trip to the cache."""
    values = cache.get_many([procurement_selectors.NOTICES_VERSION_KEY, cache_key])
    version = values.get(procurement_selectors.NOTICES_VERSION_KEY)
    if version is None:
        version = procurement_selectors.notices_version()
    return version, values.get(cache_key)


@dataclass
class Cached:
    """A cache entry as read or made: what the page renders, and how to keep the whole page with it."""

    key: str
    version: object
    expires: float
    mark: object
    entry: dict
    stored: bool

    def keep_page(self, page: str) -> None:
        if not self.stored:
            return
        remaining = int(self.expires - timezone.now().timestamp())
        if remaining > 0:
            self.entry["page"] = page
            cache.set(self.key, (self.version, self.expires, self.mark, self.entry), timeout=remaining + 1)


def _store(cache_key: str, version, mark, entry: dict, stale_at, now: float) -> Cached:
    expires = now + MAX_SECONDS
    if stale_at is not None:
        expires = min(expires, stale_at.timestamp())
    stored = entry.get("status", 200) == 200 and expires > now  # an answer to bad input is not kept
    if stored:
        cache.set(cache_key, (version, expires, mark, entry), timeout=MAX_SECONDS)
    return Cached(cache_key, version, expires, mark, entry, stored)


def fetch(cache_key: str, build: Callable[[], tuple[dict, object]]) -> Cached:
    """The stored entry if still valid, else build() -> (entry, stale_at: a datetime or None),
    stored unless entry["status"] says it answers bad input."""
    now = timezone.now().timestamp()
    version, found = _read(cache_key)
    if found is not None and found[0] == version and now < found[1]:
        return Cached(cache_key, *found, stored=True)
    entry, stale_at = build()
    return _store(cache_key, version, None, entry, stale_at, now)


def fetch_checked(
    cache_key: str, check: Callable[[], tuple[object, object]], build: Callable[[], dict]
) -> Cached:
    """Like fetch, for a page that depends on few rows (a project's): an entry made under another
    version is still used when check() -> (mark, stale_at) gives the mark it was made with (the
    entry then takes the new version, so that the next readers skip the check). check() runs at
    most once, always before build(), and may raise (404: the page is not public)."""
    now = timezone.now().timestamp()
    version, found = _read(cache_key)
    if found is not None and now < found[1]:
        found_version, expires, mark, entry = found
        if found_version == version:
            return Cached(cache_key, version, expires, mark, entry, stored=True)
        current, stale_at = check()
        if current == mark:
            cache.set(cache_key, (version, expires, mark, entry), timeout=max(1, int(expires - now) + 1))
            return Cached(cache_key, version, expires, mark, entry, stored=True)
    else:
        current, stale_at = check()
    entry = build()
    return _store(cache_key, version, current, entry, stale_at, now)


# Stand-ins for the request's own CSRF token and CSP nonce in a kept page (letters only: nothing
# escapes them, and no page text contains them).
CSRF_MARK = "sunlightCsrfTokenMarkQz"
NONCE_MARK = "sunlightCspNonceMarkQz"


def shareable(request) -> bool:
    """May this reader get the page kept for the public? Not with a session (a logged-in user, or
    messages waiting in it) nor with messages waiting in a cookie."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def respond(request, cached: Cached, template: str, context: dict) -> HttpResponse:
    """The page: for the public, the kept page with this request's token and nonce (kept on first
    use); for anyone else, or an answer to bad input, rendered."""
    status = cached.entry.get("status", 200)
    if status != 200 or not shareable(request):
        return render(request, template, context, status=status)
    page = cached.entry.get("page")
    if page is None:
        page = render_to_string(
            template, {**context, "csrf_token": CSRF_MARK, "csp_nonce": NONCE_MARK}, request
        )
        cached.keep_page(page)
    html = page.replace(CSRF_MARK, get_token(request)).replace(NONCE_MARK, str(request._csp_nonce))
    return HttpResponse(html, status=status)
