from rest_framework import serializers

from ..models import BlacklistEntry, CreditAppeal, CreditEvent, CreditRecord


class CreditRecordSerializer(serializers.ModelSerializer):
    """A party's public credit summary."""

    name = serializers.CharField(read_only=True)
    uscc = serializers.CharField(read_only=True)
    grade = serializers.CharField(read_only=True)

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "kind",
            "name",
            "uscc",
            "region_code",
            "score",
            "stars",
            "grade",
            "is_red_listed",
            "scored_at",
        ]


class BlacklistEntrySerializer(serializers.ModelSerializer):
    record = CreditRecordSerializer(read_only=True)
    rule = serializers.CharField(source="event.rule.code", read_only=True)
    rule_name = serializers.CharField(source="event.rule.name", read_only=True)
    legal_basis = serializers.CharField(read_only=True)

    class Meta:
        model = BlacklistEntry
        fields = ["id", "record", "rule", "rule_name", "starts_on", "ends_on", "legal_basis", "status"]


class CreditAppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditAppeal
        fields = ["id", "event", "status", "reasons", "created_at", "decided_at", "decision_reasons"]


class CreditEventSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    evidence_type = serializers.SerializerMethodField()
    appeals = CreditAppealSerializer(many=True, read_only=True)

    class Meta:
        model = CreditEvent
        fields = [
            "id",
            "rule",
            "rule_name",
            "source",
            "status",
            "points",
            "decay",
            "occurred_on",
            "counts_until",
            "description",
            "evidence_type",
            "evidence_id",
            "evidence_label",
            "document_sha256",
            "is_published",
            "external_source",
            "external_reference",
            "appeal_deadline",
            "appeals",
        ]

    def get_evidence_type(self, event: CreditEvent) -> str:
        return (
            f"{event.evidence_type.app_label}.{event.evidence_type.model}" if event.evidence_type_id else ""
        )


class ExplainedEventSerializer(serializers.Serializer):
    event = CreditEventSerializer()
    current_points = serializers.DecimalField(max_digits=9, decimal_places=2)
    counts = serializers.BooleanField()
    can_appeal = serializers.BooleanField()


class OwnRecordSerializer(serializers.Serializer):
    record = CreditRecordSerializer()
    day = serializers.DateField(source="explanation.day")
    base = serializers.DecimalField(source="explanation.base", max_digits=9, decimal_places=2)
    score = serializers.DecimalField(source="explanation.score", max_digits=9, decimal_places=2)
    stars = serializers.IntegerField(source="explanation.stars")
    grade = serializers.CharField(source="explanation.grade")
    events = ExplainedEventSerializer(source="explanation.lines", many=True)
    bans = BlacklistEntrySerializer(many=True)


class EligibilitySerializer(serializers.Serializer):
    action = serializers.CharField()
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    score = serializers.DecimalField(max_digits=9, decimal_places=2)
    stars = serializers.IntegerField()
    grade = serializers.CharField()
    requires_full_documents = serializers.BooleanField()


class AppealRequestSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=4000)
    documents = serializers.ListField(child=serializers.FileField(), required=False, default=list)
