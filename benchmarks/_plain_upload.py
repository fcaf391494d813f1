"""The bid_upload benchmark's baseline: a view that only writes a streamed request body to the
storage API, in 1 MiB chunks, behind the same middleware and login as the sealed upload; and the
URLconf that serves it beside every URL of the platform (config.urls). Used only by the benchmark's
own server (benchmarks/_settings.py); config/urls.py never routes to it."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_http_methods

from config import urls as platform_urls

CHUNK_BYTES = 1024 * 1024
PREFIX = "bench/plain-upload"


class _Body:
    """The request body as the storage API's content: read and handed on 1 MiB at a time."""

    def __init__(self, request: HttpRequest, name: str):
        self.request = request
        self.name = name

    def chunks(self, chunk_size: int | None = None):
        while chunk := self.request.read(CHUNK_BYTES):
            yield chunk


@login_required
@require_http_methods(["PUT"])
def plain_upload(request: HttpRequest, key) -> JsonResponse:
    name = default_storage.save(f"{PREFIX}/{key}.bin", _Body(request, f"{key}.bin"))
    return JsonResponse({"name": name, "size": default_storage.size(name)})


urlpatterns = [
    path("bench/plain-upload/<uuid:key>/", plain_upload, name="bench_plain_upload"),
    *platform_urls.urlpatterns,
]
handler400 = platform_urls.handler400
handler403 = platform_urls.handler403
handler404 = platform_urls.handler404
handler500 = platform_urls.handler500
