"""Reading request input at the edge: every problem is a 400 naming the field as the client
spelled it (camelCase or snake_case), before any service runs."""

import datetime

from jhe_core.errors import BadRequest
from jhe_core.http import json_object

from jhe_plugins.admin.camel import camel, snake, snake_keys

# Ids are 32-bit integer columns on PostgreSQL; anything larger cannot name a row.
MAX_ID = 2**31 - 1
UNSET = object()


def _bad(label: str, problem: str):
    return BadRequest(f"{label} {problem}", path=label)


def parse_id(value, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _bad(label, "must be an integer id.")
    try:
        number = int(value)
    except ValueError:
        raise _bad(label, f"must be an integer id, got {value!r}.") from None
    if not 0 <= number <= MAX_ID:
        raise _bad(label, f"must be an id between 0 and {MAX_ID}, got {number}.")
    return number


def query_id(req, name: str, *, required: bool = False):
    """An id from the query string (``organization_id=1``), or None when absent."""
    raw = req.get_param(name)
    if raw is None or raw == "":
        if required:
            raise _bad(name, "is required.")
        return None
    return parse_id(raw, name)


class Body:
    """A JSON object from the request, keys normalised to snake_case; ``labels`` remembers
    how the client spelled each key so errors can repeat it."""

    def __init__(self, data: dict, prefix: str = ""):
        self.labels = {snake(key): key for key in data if isinstance(key, str)}
        self.data = snake_keys(data)
        self.prefix = prefix

    @classmethod
    def from_request(cls, req, *, required: bool = True) -> "Body":
        return cls(json_object(req, required=required))

    def label(self, name: str) -> str:
        return self.prefix + self.labels.get(name, camel(name))

    def has(self, name: str) -> bool:
        return name in self.data

    def _get(self, name, required, nullable):
        if name not in self.data:
            if required:
                raise _bad(self.label(name), "is required.")
            return UNSET
        value = self.data[name]
        if value is None and (required or not nullable):
            raise _bad(self.label(name), "may not be null.")
        return value

    def text(self, name, *, required=False, nullable=False, max_length=255, allow_blank=False, default=None):
        value = self._get(name, required, nullable)
        if value is UNSET or value is None:
            return default if value is UNSET else None
        label = self.label(name)
        if not isinstance(value, str):
            raise _bad(label, "must be a string.")
        value = value.strip()
        if "\x00" in value:
            raise _bad(label, "may not contain NUL characters.")
        if not value and not allow_blank:
            if nullable:
                return None
            raise _bad(label, "may not be blank.")
        if max_length and len(value) > max_length:
            raise _bad(label, f"must be at most {max_length} characters.")
        return value

    def date(self, name, *, required=False, default=None):
        value = self._get(name, required, False)
        if value is UNSET:
            return default
        label = self.label(name)
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise _bad(label, f"must be a date in YYYY-MM-DD format, got {value!r}.") from None

    def boolean(self, name, *, required=False, default=None):
        value = self._get(name, required, False)
        if value is UNSET:
            return default
        if not isinstance(value, bool):
            raise _bad(self.label(name), "must be true or false.")
        return value

    def id(self, name, *, required=False, default=None):
        value = self._get(name, required, False)
        if value is UNSET:
            return default
        return parse_id(value, self.label(name))

    def id_list(self, name, *, required=False, max_items=1000):
        value = self._get(name, required, False)
        if value is UNSET:
            return None
        label = self.label(name)
        if not isinstance(value, list) or not value:
            raise _bad(label, "must be a non-empty list of integer ids.")
        if len(value) > max_items:
            raise _bad(label, f"may list at most {max_items} ids.")
        return [parse_id(item, f"{label}[{index}]") for index, item in enumerate(value)]

    def objects(self, name, *, required=False, max_items=1000) -> list["Body"]:
        """A list of JSON objects, each as a ``Body`` whose errors name its position."""
        value = self._get(name, required, False)
        if value is UNSET:
            return []
        label = self.label(name)
        if not isinstance(value, list) or not value:
            raise _bad(label, "must be a non-empty list of objects.")
        if len(value) > max_items:
            raise _bad(label, f"may list at most {max_items} items.")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise _bad(f"{label}[{index}]", "must be an object.")
            body = Body({}, prefix=f"{label}[{index}].")
            body.data = item  # already snake_case (the parent converted recursively)
            body.labels = {key: camel(key) for key in item}
            items.append(body)
        return items

    def reference_id(self, name, *, required=False, default=None):
        """An id given bare (``1``) or as an object with an ``id`` (``{"id": 1, ...}``)."""
        value = self._get(name, required, False)
        if value is UNSET:
            return default
        if isinstance(value, dict):
            if "id" not in value:
                raise _bad(self.label(name), "must be an id or an object with an id.")
            value = value["id"]
        return parse_id(value, self.label(name))


def query_text(req, name: str, *, required: bool = False, max_length: int = 255):
    """A string from the query string, stripped; None when absent or blank."""
    value = (req.get_param(name) or "").strip()
    if not value:
        if required:
            raise _bad(name, "is required.")
        return None
    if "\x00" in value:
        raise _bad(name, "may not contain NUL characters.")
    if len(value) > max_length:
        raise _bad(name, f"must be at most {max_length} characters.")
    return value
