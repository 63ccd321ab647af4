"""Building the plugin manager: specs -> core defaults -> block disabled -> entry points -> check.

Plugins are named: core defaults ``core.*``, entry points by their entry-point name, explicit
plugins (``create_app(plugins=[...])``) by ``(name, object)`` or the object's ``__name__``.
"""

import importlib
from importlib.metadata import entry_points

import pluggy

from jhe_core import __version__, hookspecs
from jhe_core.config import ConfigError, validate_section
from jhe_core.defaults import DEFAULT_PLUGINS, ESSENTIAL
from jhe_core.errors import JHEError
from jhe_core.exchange import PluginInfo

ENTRY_POINT_GROUP = "jhe"


class StartupError(JHEError):
    """The app cannot start; the message names the culprit."""


def _explicit_name(plugin) -> tuple[str, object]:
    if isinstance(plugin, tuple):
        return plugin
    name = getattr(plugin, "name", None) or getattr(plugin, "__name__", None) or type(plugin).__name__
    return str(name), plugin


def make_plugin_manager(config, plugins=None) -> tuple[pluggy.PluginManager, dict[str, PluginInfo]]:
    pm = pluggy.PluginManager("jhe")
    pm.add_hookspecs(hookspecs)
    info: dict[str, PluginInfo] = {}
    enabled = config.get("plugins.enabled")
    disabled = list(config.get("plugins.disabled") or [])
    explicit = [_explicit_name(p) for p in (plugins or [])]
    eps = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}

    known = set(DEFAULT_PLUGINS) | set(eps) | {name for name, _ in explicit}
    for key, names in (("plugins.enabled", enabled or []), ("plugins.disabled", disabled)):
        for name in names:
            if name not in known:
                raise ConfigError(f"{key}: unknown plugin {name!r} (installed: {', '.join(sorted(known))})")
    for name in disabled:
        if name in ESSENTIAL:
            raise ConfigError(f"plugins.disabled: {name!r} is essential and cannot be disabled")
        pm.set_blocked(name)

    for name, module_path in DEFAULT_PLUGINS.items():
        if not pm.is_blocked(name):
            _register(pm, importlib.import_module(module_path), name)
            info[name] = PluginInfo(name, __version__, "core", module_path)

    for name, ep in sorted(eps.items()):
        if enabled is not None and name not in enabled:
            pm.set_blocked(name)
        if pm.is_blocked(name):
            continue
        try:
            module = ep.load()
        except Exception as exc:  # a broken third-party plugin must name itself
            raise StartupError(f"plugin {name!r} ({ep.value}) failed to import: {exc}") from exc
        _register(pm, module, name)
        version = ep.dist.version if ep.dist else "?"
        info[name] = PluginInfo(name, version, "entry point", ep.value)

    for name, plugin in explicit:
        if pm.is_blocked(name):
            continue
        _register(pm, plugin, name)
        info[name] = PluginInfo(name, getattr(plugin, "__version__", "-"), "explicit",
                                getattr(plugin, "__name__", type(plugin).__name__))

    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or repr(exc.plugin)
        raise StartupError(f"plugin {name!r}: {exc}") from None
    return pm, info


def _register(pm, plugin, name):
    if pm.get_plugin(name) is not None:
        raise StartupError(f"plugin name {name!r} is registered twice")
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise StartupError(f"plugin {name!r}: {exc}") from None


def call_each(pm, hook_name: str, **kwargs) -> list[tuple[str, object]]:
    """Call every implementation of a hook, returning ``(plugin name, result)`` pairs, so the
    core can name the plugin behind each answer (duplicate routes, bad returns)."""
    results = []
    for impl in reversed(getattr(pm.hook, hook_name).get_hookimpls()):
        args = {name: kwargs[name] for name in impl.argnames}
        result = impl.function(**args)
        if result is not None:
            results.append((impl.plugin_name, result))
    return results


def validate_plugin_configs(config, pm, info) -> None:
    """Validate every ``[plugins.<name>]`` section against the schema its plugin declares,
    filling in defaults; a section for a plugin that is not installed is an error."""
    schemas: dict[str, dict] = {}
    for plugin_name, answer in call_each(pm, "register_config_schemas"):
        for section, schema in answer.items():
            if section in schemas:
                raise StartupError(f"config section plugins.{section} is claimed twice (by {plugin_name!r})")
            schemas[section] = schema
    plugins_section = config.data.setdefault("plugins", {})
    for name, section in list(plugins_section.items()):
        if name in ("enabled", "disabled"):
            continue
        if name not in schemas:
            if name in info or pm.is_blocked(name):
                continue  # a plugin without settings, or switched off: its section is inert
            raise ConfigError(f"plugins.{name}: no such plugin is installed")
    for name, schema in schemas.items():
        section = plugins_section.setdefault(name, {})
        validate_section(section, schema, prefix=f"plugins.{name}.")
