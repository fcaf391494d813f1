"""Pages of bidding.panels (included in the bidding namespace by bidding/urls.py)."""

urlpatterns: list = []
