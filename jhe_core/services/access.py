"""What a caller may see: the patients (and so the observations) visible to an actor.

One definition shared by the FHIR API and /api/v1, so both answer the same question the same
way: a superuser sees everyone; a practitioner sees the patients of the organizations they
hold any role in; a patient sees only themselves; anyone else sees nothing.
"""

from jhe_core import models as m
from jhe_core.errors import NotFound
from jhe_core.ids import parse_id


def visible_patient_ids(actor):
    """A subquery of visible patient ids, or None when the actor sees every patient."""
    if actor.is_superuser:
        return None
    if actor.patient is not None and actor.practitioner is None:
        return m.Patient.select(m.Patient.id).where(m.Patient.id == actor.patient.id)
    organization_ids = list(actor.roles)
    ids = (m.PatientOrganization.select(m.PatientOrganization.patient)
           .where(m.PatientOrganization.organization.in_(organization_ids or [-1])))
    if actor.patient is not None:
        ids = ids | m.Patient.select(m.Patient.id).where(m.Patient.id == actor.patient.id)
    return ids


def visible_patients(actor):
    """A ``Patient`` query limited to what ``actor`` may see."""
    query = m.Patient.select()
    subquery = visible_patient_ids(actor)
    return query if subquery is None else query.where(m.Patient.id.in_(subquery))


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
