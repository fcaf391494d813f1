app_name = "audit_api"
urlpatterns = []
