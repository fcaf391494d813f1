from rest_framework import serializers

from common.api import ErrorSerializer  # noqa: F401 (re-exported for the app's API views)

from ..models import Qualification, SupplierProfile


class QualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "kind", "number", "issued_on", "expires_on", "status", "sha256"]


class SupplierSerializer(serializers.ModelSerializer):
    """A registration in a list: the organisation's names, code and region, and the status."""

    name_zh = serializers.CharField(source="organisation.name_zh")
    name_en = serializers.CharField(source="organisation.name_en")
    uscc = serializers.CharField(source="organisation.uscc")
    region_code = serializers.CharField(source="organisation.region_code")

    class Meta:
        model = SupplierProfile
        fields = [
            "id",
            "name_zh",
            "name_en",
            "uscc",
            "region_code",
            "status",
            "enterprise_size",
            "created_at",
        ]


class SupplierDetailSerializer(SupplierSerializer):
    is_small_or_micro = serializers.BooleanField(read_only=True)
    qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta(SupplierSerializer.Meta):
        fields = [
            *SupplierSerializer.Meta.fields,
            "special_status",
            "is_small_or_micro",
            "legal_representative",
            "registered_capital",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
            "bank_name",
            "bank_account_name",
            "bank_account_number",
            "commitment_letter_sha256",
            "categories",
            "regions",
            "review_comment",
            "reviewed_at",
            "updated_at",
            "qualifications",
        ]


class SupplierPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SupplierSerializer(many=True)


class ReviewRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ReasonRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=4000)
