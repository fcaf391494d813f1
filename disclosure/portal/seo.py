"""What search engines read on a public page: its description, its canonical address, the same
page in the other language (hreflang alternates) and structured data (JSON-LD).

The site chooses the language by cookie or Accept-Language, so one address serves both: a
crawler is given each language at its own address with `?lang=zh-hans` or `?lang=en`
(`with_language_parameter`), and the canonical address carries no `lang` at all. Pages use
`disclosure/base.html`, which writes the head from the `seo` context entry built by `page_seo`.
"""

import functools
import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

LANGUAGE_PARAMETER = "lang"
# hreflang values (BCP 47) of the site's language codes.
HREFLANG = {"zh-hans": "zh-Hans", "en": "en"}
# Open Graph locales.
OG_LOCALE = {"zh-hans": "zh_CN", "en": "en_US"}

# Inside <script>, "</script>" or "<!--" would end or confuse the element: the three characters are
# written as JSON escapes (what django.utils.html.json_script does for its own element).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def requested_language(request) -> str | None:
    """The language named by ?lang=, if it is one of the site's (anything else is ignored)."""
    value = request.GET.get(LANGUAGE_PARAMETER, "")
    return value if value in dict(settings.LANGUAGES) else None


def with_language_parameter(view):
    """Render the page in the language named by ?lang= (for crawlers following hreflang links);
    without it, in the visitor's language as everywhere else."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = requested_language(request)
        if language is None:
            return view(request, *args, **kwargs)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return wrapper


def _query(request, keep=None) -> str:
    """The request's query without ?lang= (and only the `keep` parameters, when given)."""
    params = [
        (key, values)
        for key, values in request.GET.lists()
        if key != LANGUAGE_PARAMETER and (keep is None or key in keep)
    ]
    return urlencode([(key, item) for key, values in sorted(params) for item in values])


def language_next(request, keep=None) -> str:
    """Where the language switch returns: this page, without ?lang= (it would override the choice),
    and only the `keep` parameters of its query when given."""
    query = _query(request, keep)
    return request.path + (f"?{query}" if query else "")


def jsonld(data: dict) -> SafeString:
    """JSON-LD text safe inside <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - the characters that matter are escaped


def page_seo(
    request, *, title: str, description: str, structured: dict | None = None, keep: tuple = ()
) -> dict:
    """The `seo` context entry: description, canonical address (the path and only the `keep`
    parameters of the query), one alternate per language plus x-default, Open Graph fields and
    the JSON-LD text."""
    query = _query(request, keep)
    canonical = request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
    separator = "&" if query else "?"
    alternates = [
        (HREFLANG[code], f"{canonical}{separator}{LANGUAGE_PARAMETER}={code}")
        for code, _name in settings.LANGUAGES
    ]
    alternates.append(("x-default", canonical))
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "title": title,
        "description": " ".join(description.split())[:300],
        "canonical": canonical,
        "alternates": alternates,
        "og_locale": OG_LOCALE.get(language, "zh_CN"),
        "jsonld": jsonld(structured) if structured else "",
    }


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)
