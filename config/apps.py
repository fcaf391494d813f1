from django.contrib.admin.apps import AdminConfig


class SunlightAdminConfig(AdminConfig):
    default_site = "config.admin.SunlightAdminSite"
