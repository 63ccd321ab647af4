"""What a caller may see: the patients (and so the observations) visible to an actor.

One definition shared by the FHIR API and /api/v1, so both answer the same question the same
way: a superuser sees everyone; a practitioner sees the patients of the organizations they
hold any role in; a patient sees only themselves; anyone else sees nothing.
"""

import peewee

from jhe_core import models as m
from jhe_core.errors import NotFound
from jhe_core.ids import parse_id
from jhe_core.prepared import Prepared, as_instance


def visible_patient_ids(actor):
    """A subquery of visible patient ids, or None when the actor sees every patient."""
    if actor.is_superuser:
        return None
    return visible_ids_query(actor.practitioner_id, actor.patient_id)


def visible_ids_query(practitioner_id, patient_id, among=None):
    """Patients sharing an organization with the practitioner, plus the patient themselves.
    Joined on the practitioner's memberships, so no request loads the roles to find them.

    :param among: only these patient ids (a search naming its patients): the list the database
        builds then holds a few ids, not every patient the practitioner sees."""
    shared = None
    if practitioner_id is not None:
        shared = (m.PatientOrganization.select(m.PatientOrganization.patient)
                  .join(m.PractitionerOrganization,
                        on=(m.PractitionerOrganization.organization == m.PatientOrganization.organization))
                  .where(m.PractitionerOrganization.practitioner == practitioner_id))
        if among is not None:
            shared = shared.where(m.PatientOrganization.patient.in_(among))
    if patient_id is None:
        return shared if shared is not None else m.Patient.select(m.Patient.id).where(m.Patient.id.is_null())
    own = m.Patient.select(m.Patient.id).where(m.Patient.id == patient_id)
    return own if shared is None else shared | own


def visible_patients(actor):
    """A ``Patient`` query limited to what ``actor`` may see."""
    query = m.Patient.select()
    subquery = visible_patient_ids(actor)
    return query if subquery is None else query.where(m.Patient.id.in_(subquery))


# One compiled query per kind of caller and number of ids: (has practitioner, has patient, n).
_VISIBLE_AMONG = {}


def visible_among(actor, patient_ids: list[int]) -> list[int]:
    """The ids of ``patient_ids`` that ``actor`` may see, in their order (one small query, so a
    search naming its patients needs no visibility condition of its own)."""
    if actor.is_superuser or not patient_ids:
        return list(patient_ids)
    kind = (actor.practitioner_id is not None, actor.patient_id is not None, len(patient_ids))
    prepared = _VISIBLE_AMONG.get(kind)
    if prepared is None:
        practitioner, patient, _ = kind
        prepared = _VISIBLE_AMONG.setdefault(kind, Prepared(lambda p, q, *among: visible_ids_query(
            p if practitioner else None, q if patient else None, among=list(among))))
    found = {row[0] for row in prepared.rows(actor.practitioner_id, actor.patient_id, *patient_ids)}
    return [i for i in patient_ids if i in found]


def get_visible_patient(actor, patient_id) -> m.Patient:
    """The patient, or ``NotFound`` when unknown or not visible (existence is not revealed)."""
    wanted = parse_id(patient_id)
    patient = None if wanted is None else visible_patients(actor).where(m.Patient.id == wanted).first()
    if patient is None:
        raise NotFound(f"Patient {patient_id} not found.")
    return patient


def restrict_observations(query, actor):
    """Limit an ``Observation`` query to the patients ``actor`` may see."""
    subquery = visible_patient_ids(actor)
    return query if subquery is None else query.where(m.Observation.patient.in_(subquery))


def sees_patient(patient_column, practitioner_id, patient_id):
    """A condition true when the row's ``patient_column`` is visible: the patient themselves,
    or an organization shared with the practitioner. Correlated, so checking one row costs a
    few index look-ups however many patients the practitioner sees (``IN (visible ids)`` made
    SQLite list 2,500 patients for every read)."""
    condition = None
    if practitioner_id is not None:
        shared = (m.PatientOrganization.select(peewee.SQL("1"))
                  .join(m.PractitionerOrganization,
                        on=(m.PractitionerOrganization.organization == m.PatientOrganization.organization))
                  .where((m.PatientOrganization.patient == patient_column)
                         & (m.PractitionerOrganization.practitioner == practitioner_id)))
        condition = peewee.fn.EXISTS(shared)
    if patient_id is not None:
        own = patient_column == patient_id
        condition = own if condition is None else condition | own
    return condition if condition is not None else peewee.SQL("0 = 1")


OBSERVATION_READ_FIELDS = (m.Observation.id, m.Observation.resource, m.Observation.version_id,
                           m.Observation.last_updated)
# One compiled query per kind of caller: (superuser, has practitioner, has patient).
_OBSERVATION_READS = {}


def _observation_read(kind):
    superuser, practitioner, patient = kind

    def build(observation_id, practitioner_id, patient_id):
        query = m.Observation.select(*OBSERVATION_READ_FIELDS).where(m.Observation.id == observation_id)
        if superuser:
            return query
        return query.where(sees_patient(m.Observation.patient, practitioner_id if practitioner else None,
                                        patient_id if patient else None))
    return Prepared(build)


def read_visible_observation(actor, observation_id) -> m.Observation | None:
    """The stored resource (id, JSON text, version, last update) of an Observation ``actor``
    may see, or None. Every FHIR read runs this, so its SQL is compiled once."""
    wanted = parse_id(observation_id)
    if wanted is None:
        return None
    kind = (actor.is_superuser, actor.practitioner_id is not None, actor.patient_id is not None)
    prepared = _OBSERVATION_READS.get(kind) or _OBSERVATION_READS.setdefault(kind, _observation_read(kind))
    row = prepared.first(wanted, actor.practitioner_id, actor.patient_id)
    return None if row is None else as_instance(m.Observation, OBSERVATION_READ_FIELDS, row)
