"""Reading FHIR search parameters: the request's pairs, the result parameters (``_count``,
``_sort``, ``_cursor``...), and values of each search parameter type (token, reference, date).

Repeating a parameter ANDs its values; a comma inside one value ORs them (FHIR search rules).
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from jhe_core.errors import BadRequest, UnsupportedMediaType
from jhe_core.fhir.dates import DateFormatError, parse_range

FORM = "application/x-www-form-urlencoded"
DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")
# Result parameters every search understands (their meaning is applied by the search itself).
RESULT_PARAMS = {"_count", "_cursor", "_sort", "_format", "_total", "_summary"}


@dataclass
class SearchRequest:
    """A search's parameters: ``pairs`` as received (links repeat them), criteria grouped by name."""

    pairs: list[tuple[str, str]]
    count: int
    cursor: str | None = None
    sort: list[str] = field(default_factory=list)
    strict: bool = False
    unknown: list[str] = field(default_factory=list)

    def criteria(self):
        """``(name, modifier, value)`` for every non-result parameter, in order."""
        for name, value in self.pairs:
            if name in RESULT_PARAMS:
                continue
            base, _, modifier = name.partition(":") if not name.startswith("_has:") and "._has:" not in name \
                else (name, "", "")
            yield base, modifier or None, value


def request_pairs(req) -> list[tuple[str, str]]:
    """The query string's pairs, plus a form body's for ``POST .../_search``."""
    pairs = parse_qsl(req.query_string or "", keep_blank_values=True)
    if req.method == "POST":
        media = (req.content_type or "").split(";")[0].strip().lower()
        raw = req.bounded_stream.read()
        if raw:
            if media != FORM:
                raise UnsupportedMediaType(f"POST _search takes a form body ({FORM}), got {media or 'none'!r}.")
            try:
                pairs += parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                raise BadRequest("Form body is not UTF-8.") from None
    return pairs


def prefers_strict(req) -> bool:
    prefer = (req.get_header("Prefer") or "").lower().replace(" ", "")
    return "handling=strict" in prefer.split(",") or "handling=strict" in prefer.split(";")


def read_search_request(req, exchange) -> SearchRequest:
    pairs = request_pairs(req)
    default_count = exchange.config.get("fhir.default_count", 20)
    max_count = exchange.config.get("fhir.max_count", 1000)
    search = SearchRequest(pairs=pairs, count=default_count, strict=prefers_strict(req))
    for name, value in pairs:
        if name == "_count":
            if not value.strip().isdigit():
                raise BadRequest(f"_count must be a non-negative integer, got {value!r}.", path="_count")
            search.count = min(int(value), max_count)
        elif name == "_cursor":
            search.cursor = value
        elif name == "_sort":
            search.sort += [part.strip() for part in value.split(",") if part.strip()]
        elif name == "_summary":
            if value == "count":
                search.count = 0
            elif value != "false":
                search.unknown.append(f"_summary={value}")
        elif name == "_format" and value.lower() not in ("json", "application/json", "application/fhir+json"):
            raise BadRequest(f"_format {value!r} is not supported; this server speaks JSON.", path="_format")
    return search


def split_or(value: str) -> list[str]:
    """The comma-separated alternatives of one value (``\\,`` escapes a comma)."""
    parts, current, escaped = [], "", False
    for char in value:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [part for part in parts if part != ""]


def token(value: str) -> tuple[str | None, str]:
    """``system|code`` -> (system, code); ``|code`` -> ("", code): no system; ``code`` -> (None, code)."""
    system, sep, code = value.partition("|")
    if not sep:
        return None, value
    return system, code


def reference_id(value: str, resource_type: str, param: str) -> str:
    """The id of ``Type/id``, ``id`` or an absolute ``.../Type/id`` reference."""
    if "/" not in value:
        return value
    parts = value.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == resource_type:
        return parts[-1]
    raise BadRequest(f"{param} must reference a {resource_type} ({resource_type}/<id> or <id>), got {value!r}.",
                     path=param)


@dataclass
class DateValue:
    prefix: str
    lo: datetime.datetime
    hi: datetime.datetime


def date_value(value: str, param: str) -> DateValue:
    prefix = value[:2] if value[:2] in DATE_PREFIXES else "eq"
    text = value[2:] if value[:2] in DATE_PREFIXES else value
    try:
        lo, hi = parse_range(text)
    except DateFormatError as exc:
        raise BadRequest(f"{param}: {exc}", path=param) from None
    if prefix == "ap":  # "approximately": 10% of the distance from now, at least a day
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        slack = max(abs(now - lo) / 10, datetime.timedelta(days=1))
        lo, hi = lo - slack, hi + slack
    return DateValue(prefix, lo, hi)


def date_bounds(value: DateValue):
    """``(lo, hi)`` for prefixes that are one range on the value, else None."""
    if value.prefix in ("eq", "ap"):
        return value.lo, value.hi
    if value.prefix == "ge":
        return value.lo, None
    if value.prefix in ("gt", "sa"):
        return value.hi, None
    if value.prefix == "le":
        return None, value.hi
    if value.prefix == "lt":
        return None, value.lo
    return None


def date_condition(value: DateValue, column, end_column=None):
    """A peewee expression for any prefix (``ne`` and ``eb`` included)."""
    if value.prefix == "ne":
        return (column < value.lo) | (column >= value.hi)
    if value.prefix == "eb":
        return (end_column if end_column is not None else column) < value.lo
    lo, hi = date_bounds(value)
    condition = None
    if lo is not None:
        condition = column >= lo
    if hi is not None:
        condition = (column < hi) if condition is None else condition & (column < hi)
    return condition
