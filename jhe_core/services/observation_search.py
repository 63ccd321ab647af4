"""Observation search: criteria on the Observation indexes, paged by ``jhe_core.services.keyset``.

``ObservationSearch`` turns search criteria into conditions on the Observation indexes
(patient, code, effective start, last updated, data source, identifier).
"""

import datetime

from jhe_core import models as m
from jhe_core.ids import parse_id, parse_ids
from jhe_core.services.access import sees_patient, visible_among, visible_ids_query
from jhe_core.services.codes import matching_ids
from jhe_core.services.keyset import Bounds, Criterion, Cursor, Keyset, Page

Obs = m.Observation

SORTS = {"date": Obs.effective_start, "_lastUpdated": Obs.last_updated, "_id": Obs.id}

__all__ = ["SORTS", "ObservationSearch", "Bounds", "Cursor", "Keyset", "Page"]


def one_of(column, ids) -> Criterion:
    """``column IN (ids)``."""
    return Criterion((column.name, "in", len(ids)), lambda *p: column.in_(list(p)), tuple(ids))


class ObservationSearch:
    """Criteria for an Observation search, each call ANDed with the others."""

    def __init__(self, actor, sort: str = "date", descending: bool = False):
        self.actor = actor
        self.keyset = Keyset(Obs, [], SORTS[sort], descending)
        self.named_patients = None  # the patient ids a search names, if it does
        self.named_ids = False  # a search by _id: few rows
        self.code_count = None  # how many codes a code criterion matches, if there is one

    def _add(self, condition) -> None:
        self.keyset.conditions.append(condition)

    def _nothing(self) -> None:
        self.keyset.nothing = True

    def _any_of(self, column, ids) -> None:
        self._add(one_of(column, ids)) if ids else self._nothing()

    def patients(self, ids: list) -> None:
        """The patients searched for; ``restricted`` adds the condition once it knows which of
        them the actor may see."""
        ids = parse_ids(ids)
        self.named_patients = ids if self.named_patients is None else [i for i in self.named_patients if i in ids]

    def codes(self, tokens: list[tuple]) -> None:
        """``(system or None, code)`` pairs; a None system matches any system."""
        ids = matching_ids(tokens)
        self.code_count = len(ids) if self.code_count is None else max(self.code_count, len(ids))
        self._any_of(Obs.code, ids)

    def data_sources(self, ids: list) -> None:
        self._any_of(Obs.data_source, parse_ids(ids))

    def ids(self, ids: list) -> None:
        self.named_ids = True
        self._any_of(Obs.id, parse_ids(ids))

    def identifiers(self, tokens: list[tuple]) -> None:
        """``(system, value)`` pairs; a None system matches any system, "" only none."""
        kinds = tuple("none" if system == "" else "any" if system is None else "system" for system, _ in tokens)
        values = tuple(v for system, value in tokens for v in ((value,) if system in ("", None) else (system, value)))

        def build(*placeholders):
            it, condition = iter(placeholders), None
            for kind in kinds:
                if kind == "system":
                    one = (Obs.identifier_system == next(it)) & (Obs.identifier_value == next(it))
                else:
                    one = Obs.identifier_value == next(it)
                    if kind == "none":
                        one = Obs.identifier_system.is_null() & one
                condition = one if condition is None else condition | one
            return condition
        self._add(Criterion(("identifier",) + kinds, build, values))

    def study(self, study_id) -> None:
        """Observations of the study's enrolled patients, for the codes it requests."""
        study_id = parse_id(study_id)
        if study_id is None:
            return self._nothing()
        self._add(Criterion(("study",), lambda study: Obs.patient.in_(
            m.StudyPatient.select(m.StudyPatient.patient).where(m.StudyPatient.study == study)), (study_id,)))
        self._add(Criterion(("study codes",), lambda study: Obs.code.in_(
            m.StudyScopeRequest.select(m.StudyScopeRequest.scope_code).where(m.StudyScopeRequest.study == study)),
            (study_id,)))

    def time_range(self, param: str, lo: datetime.datetime | None, hi: datetime.datetime | None) -> None:
        """``lo <= value < hi`` on ``date`` (effective start) or ``_lastUpdated``."""
        column = SORTS[param]
        if column is self.keyset.sort_column:
            self.keyset.bounds.narrow(lo, hi)
            return
        if lo is not None:
            self._add(Criterion((column.name, ">="), lambda v: column >= v, (column.db_value(lo),)))
        if hi is not None:
            self._add(Criterion((column.name, "<"), lambda v: column < v, (column.db_value(hi),)))

    def time_condition(self, condition) -> None:
        """Any other time criterion (``ne``, ``eb``, OR-lists) as a ready expression."""
        self._add(condition)

    def restricted(self) -> Keyset:
        """The keyset, limited to the patients the actor may see. A search naming its patients
        keeps those the actor sees (one small query) and needs no other condition: the count and
        the page query then carry a plain ``patient IN (...)`` (1.8 -> 0.9 ms a page at 1M on
        SQLite). An ``_id`` search checks its few rows one by one; any other search checks rows
        against the list of visible patients, which the database builds once per query."""
        actor = self.actor
        if self.named_patients is not None:
            visible = visible_among(actor, self.named_patients)
            self._any_of(Obs.patient, visible)
            # One patient (and at most one code) by date: the (patient, [code,] effective_start,
            # id) index holds the matches in order.
            self.keyset.in_index_order = (len(visible) == 1 and self.code_count in (None, 1)
                                          and self.keyset.sort_column is Obs.effective_start)
        elif not actor.is_superuser:
            practitioner, patient = actor.practitioner_id is not None, actor.patient_id is not None
            who = (actor.practitioner_id, actor.patient_id)
            if self.named_ids:
                self._add(Criterion(("sees", practitioner, patient), lambda a, b: sees_patient(
                    Obs.patient, a if practitioner else None, b if patient else None), who))
            else:
                self._add(Criterion(("visible", practitioner, patient), lambda a, b: Obs.patient.in_(
                    visible_ids_query(a if practitioner else None, b if patient else None)), who))
        return self.keyset
