from rest_framework import serializers

from audit.models import AuditCheckpoint


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditCheckpoint
        fields = ["sequence", "head_hash", "signed_at", "signature", "public_key", "key_fingerprint"]
        read_only_fields = fields


class ChainHeadSerializer(serializers.Serializer):
    """The chain head; sequence 0 and the genesis hash (64 zeros) while the chain is empty."""

    sequence = serializers.IntegerField(min_value=0, help_text="Sequence number of the latest event.")
    hash = serializers.RegexField(r"^[0-9a-f]{64}$", help_text="SHA-256 (hex) of the latest event.")
    occurred_at = serializers.DateTimeField(
        allow_null=True, help_text="Database time of the latest event; null while the chain is empty."
    )
    checkpoint = CheckpointSerializer(
        allow_null=True, help_text="The latest signed checkpoint (Ed25519), or null if none yet."
    )
