"""jhe: a plugin-based HL7 FHIR R5 server for mobile-health research.

This module is the public API for plugins: the ``hookimpl`` marker, ``Route``,
the error classes and the version. Plugins import from here and nowhere else
in the core (``jhe_core.testing`` is the one extra module, for their tests).
"""

import pluggy

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("jhe")

from jhe_core.errors import (  # noqa: E402
    BadRequest,
    Conflict,
    Forbidden,
    Issue,
    JHEError,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    Unauthorized,
    Unprocessable,
)
from jhe_core.routes import Route  # noqa: E402

__all__ = [
    "__version__",
    "hookimpl",
    "Route",
    "JHEError",
    "Issue",
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "PayloadTooLarge",
    "Unprocessable",
    "ServiceUnavailable",
]
