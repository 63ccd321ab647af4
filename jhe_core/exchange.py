"""The Exchange: the one object every hook receives.

It carries the app's config, plugin manager and database, plus the registries the core builds
from ``register_*`` hooks (routes, FHIR types, codes). Nothing here is module-global: each
``create_app`` makes its own.
"""

from dataclasses import dataclass, field

from jhe_core.config import Config


@dataclass
class PluginInfo:
    name: str
    version: str
    source: str  # "core", "entry point", "explicit"
    module: str


@dataclass
class Exchange:
    config: Config
    pm: object
    db: object
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    routes: dict[str, tuple] = field(default_factory=dict)  # path -> (plugin name, Route)
    fhir_types: dict[str, object] = field(default_factory=dict)  # type name -> ResourceType
    services: dict[str, object] = field(default_factory=dict)  # named helpers shared by plugins

    @property
    def hook(self):
        return self.pm.hook

    def activate(self) -> None:
        """Point the models at this app's database (for code and tests outside a request)."""
        from jhe_core.db import activate
        activate(self.db)

    def plugin_config(self, name: str) -> dict:
        """The validated ``[plugins.<name>]`` section (schema defaults filled in)."""
        return self.config.plugin(name)

    def base_url(self, req=None) -> str:
        """The deployment's public base URL: ``base_url`` from config, else the request's
        scheme and host (so links follow whatever address the client used)."""
        configured = self.config.get("base_url")
        if configured:
            return configured.rstrip("/")
        if req is not None:
            return req.prefix.rstrip("/")
        host = self.config.get("server.host")
        return f"http://{host}:{self.config.get('server.port')}"

    def public_url(self, req, path: str) -> str:
        """An absolute URL on this server, using the scheme and host of ``req``."""
        return f"{req.prefix.rstrip('/')}{path}"
