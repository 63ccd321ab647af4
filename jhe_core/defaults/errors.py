"""Fallback error rendering: ``{"detail": "..."}``, as the admin API and the guides show.
The FHIR API answers OperationOutcomes through its own ``handle_exception``."""

from jhe_core import hookimpl


@hookimpl(trylast=True)
def handle_exception(error):
    return error.status, {"detail": error.message}
