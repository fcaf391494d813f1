"""The OCDS 1.1.5 API: releases, records and packages, and the daily bulk files."""

app_name = "ocds"
urlpatterns: list = []
