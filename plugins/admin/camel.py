"""camelCase on the wire, snake_case inside: requests are accepted in either spelling."""

import re

_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """``telecomEmail`` -> ``telecom_email``; snake_case names are returned unchanged."""
    return _UPPER.sub(r"_\1", name).lower()


def camel(name: str) -> str:
    """``telecom_email`` -> ``telecomEmail``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake_keys(value):
    """The same JSON value with every object key in snake_case (recursively)."""
    if isinstance(value, dict):
        return {snake(key) if isinstance(key, str) else key: snake_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return value
