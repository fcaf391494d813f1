from rest_framework import serializers

from ..models import Membership, Organisation, User


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "name_zh", "name_en", "uscc", "region_code"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "role", "organisation", "approval_limit"]


class MeSerializer(serializers.ModelSerializer):
    active_membership = MembershipSerializer(read_only=True)
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "preferred_language",
            "active_membership",
            "memberships",
        ]

    def get_memberships(self, user) -> list[dict]:
        return MembershipSerializer(self.context["memberships"], many=True).data
