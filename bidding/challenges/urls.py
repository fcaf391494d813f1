"""Pages of bidding.challenges (included in the bidding namespace by bidding/urls.py)."""

urlpatterns: list = []
