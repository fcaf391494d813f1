"""The public portal (DESIGN §3): one namespace, `disclosure`, each part in its own module; URL
names carry their part's prefix (search_…, dashboard_…, redflag_…)."""

from django.urls import include, path

app_name = "disclosure"

urlpatterns = [
    path("", include("disclosure.portal.urls")),
    path("search/", include("disclosure.search.urls")),
    path("dashboards/", include("disclosure.dashboards.urls")),
    path("red-flags/", include("disclosure.redflags.urls")),
]
