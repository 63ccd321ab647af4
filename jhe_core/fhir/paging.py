"""Searchset Bundles: keyset cursors carried in ``next``/``previous`` links, and the Bundle text.

A cursor is the ``(sort key, id)`` of the row a page continues from, plus the direction and
the search's ``total`` as counted for its first page, encoded URL-safe in ``_cursor``: later
pages report that total instead of counting every match again (a study's ~40,000 rows on every
page of a download). A cursor without a usable total makes the page count afresh.

Links are absolute and repeat every parameter of the request. Entries are stored JSON text
spliced into the Bundle as is (never re-serialised).
"""

import base64
import datetime
import json
from urllib.parse import urlencode

from jhe_core.errors import BadRequest
from jhe_core.fhir.outcome import information_outcome
from jhe_core.services.keyset import Cursor, Page


def encode_cursor(key, row_id: int, forward: bool, total: int) -> str:
    if isinstance(key, datetime.datetime):
        key = {"t": key.isoformat()}
    elif isinstance(key, datetime.date):
        key = {"d": key.isoformat()}
    raw = json.dumps([key, row_id, 1 if forward else 0, total], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> Cursor:
    try:
        key, row_id, forward, *rest = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if isinstance(key, dict) and "t" in key:
            key = datetime.datetime.fromisoformat(key["t"])
        elif isinstance(key, dict) and "d" in key:
            key = datetime.date.fromisoformat(key["d"])
        if not isinstance(row_id, int):
            raise ValueError("id")
        total = rest[0] if len(rest) == 1 and type(rest[0]) is int and rest[0] >= 0 else None
        return Cursor(key, row_id, bool(forward), total)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise BadRequest("_cursor is not a cursor this server issued; start again from the first page.",
                         path="_cursor") from None


def page_url(base: str, type_name: str, pairs, cursor: str | None = None) -> str:
    kept = [(name, value) for name, value in pairs if name != "_cursor"]
    if cursor is not None:
        kept.append(("_cursor", cursor))
    query = urlencode(kept, safe="|:,/")
    return f"{base}/{type_name}" + (f"?{query}" if query else "")


def searchset(base: str, type_name: str, pairs, total: int, page: Page, entries: list[str],
              cursor_of, unknown: list[str]) -> str:
    """The Bundle as JSON text. ``entries`` are the resources' JSON texts; ``cursor_of(row)``
    gives the ``(key, id)`` a link continues from."""
    links = [{"relation": "self", "url": page_url(base, type_name, pairs, _current(pairs))},
             {"relation": "first", "url": page_url(base, type_name, pairs)}]
    if page.rows and page.more_before:
        links.append({"relation": "previous",
                      "url": page_url(base, type_name, pairs, encode_cursor(*cursor_of(page.rows[0]), False, total))})
    if page.rows and page.more_after:
        links.append({"relation": "next",
                      "url": page_url(base, type_name, pairs, encode_cursor(*cursor_of(page.rows[-1]), True, total))})
    parts = [f'{{"fullUrl":{json.dumps(f"{base}/{type_name}/{entry_id}")},"resource":{text},'
             f'"search":{{"mode":"match"}}}}' for entry_id, text in entries]
    if unknown:
        outcome = information_outcome([f"Search parameter {name} is not supported and was ignored."
                                       for name in unknown], code="not-supported")
        parts.append(json.dumps({"resource": outcome, "search": {"mode": "outcome"}}, separators=(",", ":")))
    head = json.dumps({"resourceType": "Bundle", "type": "searchset", "total": total, "link": links},
                      separators=(",", ":"))
    return f'{head[:-1]},"entry":[{",".join(parts)}]}}'


def _current(pairs):
    for name, value in pairs:
        if name == "_cursor":
            return value
    return None
