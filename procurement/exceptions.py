from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class ProjectNotFound(NotFound):
    code = "project_not_found"
    default_message = _("No such project.")


class InvalidAmount(InvalidInput):
    code = "invalid_amount"
    default_message = _("An amount is a positive number of yuan with at most two decimals (fen).")


class LotsDoNotAddUp(InvalidInput):
    code = "lots_do_not_add_up"
    default_message = _("The lots' budgets must add up to the project's budget.")


class LotsRequired(InvalidInput):
    code = "lots_required"
    default_message = _("A project has at least one lot.")


class MethodNotAllowed(InvalidInput):
    code = "method_not_allowed"
    default_message = _("This procurement method cannot be used for this amount.")


class JustificationRequired(InvalidInput):
    code = "justification_required"
    default_message = _("A method other than the rulebook's default needs a written justification.")


class NotPurchaserClerk(PermissionDenied):
    code = "not_purchaser_clerk"
    default_message = _("Only a purchaser clerk files and submits projects.")


class OwnProjectApproval(PermissionDenied):
    code = "own_project_approval"
    default_message = _("Whoever drafted a project can never approve it, at any level.")


class NotApprover(PermissionDenied):
    code = "not_approver"
    default_message = _("Only an approver of the purchaser may decide on its projects.")


class AlreadyApprovedALevel(PermissionDenied):
    code = "already_approved_a_level"
    default_message = _(
        "You have already approved another level of this submission; each level needs another approver."
    )


class ApprovalLimitTooLow(PermissionDenied):
    code = "approval_limit_too_low"
    default_message = _("The final approval needs an approver whose limit covers the budget.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("The project is not in a state that allows this.")


class CommentRequired(InvalidInput):
    code = "comment_required"
    default_message = _("Say why the project is returned.")


class NoticeNotFound(NotFound):
    code = "notice_not_found"
    default_message = _("No such notice.")
