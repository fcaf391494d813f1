from django.contrib.auth.backends import ModelBackend

from .models import User


class MembershipAwareModelBackend(ModelBackend):
    """ModelBackend whose per-request user fetch also brings the active membership and organisation."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("active_membership__organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
