from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from common import views as common_views

urlpatterns = [
    path("healthz", common_views.healthz, name="healthz"),
    path("favicon.ico", common_views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("credit/", include("credit.urls")),
    path("procurement/", include("procurement.urls")),
    path("bidding/", include("bidding.urls")),
    path("notices/", include("procurement.notice_urls")),
    path("suppliers/", include("suppliers.urls")),
    path("experts/", include("experts.urls")),
    path("contracts/", include("contracts.urls")),
    # The public portal, home page included (disclosure:home at /).
    path("", include("disclosure.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("config.api_urls")),
    path("api/ocds/", include("disclosure.ocds.urls")),
]

handler400 = "common.views.bad_request"
handler403 = "common.views.permission_denied"
handler404 = "common.views.page_not_found"
handler500 = "common.views.server_error"

if settings.DEBUG:  # pragma: no cover - development only
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
