"""The kinds of public notice (DESIGN §3) as the portal shows them: each with its own list at
/notices/<slug>/, a plural heading and one sentence saying when it is published."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from procurement.models import Notice


@dataclass(frozen=True)
class NoticeKind:
    value: str  # Notice.kind
    slug: str  # in the address: /notices/<slug>/
    heading: Promise
    when: Promise


KINDS: tuple[NoticeKind, ...] = tuple(
    NoticeKind(value, value.replace("_", "-"), heading, when)
    for value, heading, when in (
        (
            Notice.Kind.INTENTION,
            _("Procurement intentions"),
            _("Published before procurement starts, so that suppliers can prepare."),
        ),
        (
            Notice.Kind.TENDER,
            _("Tender notices"),
            _("Published when tendering opens, with the tender documents and their SHA-256."),
        ),
        (
            Notice.Kind.SINGLE_SOURCE,
            _("Single-source justifications"),
            _("Published before a single-source procurement, for the rulebook's working days."),
        ),
        (
            Notice.Kind.CORRECTION,
            _("Correction notices"),
            _("Published when tender documents or dates change."),
        ),
        (
            Notice.Kind.TERMINATION,
            _("Termination notices"),
            _("Published when a procurement is cancelled, with the reason."),
        ),
        (
            Notice.Kind.OPENING_RECORD,
            _("Bid opening records"),
            _("Published at the opening: the bidders, their prices and the SHA-256 of their files."),
        ),
        (
            Notice.Kind.FAILED,
            _("Failed procurement notices"),
            _("Published when a lot fails, for example with too few valid bids."),
        ),
        (
            Notice.Kind.RESULT,
            _("Result notices"),
            _("Published after the purchaser confirms the winner: scores, ranks and reasons for the others."),
        ),
        (
            Notice.Kind.COMPLAINT_DECISION,
            _("Complaint decisions"),
            _("Published when the regulator decides a complaint."),
        ),
        (
            Notice.Kind.CONTRACT,
            _("Contract notices"),
            _("Published within the rulebook's working days of signing, with the contract's public copy."),
        ),
        (
            Notice.Kind.SUPPLEMENT,
            _("Supplementary contract notices"),
            _("Published when a supplementary agreement is signed."),
        ),
        (
            Notice.Kind.ACCEPTANCE,
            _("Acceptance results"),
            _("Published when a delivery is accepted or refused."),
        ),
        (
            Notice.Kind.BREACH,
            _("Breach and termination notices"),
            _("Published when a breach of contract is recorded."),
        ),
    )
)

BY_VALUE = {kind.value: kind for kind in KINDS}
BY_SLUG = {kind.slug: kind for kind in KINDS}


class NoticeKindConverter:
    """<notice_kind:kind> in a URL: one of the slugs above, given to the view as the NoticeKind."""

    regex = "|".join(sorted(BY_SLUG, key=len, reverse=True))

    def to_python(self, value: str) -> NoticeKind:
        return BY_SLUG[value]

    def to_url(self, value) -> str:
        if isinstance(value, NoticeKind):
            return value.slug
        kind = BY_VALUE.get(str(value)) or BY_SLUG.get(str(value))
        if kind is None:
            raise ValueError(f"no notice kind {value!r}")
        return kind.slug
