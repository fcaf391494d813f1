"""Pages of bidding.negotiation (included in the bidding namespace by bidding/urls.py)."""

urlpatterns: list = []
