"""Operators manage organisations and users here. Saves go through the audited services."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.admin import ReadOnlyAdmin

from . import services
from .forms import OrganisationAdminForm
from .models import Membership, Notification, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name_zh", "name_en", "kind", "uscc", "region_code", "is_active")
    list_filter = ("kind", "region_code", "is_active")
    search_fields = ("name_zh", "name_en", "uscc")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.cleaned_data}
        if change:
            saved = services.update_organisation(obj, actor=request.user, **fields)
        else:
            saved = services.create_organisation(actor=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # Organisations are deactivated, never deleted: bids, contracts and audit events point at them.
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organisation", "role", "approval_limit", "is_active")
    autocomplete_fields = ("organisation",)


class UserCreationAdminForm(forms.ModelForm):
    """New users get no password here: the platform e-mails them a link to choose one."""

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "name_en", "preferred_language"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "email", "first_name", "name_en", "is_active", "is_staff")
    list_select_related = ("active_membership__organisation",)
    search_fields = ("username", "email", "first_name", "name_en")
    list_filter = ("is_active", "is_staff", "preferred_language")
    # Roles are memberships, not Django groups; passwords are chosen by their owners only.
    fieldsets = (
        (None, {"fields": ("username", "email", "first_name", "name_en", "preferred_language")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    add_form = UserCreationAdminForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": UserCreationAdminForm.Meta.fields}),)
    actions = ["send_password_reset", "unlock_login", "reset_second_factor"]

    def save_model(self, request, obj, form, change):
        services.save_user(obj, actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied  # operators never set passwords: use "send a password-reset e-mail"

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in memberships:
            services.save_membership(membership, actor=request.user)
        for membership in formset.deleted_objects:
            # A role is withdrawn by deactivation, so its history stays readable.
            membership.is_active = False
            services.save_membership(membership, actor=request.user)
        formset.save_m2m()

    @admin.action(description=_("Send a password-reset e-mail"))
    def send_password_reset(self, request, queryset):
        for user in queryset:
            services.send_password_reset(
                user, actor=request.user, domain=request.get_host(), use_https=request.is_secure()
            )
        self.message_user(request, _("Password-reset e-mails are on their way."))

    @admin.action(description=_("Lift the login lockout"))
    def unlock_login(self, request, queryset):
        for user in queryset:
            services.unlock_login(user, actor=request.user)

    @admin.action(description=_("Reset the second factor (they set up a new authenticator)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            services.reset_second_factor(user, actor=request.user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "approval_limit", "is_active")
    list_filter = ("role", "is_active", "organisation__kind")
    search_fields = ("user__username", "organisation__name_zh", "organisation__name_en")
    list_select_related = ("user", "organisation")
    actions = ["make_organisation_manager", "withdraw_organisation_manager"]

    def has_add_permission(self, request):
        return False  # roles are granted on the user's page, through the audited service

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Let them manage their organisation's details"))
    def make_organisation_manager(self, request, queryset):
        for membership in queryset:
            services.set_organisation_manager(membership, manager=True, actor=request.user)

    @admin.action(description=_("Withdraw the management of their organisation's details"))
    def withdraw_organisation_manager(self, request, queryset):
        for membership in queryset:
            services.set_organisation_manager(membership, manager=False, actor=request.user)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject_zh", "subject_en", "recipient", "created_at", "read_at", "emailed_at")
    list_select_related = ("recipient",)
    readonly_fields = (
        "recipient",
        "subject_zh",
        "subject_en",
        "body_zh",
        "body_en",
        "link",
        "read_at",
        "emailed_at",
    )

    def has_add_permission(self, request):
        return False


# Authenticator secrets are nobody's business, not even an operator's: devices are reset through
# the audited action above, never read or edited.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


# Login attempts stay visible to operators; lockouts are lifted by the audited action only.
for _model in (AccessAttempt, AccessFailureLog, AccessLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, ReadOnlyAdmin)
