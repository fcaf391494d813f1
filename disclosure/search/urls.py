"""The search pages of the public portal (no login unless said)."""

urlpatterns: list = []
