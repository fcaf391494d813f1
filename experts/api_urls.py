"""The expert pool's API (included under /api/v1/experts/)."""

urlpatterns: list = []
