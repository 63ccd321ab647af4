"""Core defaults: behaviour registered like plugins (``trylast``), so installed plugins can
answer first or replace them. ``ESSENTIAL`` ones cannot be disabled."""

DEFAULT_PLUGINS = {
    "core.errors": "jhe_core.defaults.errors",
    "core.health": "jhe_core.defaults.health",
    "core.permissions": "jhe_core.defaults.permissions",
    "core.auth": "jhe_core.auth.plugin",
    "core.fhir": "jhe_core.fhir.plugin",
}

ESSENTIAL = {"core.errors", "core.health", "core.auth"}
