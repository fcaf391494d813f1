from django.urls import include, path

app_name = "experts"

urlpatterns = [
    path("", include("experts.draw_urls")),
]
