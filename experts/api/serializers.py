"""Serializers of the expert pool's API: edge validation only, experts.services checks again."""

from rest_framework import serializers

from common.api import ErrorSerializer  # noqa: F401 (re-exported for the app's API views)

from ..models import Declaration, ExpertProfile, Unavailability


class DeclarationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Declaration
        fields = [
            "id",
            "kind",
            "organisation_name",
            "organisation_uscc",
            "relative_name",
            "relationship",
            "started_on",
            "ended_on",
        ]


class UnavailabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Unavailability
        fields = ["id", "starts_on", "ends_on", "reason"]


class ExpertSerializer(serializers.ModelSerializer):
    """An expert in the pool list."""

    declaration_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ExpertProfile
        fields = [
            "id",
            "name_zh",
            "name_en",
            "status",
            "professional_title",
            "years_of_experience",
            "employer_name",
            "region_code",
            "specialties",
            "declaration_count",
            "declared_at",
            "created_at",
        ]


class ExpertDetailSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    declarations = DeclarationSerializer(many=True, read_only=True)
    unavailable_days = UnavailabilitySerializer(many=True, read_only=True)

    class Meta:
        model = ExpertProfile
        fields = [
            "id",
            "username",
            "name_zh",
            "name_en",
            "status",
            "status_reason",
            "professional_title",
            "years_of_experience",
            "employer_name",
            "employer_uscc",
            "region_code",
            "specialties",
            "phone",
            "declared_at",
            "reviewed_at",
            "created_at",
            "updated_at",
            "declarations",
            "unavailable_days",
        ]


class ExpertPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ExpertSerializer(many=True)


class ProfileChangeSerializer(serializers.Serializer):
    """The fields the expert may change (any of them); the service validates codes and regions."""

    name_zh = serializers.CharField(max_length=100, required=False)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True)
    professional_title = serializers.CharField(max_length=100, required=False)
    # No min_value: the service answers a negative number with its own message.
    years_of_experience = serializers.IntegerField(required=False)
    employer_name = serializers.CharField(max_length=200, required=False)
    employer_uscc = serializers.CharField(max_length=30, required=False)
    region_code = serializers.CharField(max_length=6, required=False)
    specialties = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class KeeperRegistrationSerializer(ProfileChangeSerializer):
    """A regulator registers an expert: every profile field the expert would give, and the account."""

    name_zh = serializers.CharField(max_length=100)
    professional_title = serializers.CharField(max_length=100)
    years_of_experience = serializers.IntegerField()
    employer_name = serializers.CharField(max_length=200)
    employer_uscc = serializers.CharField(max_length=30)
    region_code = serializers.CharField(max_length=6)
    specialties = serializers.ListField(child=serializers.CharField(max_length=20))
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class DeclarationRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Declaration.Kind.choices)
    organisation_name = serializers.CharField(max_length=200)
    organisation_uscc = serializers.CharField(max_length=30)
    relative_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    relationship = serializers.CharField(max_length=50, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)


class DeclarationChangeSerializer(DeclarationRequestSerializer):
    kind = serializers.ChoiceField(choices=Declaration.Kind.choices, required=False)
    organisation_name = serializers.CharField(max_length=200, required=False)
    organisation_uscc = serializers.CharField(max_length=30, required=False)


class UnavailabilityRequestSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ExpertCommentRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ExpertReasonRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)
