"""API of bidding.evaluation (included under /api/v1/bidding/ by bidding/api/urls.py)."""

urlpatterns: list = []
