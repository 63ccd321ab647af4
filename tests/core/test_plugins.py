"""Enabling, disabling and replacing plugins; startup errors that name the culprit."""

from importlib.metadata import entry_points

import pytest

from jhe_core import hookimpl
from jhe_core import models as m
from jhe_core.actors import Actor
from jhe_core.config import ConfigError
from jhe_core.permissions import allowed
from jhe_core.plugins import StartupError
from jhe_core.testing import MEMORY_URL, make_test_app

INSTALLED = {ep.name for ep in entry_points(group="jhe")}


def build(**kw):
    kw.setdefault("database_url", MEMORY_URL)
    return make_test_app(**kw)


def test_in_tree_plugins_are_installed_as_entry_points():
    assert {"omh", "admin", "commonhealth", "email", "portal"} <= INSTALLED


def test_all_installed_plugins_load_by_default():
    app = build(demo=False)
    assert INSTALLED <= set(app.exchange.plugins)
    assert {"core.auth", "core.fhir", "core.health", "core.errors", "core.permissions"} <= set(app.exchange.plugins)
    assert app.exchange.plugins["omh"].source == "entry point"


def test_enabled_list_loads_only_those():
    app = build(enabled=["email"], demo=False)
    loaded = set(app.exchange.plugins)
    assert "email" in loaded and not (INSTALLED - {"email"}) & loaded


def test_disabled_plugin_is_not_loaded():
    app = build(disabled=["portal"], demo=False)
    assert "portal" not in app.exchange.plugins and "omh" in app.exchange.plugins
    assert not any(path.startswith("/portal") for path in app.exchange.routes)


@pytest.mark.parametrize("key", ["enabled", "disabled"])
def test_unknown_plugin_name_is_a_config_error(key):
    with pytest.raises(ConfigError, match=rf"^plugins.{key}: unknown plugin 'nosuch' \(installed: "):
        build(demo=False, **{key: ["nosuch"]})


def test_essential_core_plugin_cannot_be_disabled():
    with pytest.raises(ConfigError, match=r"'core.auth' is essential"):
        build(disabled=["core.auth"], demo=False)


def test_hook_without_spec_names_the_plugin():
    class Typo:
        @hookimpl
        def register_rootes(self, exchange):
            return []
    with pytest.raises(StartupError, match=r"^plugin 'typo': .*register_rootes"):
        build(enabled=[], plugins=[("typo", Typo())], demo=False)


def test_same_plugin_name_twice_is_an_error():
    class One:
        pass
    with pytest.raises(StartupError, match="registered twice"):
        build(enabled=[], plugins=[("dup", One()), ("dup", One())], demo=False)


class ReadOnlyPolicy:
    """Replaces the core's role matrix: everyone with an account may read, nobody may write."""

    @hookimpl
    def permission_allowed(self, actor, action, resource):
        if actor.user is None:
            return None
        return actor.is_superuser or action.endswith(".view")


def test_core_default_can_be_replaced():
    app = build(enabled=[], disabled=["core.permissions"], plugins=[("read-only", ReadOnlyPolicy())])
    assert "core.permissions" not in app.exchange.plugins
    manager = Actor(user=m.User.get(m.User.email == "practitioner@example.com"))
    outsider = Actor(user=m.User.get(m.User.email == "manager2@example.com"))
    study = m.Study.get_by_id(10001)
    assert not allowed(app.exchange, manager, "study.manage", study)   # the core would allow this
    assert allowed(app.exchange, outsider, "study.view", study)         # the core would deny this


def test_disabled_explicit_plugin_is_skipped():
    app = build(enabled=[], disabled=["read-only"], plugins=[("read-only", ReadOnlyPolicy())], demo=False)
    assert "read-only" not in app.exchange.plugins
