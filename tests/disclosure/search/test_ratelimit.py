"""disclosure.ratelimit: the fixed window per client in the cache, for views and for DRF."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory

from disclosure.ratelimit import PublicThrottle, hit, parse_rate, rate_limited


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("120/minute", (120, 60)), ("10/s", (10, 1)), ("5/hour", (5, 3600)), (" 2 / day ", (2, 86400))],
)
def test_rates_read_like_drf_s(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["", "120", "x/minute", "10/fortnight", "0/minute"])
def test_a_malformed_rate_is_a_configuration_error(rate):
    with pytest.raises(ValueError, match="PUBLIC_RATE_LIMIT"):
        parse_rate(rate)


def test_the_window_counts_per_scope_and_client_and_starts_afresh():
    now = 60 * 16_666 + 20.0  # 20 s into a minute
    decisions = [hit("s", "1.1.1.1", "2/minute", now=now) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[-1].retry_after == 40
    assert hit("s", "2.2.2.2", "2/minute", now=now).allowed  # another client
    assert hit("other", "1.1.1.1", "2/minute", now=now).allowed  # another scope
    assert hit("s", "1.1.1.1", "2/minute", now=now + 60).allowed  # the next window


def test_the_decorator_refuses_with_429_and_does_not_run_the_view(settings):
    settings.PUBLIC_RATE_LIMIT = "1/minute"
    calls = []

    @rate_limited("unit")
    def view(request):
        calls.append(request)
        return HttpResponse("ok")

    request = RequestFactory().get("/", REMOTE_ADDR="9.9.9.9")
    assert view(request).status_code == 200
    refused = view(RequestFactory().get("/", REMOTE_ADDR="9.9.9.9"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert len(calls) == 1


def test_a_forwarded_for_header_does_not_buy_a_fresh_count(settings):
    settings.PUBLIC_RATE_LIMIT = "1/minute"
    view = rate_limited("unit")(lambda request: HttpResponse("ok"))
    assert view(RequestFactory().get("/", REMOTE_ADDR="9.9.9.8")).status_code == 200
    again = RequestFactory().get("/", REMOTE_ADDR="9.9.9.8", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert view(again).status_code == 429


def test_the_drf_throttle_shares_the_setting_and_answers_429_with_retry_after(settings):
    settings.PUBLIC_RATE_LIMIT = "2/minute"

    @api_view(["GET"])
    @permission_classes([AllowAny])
    @throttle_classes([PublicThrottle])
    def endpoint(request):
        from rest_framework.response import Response

        return Response({"ok": True})

    factory = APIRequestFactory()
    statuses = [endpoint(factory.get("/", REMOTE_ADDR="8.8.8.8")).status_code for _ in range(2)]
    refused = endpoint(factory.get("/", REMOTE_ADDR="8.8.8.8"))
    assert statuses == [200, 200]
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert endpoint(factory.get("/", REMOTE_ADDR="8.8.4.4")).status_code == 200
