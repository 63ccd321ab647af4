"""Search query builders: filters on indexed columns, counts, and keyset (seek) paging.

``Keyset`` pages any query by ``(sort column, id)``: each page starts strictly after (or
before) the last row of the previous one, so a deep page costs what the first costs and rows
inserted meanwhile never shift a page. On SQLite the cursor must *replace* the query's lower
bound on the sort column (``col >= max(lo, cursor)``), otherwise SQLite seeks from ``lo`` and
filters every row up to the cursor; so range filters on the sort column are kept apart
(``bounds``) and merged with the cursor when the query is built.

``ObservationSearch`` turns search criteria into conditions on the Observation indexes
(patient, code, effective start, last updated, data source, identifier).
"""

import datetime
from dataclasses import dataclass, field

import peewee

from jhe_core import models as m
from jhe_core.services.access import visible_patient_ids
from jhe_core.ids import parse_id, parse_ids
from jhe_core.services.codes import matching_ids

Obs = m.Observation


@dataclass
class Bounds:
    """A range on the sort column: ``lo`` inclusive, ``hi`` exclusive (None: open)."""

    lo: object = None
    hi: object = None

    def narrow(self, lo=None, hi=None) -> None:
        if lo is not None and (self.lo is None or lo > self.lo):
            self.lo = lo
        if hi is not None and (self.hi is None or hi < self.hi):
            self.hi = hi

    @property
    def empty(self) -> bool:
        return self.lo is not None and self.hi is not None and self.lo >= self.hi


@dataclass
class Cursor:
    """Where a page starts: after (``forward``) or before the row ``(key, id)``."""

    key: object
    id: int
    forward: bool = True


@dataclass
class Page:
    rows: list  # tuples selected by the caller's columns, in display order
    more_after: bool
    more_before: bool


@dataclass
class Keyset:
    """A filtered query paged by ``(sort column, id)``."""

    model: type
    conditions: list
    sort_column: peewee.Field
    descending: bool = False
    bounds: Bounds = field(default_factory=Bounds)
    nothing: bool = False  # a criterion that can match no row

    def _where(self, query, bounds: Bounds):
        for condition in self.conditions:
            query = query.where(condition)
        if bounds.lo is not None:
            query = query.where(self.sort_column >= bounds.lo)
        if bounds.hi is not None:
            query = query.where(self.sort_column < bounds.hi)
        return query

    def count(self) -> int:
        if self.nothing or self.bounds.empty:
            return 0
        return self._where(self.model.select(peewee.fn.COUNT(self.model.id)), self.bounds).scalar() or 0

    def page(self, columns, count: int, cursor: Cursor | None = None) -> Page:
        """Up to ``count`` rows of ``columns`` (tuples), starting at ``cursor``."""
        if self.nothing or self.bounds.empty or count <= 0:
            return Page([], False, False)
        key, ident = self.sort_column, self.model.id
        bounds = Bounds(self.bounds.lo, self.bounds.hi)
        # Reading "before" a cursor walks the order backwards, then flips the rows.
        ascending = (not self.descending) if (cursor is None or cursor.forward) else self.descending
        query = self._where(self.model.select(*columns), Bounds())
        if cursor is not None and key is not ident:
            query = query.where(peewee.Tuple(key, ident) > peewee.Tuple(key.db_value(cursor.key), cursor.id) if ascending
                                else peewee.Tuple(key, ident) < peewee.Tuple(key.db_value(cursor.key), cursor.id))
            if ascending:  # the cursor replaces the lower bound (see module docstring)
                bounds.lo = cursor.key if bounds.lo is None else max(bounds.lo, cursor.key)
                query = query.where(key >= bounds.lo)
                if bounds.hi is not None:
                    query = query.where(key < bounds.hi)
            else:
                if bounds.lo is not None:
                    query = query.where(key >= bounds.lo)
                if bounds.hi is not None and bounds.hi <= cursor.key:
                    query = query.where(key < bounds.hi)
                else:
                    query = query.where(key <= cursor.key)
        else:
            if cursor is not None:
                query = query.where(ident > cursor.id if ascending else ident < cursor.id)
            if bounds.lo is not None:
                query = query.where(key >= bounds.lo)
            if bounds.hi is not None:
                query = query.where(key < bounds.hi)
        order = [key.asc(), ident.asc()] if ascending else [key.desc(), ident.desc()]
        if key is ident:
            order = order[:1]
        rows = list(query.order_by(*order).limit(count + 1).tuples())
        more = len(rows) > count
        rows = rows[:count]
        if cursor is None:
            return Page(rows, more_after=more, more_before=False)
        if cursor.forward:
            return Page(rows, more_after=more, more_before=True)
        rows.reverse()
        return Page(rows, more_after=True, more_before=more)


SORTS = {"date": Obs.effective_start, "_lastUpdated": Obs.last_updated, "_id": Obs.id}


class ObservationSearch:
    """Criteria for an Observation search, each call ANDed with the others."""

    def __init__(self, actor, sort: str = "date", descending: bool = False):
        self.actor = actor
        self.keyset = Keyset(Obs, [], SORTS[sort], descending)

    def _add(self, condition) -> None:
        self.keyset.conditions.append(condition)

    def _nothing(self) -> None:
        self.keyset.nothing = True

    def patients(self, ids: list) -> None:
        ids = parse_ids(ids)
        self._add(Obs.patient.in_(ids)) if ids else self._nothing()

    def codes(self, tokens: list[tuple]) -> None:
        """``(system or None, code)`` pairs; a None system matches any system."""
        wanted = matching_ids(tokens)
        self._add(Obs.code.in_(wanted)) if wanted else self._nothing()

    def data_sources(self, ids: list) -> None:
        ids = parse_ids(ids)
        self._add(Obs.data_source.in_(ids)) if ids else self._nothing()

    def ids(self, ids: list) -> None:
        ids = parse_ids(ids)
        self._add(Obs.id.in_(ids)) if ids else self._nothing()

    def identifiers(self, tokens: list[tuple]) -> None:
        """``(system, value)`` pairs; a None system matches any system, "" only none."""
        condition = None
        for system, value in tokens:
            one = Obs.identifier_value == value
            if system == "":
                one = Obs.identifier_system.is_null() & one
            elif system is not None:
                one = (Obs.identifier_system == system) & one
            condition = one if condition is None else condition | one
        self._add(condition)

    def study(self, study_id) -> None:
        """Observations of the study's enrolled patients, for the codes it requests."""
        study_id = parse_id(study_id)
        if study_id is None:
            return self._nothing()
        self._add(Obs.patient.in_(m.StudyPatient.select(m.StudyPatient.patient)
                                  .where(m.StudyPatient.study == study_id)))
        self._add(Obs.code.in_(m.StudyScopeRequest.select(m.StudyScopeRequest.scope_code)
                               .where(m.StudyScopeRequest.study == study_id)))

    def time_range(self, param: str, lo: datetime.datetime | None, hi: datetime.datetime | None) -> None:
        """``lo <= value < hi`` on ``date`` (effective start) or ``_lastUpdated``."""
        column = SORTS[param]
        if column is self.keyset.sort_column:
            self.keyset.bounds.narrow(lo, hi)
            return
        if lo is not None:
            self._add(column >= lo)
        if hi is not None:
            self._add(column < hi)

    def time_condition(self, condition) -> None:
        """Any other time criterion (``ne``, ``eb``, OR-lists) as a ready expression."""
        self._add(condition)

    def restricted(self) -> Keyset:
        """The keyset, limited to the patients the actor may see."""
        visible = visible_patient_ids(self.actor)
        if visible is not None:
            self.keyset.conditions.append(Obs.patient.in_(visible))
        return self.keyset
