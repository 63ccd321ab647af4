"""``jhe plugin new NAME``: write a minimal working plugin distribution.

``write_plugin("steps", ".")`` creates ``./jhe-steps/``: a ``pyproject.toml`` registering the
package ``jhe_steps`` in the ``jhe`` entry-point group under the name ``steps``, the package with
one hook (``register_routes``: ``GET /steps/hello`` greets the signed-in caller), a README and a
test on ``jhe_core.testing``. ``pip install -e jhe-steps`` makes it load; ``pytest`` in that folder
passes.
"""

import re
from importlib.metadata import entry_points
from pathlib import Path

from jhe_core.defaults import DEFAULT_PLUGINS
from jhe_core.plugins import ENTRY_POINT_GROUP

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")


class ScaffoldError(ValueError):
    """The plugin cannot be written where or as asked; the message says why."""


PYPROJECT = '''\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
description = "A jhe plugin."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["jhe"]

[project.optional-dependencies]
test = ["pytest>=8"]

# The entry point makes it a jhe plugin named "{name}": `jhe plugins` lists it, config can
# disable it (plugins.disabled = ["{name}"]) and configure it ([plugins.{name}]).
[project.entry-points.jhe]
{name} = "{package}"

[tool.setuptools]
packages = ["{package}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
'''

README = '''\
# {dist}

A jhe plugin named `{name}`.

    pip install -e .          # installs it into the environment jhe runs in
    jhe plugins               # lists {name}
    pytest                    # runs its test

It serves `GET /{name}/hello`, which greets the signed-in caller. Add hooks from
`jhe_core/hookspecs.py` (documented in jhe's `docs/plugins.md`) to `{package}/__init__.py`.
'''

MODULE = '''\
"""{name}: a jhe plugin."""

from jhe_core import Route, hookimpl

__version__ = "0.1.0"


class HelloResource:
    """``GET /{name}/hello``: greets the signed-in caller (resources need a token unless public)."""

    def on_get(self, req, resp):
        resp.media = {{"plugin": "{name}", "hello": req.context.actor.describe()}}


@hookimpl
def register_routes(exchange):
    return [Route("/{name}/hello", HelloResource())]
'''

TEST = '''\
"""{name}'s test: an app with this plugin (installed, so loaded through its entry point)."""

import falcon.testing

from jhe_core.testing import auth_headers, make_test_app, token_for


def test_hello_greets_the_caller():
    app = make_test_app(enabled=["{name}"])
    client = falcon.testing.TestClient(app)
    result = client.simulate_get("/{name}/hello", headers=auth_headers(token_for("practitioner@example.com")))
    assert result.status_code == 200, result.text
    assert result.json == {{"plugin": "{name}", "hello": "practitioner@example.com"}}


def test_hello_needs_a_token():
    client = falcon.testing.TestClient(make_test_app(enabled=["{name}"], demo=False))
    assert client.simulate_get("/{name}/hello").status_code == 401
'''


def names(name: str) -> dict:
    """The distribution, package and plugin names derived from ``name``."""
    if not NAME_PATTERN.match(name or ""):
        raise ScaffoldError(f"plugin name {name!r} must be lowercase letters and digits, words joined by "
                            f"'-' or '_', starting with a letter (e.g. 'steps' or 'my-band')")
    taken = set(DEFAULT_PLUGINS) | {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if name in taken:
        raise ScaffoldError(f"a plugin named {name!r} is already installed; choose another name")
    slug = name.replace("_", "-")
    return {"name": name, "dist": f"jhe-{slug}", "package": f"jhe_{slug.replace('-', '_')}"}


def write_plugin(name: str, directory: str | Path = ".") -> Path:
    """Write the distribution ``jhe-<name>/`` under ``directory``; returns its path.

    :raises ScaffoldError: for an invalid or already installed name, or an existing target.
    """
    values = names(name)
    root = Path(directory) / values["dist"]
    if root.exists():
        raise ScaffoldError(f"{root} already exists; remove it or choose another --directory")
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{values['package']}/__init__.py": MODULE,
        f"tests/test_{values['package']}.py": TEST,
    }
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return root
