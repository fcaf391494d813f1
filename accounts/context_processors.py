from django.utils.functional import SimpleLazyObject

from .navigation import navigation_for
from .selectors import memberships_of, unread_count


def workspace(request):
    """What the base layout needs: the active membership, the switcher, the role's menu, unread count."""
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None)
    if user is None or not user.is_authenticated:
        return {"membership": None, "navigation": navigation_for(None)}
    return {
        "membership": membership,
        "navigation": navigation_for(membership.role if membership else None),
        "other_memberships": SimpleLazyObject(
            lambda: [m for m in memberships_of(user) if membership is None or m.pk != membership.pk]
        ),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
    }
