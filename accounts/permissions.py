"""Object-level grants (django-guardian) behind one small interface.

Later apps say, for example, ``grant(officer, "procurement.run_project", project)`` and ask
``has_object_permission(officer, "procurement.run_project", project)``; the permission must be
declared in that model's ``Meta.permissions``.
"""

from django.db.models import Model, QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import User


def grant(user: User, permission: str, obj: Model) -> None:
    assign_perm(permission, user, obj)


def revoke(user: User, permission: str, obj: Model) -> None:
    remove_perm(permission, user, obj)


def has_object_permission(user: User, permission: str, obj: Model) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(permission, obj)


def objects_granted(user: User, permission: str, queryset: QuerySet) -> QuerySet:
    """The objects of ``queryset`` on which ``user`` holds ``permission`` directly."""
    return get_objects_for_user(user, permission, klass=queryset, accept_global_perms=False)
