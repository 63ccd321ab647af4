"""Layered configuration: built-in defaults < jhe.toml < JHE_* environment < explicit overrides.

Nested keys in the environment use a double underscore: ``JHE_AUTH__PASSWORD_GRANT=false``,
``JHE_PLUGINS__DISABLED=portal,email``, ``JHE_PLUGINS__EMAIL__BACKEND=smtp``. Values are read
as JSON when they parse, else as plain strings. Any value may be a secret given as
``{"$env": "NAME"}``; it is resolved from the environment and masked by ``jhe config``.
"""

import copy
import json
import os
import tomllib
from pathlib import Path

import jsonschema

from jhe_core.errors import JHEError

ENV_PREFIX = "JHE_"
# Environment variables that steer loading rather than name a config key.
RESERVED_ENV = {"JHE_CONFIG"}
SECRET_WORDS = ("password", "secret", "verifier", "private_key", "token")

DEFAULTS = {
    "data_dir": "jhe-data",
    "database_url": "",
    "base_url": "",
    "demo": False,
    "server": {"host": "127.0.0.1", "port": 8000, "workers": 2, "threads": 4, "engine": "granian",
               "access_log": False},
    "auth": {
        "access_token_lifetime": 36000,
        "token_cache_seconds": 5,
        "refresh_token_lifetime": 30 * 24 * 3600,
        "authorization_code_lifetime": 60,
        "invitation_code_lifetime": 14 * 24 * 3600,
        "password_grant": True,
        "patient_code_challenge": "",
        "patient_code_verifier": "",
        "signing_key_file": "",
        "login_attempts_per_window": 10,
        "login_window_seconds": 300,
        "require_https": False,
    },
    "fhir": {"default_count": 20, "max_count": 1000, "max_bundle_entries": 1000},
    "api": {"page_size": 20, "max_page_size": 1000},
    "plugins": {"enabled": None, "disabled": []},
}

CORE_SCHEMA = {
    "type": "object",
    "properties": {
        "data_dir": {"type": "string", "minLength": 1},
        "database_url": {"type": "string", "pattern": r"^($|sqlite:|postgres(ql)?:)"},
        "base_url": {"type": "string", "pattern": r"^($|https?://[^/]+)"},
        "demo": {"type": "boolean"},
        "server": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "host": {"type": "string"},
                "port": {"type": "integer", "minimum": 0, "maximum": 65535},
                "workers": {"type": "integer", "minimum": 1, "maximum": 64},
                "threads": {"type": "integer", "minimum": 1, "maximum": 256},
                "engine": {"enum": ["granian", "gunicorn"]},
                "access_log": {"type": "boolean"},
            },
        },
        "auth": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "access_token_lifetime": {"type": "integer", "minimum": 1},
                "token_cache_seconds": {"type": "number", "minimum": 0, "maximum": 300},
                "refresh_token_lifetime": {"type": "integer", "minimum": 1},
                "authorization_code_lifetime": {"type": "integer", "minimum": 1},
                "invitation_code_lifetime": {"type": "integer", "minimum": 1},
                "password_grant": {"type": "boolean"},
                "patient_code_challenge": {"type": "string"},
                "patient_code_verifier": {"type": "string"},
                "signing_key_file": {"type": "string"},
                "login_attempts_per_window": {"type": "integer", "minimum": 1},
                "login_window_seconds": {"type": "integer", "minimum": 1},
                "require_https": {"type": "boolean"},
            },
        },
        "fhir": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "default_count": {"type": "integer", "minimum": 1, "maximum": 1000},
                "max_count": {"type": "integer", "minimum": 1, "maximum": 1000},
                "max_bundle_entries": {"type": "integer", "minimum": 1},
            },
        },
        "api": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "page_size": {"type": "integer", "minimum": 1, "maximum": 1000},
                "max_page_size": {"type": "integer", "minimum": 1, "maximum": 1000},
            },
        },
        "plugins": {
            "type": "object",
            "properties": {
                "enabled": {"type": ["array", "null"], "items": {"type": "string"}},
                "disabled": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
    "additionalProperties": False,
}


class ConfigError(JHEError):
    """A configuration problem, reported as one line naming the key."""


class Config:
    """The effective configuration: nested dicts with secrets resolved."""

    def __init__(self, data: dict, secret_paths: set[str] | None = None, source: str | None = None):
        self.data = data
        self.secret_paths = secret_paths or set()
        self.source = source

    def get(self, dotted: str, default=None):
        node = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def __getitem__(self, key):
        return self.data[key]

    def plugin(self, name: str) -> dict:
        """The ``[plugins.<name>]`` section (validated, defaults filled in)."""
        section = self.data.get("plugins", {}).get(name)
        return section if isinstance(section, dict) else {}

    @property
    def data_dir(self) -> Path:
        return Path(self.data["data_dir"]).expanduser()

    @property
    def database_url(self) -> str:
        return self.data["database_url"] or f"sqlite:///{self.data_dir / 'jhe.db'}"

    def masked(self) -> dict:
        """A copy fit to print: secrets and secret-looking keys replaced by ``"***"``."""
        out = copy.deepcopy(self.data)

        def walk(node, prefix):
            for key, value in node.items():
                path = f"{prefix}{key}"
                if isinstance(value, dict):
                    walk(value, path + ".")
                elif value and (path in self.secret_paths or any(w in key.lower() for w in SECRET_WORDS)):
                    node[key] = "***"
        walk(out, "")
        if "://" in out.get("database_url", "") and "@" in out["database_url"]:
            scheme, rest = out["database_url"].split("://", 1)
            out["database_url"] = f"{scheme}://***@{rest.split('@', 1)[1]}"
        return out


def deep_merge(base: dict, overlay: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and "$env" not in value:
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def read_toml(path: str | os.PathLike) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _parse_env_value(raw: str, current):
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    if isinstance(current, list) and isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(current, bool) and isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
        value = value.lower() in ("true", "yes", "1")
    return value


def from_environment(environ, base: dict) -> dict:
    """The ``JHE_*`` variables as a nested overlay (only names that map to config keys)."""
    overlay: dict = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name in RESERVED_ENV:
            continue
        parts = [p.lower() for p in name[len(ENV_PREFIX):].split("__")]
        if parts[0] not in DEFAULTS:
            continue  # JHE_TEST_..., JHE_BENCH_...: not config
        current = base
        for part in parts:
            current = current.get(part) if isinstance(current, dict) else None
        node = overlay
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _parse_env_value(raw, current)
    return overlay


def resolve_secrets(data: dict, environ, prefix: str = "", found: set | None = None) -> set[str]:
    """Replace ``{"$env": "NAME"}`` values in place; returns the dotted paths that were secrets."""
    found = set() if found is None else found
    for key, value in list(data.items()):
        path = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) == {"$env"}:
            name = value["$env"]
            if name not in environ:
                raise ConfigError(f"{path}: environment variable {name} is not set (secret given as {{\"$env\" = \"{name}\"}})")
            data[key] = environ[name]
            found.add(path)
        elif isinstance(value, dict):
            resolve_secrets(value, environ, path + ".", found)
    return found


def describe_error(error: jsonschema.ValidationError, prefix: str = "") -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    key = f"{prefix}{path}" if path else prefix.rstrip(".") or "config"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{prefix}{path + '.' if path else ''}{extra[0]}: unknown key"
    expected = {
        "type": f"expected {error.validator_value}",
        "enum": f"expected one of {error.validator_value}",
        "pattern": f"expected a value matching {error.validator_value}",
        "minimum": f"expected a number >= {error.validator_value}",
        "maximum": f"expected a number <= {error.validator_value}",
    }.get(error.validator, error.message)
    return f"{key}: {expected}, got {json.dumps(error.instance, default=str)}"


def validate_section(data, schema, prefix: str = ""):
    """Validate against a JSON Schema, filling in defaults; raise ConfigError naming the key."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(describe_error(errors[0], prefix))
    _fill_defaults(data, schema)


def _fill_defaults(data, schema):
    if not isinstance(data, dict):
        return
    for key, sub in schema.get("properties", {}).items():
        if key not in data and "default" in sub:
            data[key] = copy.deepcopy(sub["default"])
        if key in data and isinstance(sub, dict):
            _fill_defaults(data[key], sub)


def load_config(path: str | None = None, overrides: dict | None = None, environ=None) -> Config:
    """Build the effective configuration from all layers (plugin sections are validated later,
    when the plugin manager knows their schemas)."""
    environ = os.environ if environ is None else environ
    path = path or environ.get("JHE_CONFIG")
    data = copy.deepcopy(DEFAULTS)
    if path:
        data = deep_merge(data, read_toml(path))
    data = deep_merge(data, from_environment(environ, data))
    if overrides:
        data = deep_merge(data, overrides)
    secrets = resolve_secrets(data, environ)
    core = {k: v for k, v in data.items()}
    plugin_sections = {k: v for k, v in data.get("plugins", {}).items() if k not in ("enabled", "disabled")}
    core["plugins"] = {k: v for k, v in data.get("plugins", {}).items() if k in ("enabled", "disabled")}
    validate_section(core, CORE_SCHEMA)
    for name, section in plugin_sections.items():
        if not isinstance(section, dict):
            raise ConfigError(f"plugins.{name}: expected a table, got {json.dumps(section, default=str)}")
    if data["fhir"]["default_count"] > data["fhir"]["max_count"]:
        raise ConfigError("fhir.default_count: expected a number <= fhir.max_count")
    return Config(data, secrets, source=str(path) if path else None)


def as_config(config) -> Config:
    """Accept a ``Config``, a plain dict of overrides, or None (defaults + environment)."""
    if isinstance(config, Config):
        return config
    return load_config(overrides=config or {})
