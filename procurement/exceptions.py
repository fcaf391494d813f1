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


class ImportedProductsJustificationRequired(InvalidInput):
    code = "imported_products_justification_required"
    default_message = _("Buying imported products needs a written justification for the regulator.")


class NotRegulatorOfProject(PermissionDenied):
    code = "not_regulator_of_project"
    default_message = _("Only a regulator of the purchaser's region decides on its projects.")


class RegulatorApprovalNotFound(NotFound):
    code = "regulator_approval_not_found"
    default_message = _("No such request for the regulator's approval.")


class AlreadyDecided(Conflict):
    code = "already_decided"
    default_message = _("This request has already been decided.")


class RegulatorApprovalPending(Conflict):
    code = "regulator_approval_pending"
    default_message = _("The regulator has not approved the method or the imported products yet.")


class SingleSourceNoticeStanding(Conflict):
    code = "single_source_notice_standing"
    default_message = _("The single-source justification notice has not stood for its working days yet.")


class InvalidAgency(InvalidInput):
    code = "invalid_agency"
    default_message = _("Choose an active procurement agency, or your own procurement office.")


class AgencyHasNoOfficer(InvalidInput):
    code = "agency_has_no_officer"
    default_message = _("The chosen agency has no active agency officer on the platform.")


class NotTenderOfficer(PermissionDenied):
    code = "not_tender_officer"
    default_message = _("Only an officer of the agency the project is entrusted to prepares its tender.")


class DocumentFrozen(Conflict):
    code = "document_frozen"
    default_message = _("Published tender documents are frozen; change them with an amendment.")


class DocumentNotFound(NotFound):
    code = "document_not_found"
    default_message = _("No such tender documents.")


class DraftExists(Conflict):
    code = "draft_exists"
    default_message = _("The project already has a draft of its tender documents.")


class TenderDocumentInvalid(InvalidInput):
    """One or more fields of the tender documents break a rule; `errors` maps field -> messages."""

    code = "tender_document_invalid"
    default_message = _("The tender documents break a rule; see the messages by each field.")

    def __init__(self, errors: dict, message=None):
        self.errors = errors
        first = next(iter(errors.values()))[0] if errors and message is None else message
        super().__init__(first)


class TenderTooEarly(Conflict):
    code = "tender_too_early"
    default_message = _("The tender notice cannot be published yet.")


class ReasonRequired(InvalidInput):
    code = "reason_required"
    default_message = _("Give the reason.")


class NotAllowedToCancel(PermissionDenied):
    code = "not_allowed_to_cancel"
    default_message = _(
        "Only a clerk of the purchaser, or an officer of the agency once the project is entrusted, "
        "cancels it."
    )


class LotNotFound(NotFound):
    code = "lot_not_found"
    default_message = _("No such lot.")


class LotNotFailed(Conflict):
    code = "lot_not_failed"
    default_message = _("Only a failed lot can be procured again.")


class AlreadyRetendered(Conflict):
    code = "already_retendered"
    default_message = _("This failed lot is already procured again.")


class MethodChangePending(Conflict):
    code = "method_change_pending"
    default_message = _("A change of method for this lot is already requested or approved.")


class RoundInProgress(Conflict):
    code = "round_in_progress"
    default_message = _(
        "Lots of this project are still open for bids or awaiting opening: "
        "procure a failed lot again once they are opened."
    )
