"""Errors of the OCDS API: a stable code, a translated message, the HTTP status (common.api)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import InvalidInput, NotFound


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"
    default_message = _(
        "This page link is not valid (it was changed or is too old). Start again from the first page."
    )


class InvalidPageSize(InvalidInput):
    code = "invalid_page_size"


class InvalidFilter(InvalidInput):
    code = "invalid_filter"


class ReleaseNotFound(NotFound):
    code = "release_not_found"
    default_message = _("There is no release with this id.")


class RecordNotFound(NotFound):
    code = "record_not_found"
    default_message = _("There is no contracting process with this ocid.")


class BulkFileNotFound(NotFound):
    code = "bulk_file_not_found"
    default_message = _("There is no bulk file for this day (yet): see the list of daily files.")
