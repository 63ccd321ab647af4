"""The admin plugin: the /api/v1 REST API of the guides (organizations, practitioners,
patients, consents, studies, data sources, observations, the user's profile), its OpenAPI 3.1
document at /api/v1/schema and the Swagger UI and ReDoc pages that render it.

It is a thin HTTP layer: domain rules live in ``jhe_core.services`` and who may do what in
``jhe_core.permissions``. Errors render as ``{"detail": "..."}`` through the core fallback.
"""

from jhe_core import hookimpl


@hookimpl
def register_routes(exchange):
    from jhe_plugins.admin.routes import all_routes
    return all_routes()
