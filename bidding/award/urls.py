"""Pages of bidding.award (included in the bidding namespace by bidding/urls.py)."""

urlpatterns: list = []
