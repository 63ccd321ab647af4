"""Answering a search: parse, apply the type's criteria, count, read one keyset page, write the
searchset Bundle. Each resource type supplies a ``SearchPlan`` (how to filter and render)."""

from dataclasses import dataclass
from typing import Callable

from jhe_core.errors import BadRequest
from jhe_core.fhir.outcome import fhir_base, send_fhir
from jhe_core.fhir.paging import decode_cursor, searchset
from jhe_core.fhir.params import read_search_request
from jhe_core.services.keyset import Keyset, Page


@dataclass
class SearchPlan:
    keyset: Keyset
    columns: list  # selected per row; the first is the id
    cursor_of: Callable  # row -> (sort key, id)
    render: Callable  # rows -> [(id, resource JSON text)]
    key_type: type  # what a cursor's key must be for this sort


def sort_choice(request, allowed: dict, default: str) -> tuple[str, bool]:
    """``(sort parameter, descending)`` from ``_sort``; one key, among ``allowed``."""
    if not request.sort:
        return default, False
    if len(request.sort) > 1:
        raise BadRequest(f"_sort takes one parameter here, got {','.join(request.sort)!r}.", path="_sort")
    name = request.sort[0]
    descending = name.startswith("-")
    name = name.lstrip("-")
    if name not in allowed:
        raise BadRequest(f"_sort must be one of {', '.join(sorted(allowed))} (- for descending), got {name!r}.",
                         path="_sort")
    return name, descending


def answer_search(req, resp, type_name: str, build_plan: Callable) -> None:
    """``build_plan(req, request)`` applies the criteria and returns a ``SearchPlan``; names it
    cannot apply go to ``request.unknown``."""
    request = read_search_request(req, req.context.exchange)
    plan = build_plan(req, request)
    if request.unknown and request.strict:
        raise BadRequest(f"Unsupported search parameters: {', '.join(request.unknown)} "
                         f"(sent with Prefer: handling=strict).", code="not-supported")
    cursor = decode_cursor(request.cursor) if request.cursor else None
    if cursor is not None and not isinstance(cursor.key, plan.key_type):
        raise BadRequest("_cursor belongs to a different sort order; start again from the first page.",
                         path="_cursor")
    total = cursor.total if cursor is not None and cursor.total is not None else plan.keyset.count()
    page = plan.keyset.page(plan.columns, request.count, cursor) if request.count else Page([], False, False)
    text = searchset(fhir_base(req), type_name, request.pairs, total, page, plan.render(page.rows),
                     plan.cursor_of, request.unknown)
    send_fhir(req, resp, text)
