"""API of bidding.panels (included under /api/v1/bidding/ by bidding/api/urls.py)."""

urlpatterns: list = []
