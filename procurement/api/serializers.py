from rest_framework import serializers

from ..models import ApprovalDecision, Lot, Notice, Project


class LotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lot
        fields = [
            "number",
            "title_zh",
            "title_en",
            "budget",
            "quantity_and_specification",
            "delivery_place",
            "delivery_period",
            "sme_reserved",
        ]


class ApprovalDecisionSerializer(serializers.ModelSerializer):
    approver = serializers.CharField(source="approver.username", read_only=True)

    class Meta:
        model = ApprovalDecision
        fields = ["round", "level", "approver", "decision", "comment", "created_at"]


class ProjectSerializer(serializers.ModelSerializer):
    purchaser = serializers.CharField(source="purchaser.name", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "reference",
            "purchaser",
            "title_zh",
            "title_en",
            "category",
            "classification_code",
            "budget",
            "funding_source",
            "method",
            "status",
            "approval_levels",
            "approved_levels",
            "submission_round",
            "rules_date",
            "approved_at",
        ]


class ProjectDetailSerializer(ProjectSerializer):
    lots = LotSerializer(many=True, read_only=True)
    approval_decisions = ApprovalDecisionSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "description_zh",
            "description_en",
            "lots",
            "approval_decisions",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.reference", read_only=True)
    purchaser = serializers.CharField(source="project.purchaser.name", read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "project",
            "purchaser",
            "title_zh",
            "title_en",
            "body_zh",
            "body_en",
            "region_code",
            "category",
            "method",
            "published_at",
            "corrects",
        ]
