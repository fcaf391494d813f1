from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import ErrorSerializer  # noqa: F401 (re-exported for the app's API views)

from ..models import (
    METHOD_AFTER_FAILURE_CHOICES,
    ApprovalDecision,
    Entrustment,
    Lot,
    Notice,
    Project,
    RegulatorApproval,
    TenderDocument,
)

# --- Answers --------------------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lot
        fields = [
            "id",
            "number",
            "title_zh",
            "title_en",
            "budget",
            "quantity_and_specification",
            "delivery_place",
            "delivery_period",
            "sme_reserved",
            "status",
            "bond_amount",
            "cancellation_reason",
            "retender_of",
        ]


class ApprovalDecisionSerializer(serializers.ModelSerializer):
    approver = serializers.CharField(source="approver.username", read_only=True)

    class Meta:
        model = ApprovalDecision
        fields = ["round", "level", "approver", "decision", "comment", "created_at"]


class RegulatorApprovalSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)
    lot = serializers.IntegerField(
        source="lot_id", read_only=True, allow_null=True, help_text="The failed lot (method_after_failure)."
    )

    class Meta:
        model = RegulatorApproval
        fields = [
            "id",
            "subject",
            "lot",
            "requested_method",
            "justification",
            "status",
            "decided_by",
            "decided_at",
            "comment",
            "created_at",
        ]


class RegulatorRequestSerializer(RegulatorApprovalSerializer):
    """A request in the regulator's list: the approval with the project it is for."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    reference = serializers.CharField(source="project.reference", read_only=True)
    project_title_zh = serializers.CharField(source="project.title_zh", read_only=True)
    purchaser = serializers.CharField(source="project.purchaser.name", read_only=True)

    class Meta(RegulatorApprovalSerializer.Meta):
        fields = [
            *RegulatorApprovalSerializer.Meta.fields,
            "project",
            "reference",
            "project_title_zh",
            "purchaser",
        ]


class RegulatorRequestPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RegulatorRequestSerializer(many=True)


class EntrustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entrustment
        fields = ["agreement_number", "scope", "fee", "signed_on", "sha256"]


class TenderDocumentVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TenderDocument
        fields = ["id", "version", "status", "bid_deadline", "sha256", "published_at"]


class ProjectSerializer(serializers.ModelSerializer):
    purchaser = serializers.CharField(source="purchaser.name", read_only=True)
    agency = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "reference",
            "purchaser",
            "agency",
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
            "bid_deadline",
        ]


class ProjectPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProjectSerializer(many=True)


class ProjectDetailSerializer(ProjectSerializer):
    lots = LotSerializer(many=True, read_only=True)
    approval_decisions = ApprovalDecisionSerializer(many=True, read_only=True)
    regulator_approvals = RegulatorApprovalSerializer(many=True, read_only=True)
    entrustment = EntrustmentSerializer(read_only=True, allow_null=True)
    tender_documents = TenderDocumentVersionSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "description_zh",
            "description_en",
            "imported_products",
            "green_requirement",
            "intention_published_on",
            "single_source_notice_until",
            "cancellation_reason",
            "lots",
            "approval_decisions",
            "regulator_approvals",
            "entrustment",
            "tender_documents",
        ]


class ApprovalsSerializer(serializers.Serializer):
    """A project's approval history: the purchaser's decisions and the regulator's approvals."""

    decisions = ApprovalDecisionSerializer(many=True)
    regulator_approvals = RegulatorApprovalSerializer(many=True)


class NoticeDocumentSerializer(serializers.Serializer):
    """The frozen version of the tender documents a notice publishes, and where to download it."""

    id = serializers.IntegerField()
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.CharField(help_text="The PDF, public: /notices/<notice id>/documents/")


class NoticeSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.reference", read_only=True)
    purchaser = serializers.CharField(source="project.purchaser.name", read_only=True)
    document = serializers.SerializerMethodField()

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
            "document",
        ]

    @extend_schema_field(NoticeDocumentSerializer(allow_null=True))
    def get_document(self, notice: Notice) -> dict | None:
        document = notice.document
        if document is None or document.status == TenderDocument.Status.DRAFT:
            return None  # as on the notice's page: only a frozen version is linked
        return {
            "id": document.pk,
            "version": document.version,
            "sha256": document.sha256,
            "url": reverse("notices:document", args=[notice.pk]),
        }


class NoticePageSerializer(serializers.Serializer):
    results = NoticeSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="The cursor of the next page: pass it as ?after=")


# --- Requests -------------------------------------------------------------------------------------


class ApproveRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReturnRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True, max_length=4000, help_text="Why the project is returned (required by the service)."
    )


class EntrustRequestSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField(
        min_value=1, help_text="An active procurement agency, or the purchaser itself for its own office."
    )
    scope = serializers.CharField(allow_blank=True, max_length=4000)
    fee = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )


class PublishRequestSerializer(serializers.Serializer):
    publish_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Schedule the notice; now if left out."
    )


class CancelRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000, help_text="Published in the notice.")


class DecideRequestSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true approves, false refuses (refusing needs a comment).")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class MethodChangeRequestSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=METHOD_AFTER_FAILURE_CHOICES,
        help_text="The method asked for the failed lot.",
    )
    justification = serializers.CharField(
        allow_blank=True, max_length=4000, help_text="Why the lot failed and which legal case allows it."
    )
