"""Route: what a ``register_routes`` hook returns."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Route:
    """A URI template served by a Falcon resource.

    ``suffix`` selects responder methods (``on_get_<suffix>``), as in Falcon's ``add_route``.
    Two plugins returning the same ``path`` is a startup error.
    """

    path: str
    resource: Any
    suffix: str | None = None
