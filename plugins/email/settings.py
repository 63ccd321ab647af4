"""The ``[plugins.email]`` config section: its JSON Schema and the derived values the backends need."""

from pathlib import Path

BACKENDS = ("outbox", "console", "smtp", "none")
SECURITY_MODES = ("starttls", "tls", "none")
# The port each security mode conventionally listens on (RFC 8314 for implicit TLS, RFC 6409 submission).
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}

SMTP_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "default": {},
    "properties": {
        "host": {"type": "string", "minLength": 1, "default": "localhost"},
        "port": {"type": ["integer", "null"], "minimum": 1, "maximum": 65535, "default": None},
        "security": {"enum": list(SECURITY_MODES), "default": "starttls"},
        "username": {"type": "string", "default": ""},
        "password": {"type": "string", "default": ""},
        "timeout": {"type": "number", "exclusiveMinimum": 0, "default": 10},
        "retries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 2},
        "backoff_seconds": {"type": "number", "minimum": 0, "maximum": 60, "default": 1.0},
        "ca_file": {"type": "string", "default": ""},
        "verify": {"type": "boolean", "default": True},
    },
}

EMAIL_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "backend": {"enum": list(BACKENDS), "default": "outbox"},
        "from_address": {"type": "string", "minLength": 3,
                         "default": "JupyterHealth Exchange <no-reply@localhost>"},
        "site_name": {"type": "string", "default": "JupyterHealth Exchange"},
        "outbox_dir": {"type": "string", "default": ""},
        "templates_dir": {"type": "string", "default": ""},
        "smtp": SMTP_SCHEMA,
    },
}


def email_settings(exchange) -> dict:
    """The validated ``[plugins.email]`` section (schema defaults already filled in)."""
    return exchange.plugin_config("email")


def outbox_dir(exchange) -> Path:
    configured = email_settings(exchange).get("outbox_dir")
    return Path(configured).expanduser() if configured else exchange.config.data_dir / "outbox"


def templates_dir(exchange) -> Path | None:
    configured = email_settings(exchange).get("templates_dir")
    return Path(configured).expanduser() if configured else None


def smtp_port(smtp: dict) -> int:
    return smtp.get("port") or DEFAULT_PORTS[smtp.get("security", "starttls")]
