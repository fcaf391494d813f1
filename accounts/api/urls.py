app_name = "accounts_api"
urlpatterns = []
