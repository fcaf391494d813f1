"""Audit action labels of the expert pool and the draw, registered by ExpertsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    # The pool (experts/services.py)
    "experts.registered": _("Expert registered, awaiting review"),
    "experts.registered_by_keeper": _("Expert registered into the pool by a regulator"),
    "experts.profile_changed": _("Expert profile changed"),
    "experts.profile_resubmitted": _("Rejected expert profile changed and resubmitted"),
    "experts.declaration_added": _("Expert declaration added"),
    "experts.declaration_changed": _("Expert declaration changed"),
    "experts.declaration_removed": _("Expert declaration withdrawn"),
    "experts.declarations_confirmed": _("Expert confirmed their declarations"),
    "experts.unavailability_added": _("Expert unavailable period added"),
    "experts.unavailability_removed": _("Expert unavailable period removed"),
    "experts.approved": _("Expert admitted to the pool"),
    "experts.rejected": _("Expert registration rejected"),
    "experts.suspended": _("Expert suspended"),
    "experts.reinstated": _("Expert reinstated"),
    # The draw of panels (experts/panels.py)
    "experts.panel_committed": _("Panel requested, SHA-256 of the draw's seed committed"),
    "experts.panel_drawn": _("Panel drawn: candidates frozen, exclusions recorded, experts invited"),
    "experts.invitation_accepted": _("Panel invitation accepted"),
    "experts.invitation_declined": _("Panel invitation declined"),
    "experts.invitation_lapsed": _("Panel invitation unanswered in time"),
    "experts.declaration_signed": _("Conflict-of-interest declaration signed"),
    "experts.panel_seated": _("Panel seated"),
    "experts.draw_published": _("Draw record published, seed revealed"),
    "experts.representative_named": _("Another purchaser representative invited to a panel"),
}
