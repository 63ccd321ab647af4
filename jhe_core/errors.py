"""Errors raised by services and resources; each HTTP surface renders them its own way.

A service never knows whether it is answering FHIR (OperationOutcome) or /api/v1
(``{"detail": ...}``): it raises one of these, and the ``handle_exception`` hook renders it.
"""

from dataclasses import dataclass, field


@dataclass
class Issue:
    """One problem: FHIR issue ``code`` (invalid, forbidden, not-found, duplicate, processing...),
    a human message and, where known, the path of the offending element."""

    message: str
    code: str = "invalid"
    path: str | None = None
    severity: str = "error"

    def text(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class JHEError(Exception):
    """Base error: an HTTP status and one or more issues."""

    status = 400
    code = "invalid"

    def __init__(self, message: str = "", *, issues: list[Issue] | None = None,
                 code: str | None = None, path: str | None = None, headers: dict | None = None):
        self.issues = issues or [Issue(message, code or self.code, path)]
        self.message = message or "; ".join(i.text() for i in self.issues)
        self.headers = headers or {}
        super().__init__(self.message)


class BadRequest(JHEError):
    status, code = 400, "invalid"


class Unauthorized(JHEError):
    status, code = 401, "login"

    def __init__(self, message: str = "Authentication credentials were not provided.", **kw):
        kw.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="jhe"'})
        super().__init__(message, **kw)


class Forbidden(JHEError):
    status, code = 403, "forbidden"

    def __init__(self, message: str = "You do not have permission to perform this action.", **kw):
        super().__init__(message, **kw)


class NotFound(JHEError):
    status, code = 404, "not-found"

    def __init__(self, message: str = "Not found.", **kw):
        super().__init__(message, **kw)


class MethodNotAllowed(JHEError):
    status, code = 405, "not-supported"


class Conflict(JHEError):
    status, code = 409, "duplicate"


class PayloadTooLarge(JHEError):
    status, code = 413, "too-costly"


class UnsupportedMediaType(JHEError):
    status, code = 415, "not-supported"


class Unprocessable(JHEError):
    status, code = 422, "processing"


class TooManyRequests(JHEError):
    status, code = 429, "throttled"


class ServiceUnavailable(JHEError):
    status, code = 503, "transient"
