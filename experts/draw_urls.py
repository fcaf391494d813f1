"""Public pages of the draw record and its replay (included in the experts namespace)."""

urlpatterns: list = []
