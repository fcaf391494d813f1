"""Pages of bidding.evaluation (included in the bidding namespace by bidding/urls.py)."""

urlpatterns: list = []
