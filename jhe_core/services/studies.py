"""Studies: creation, enrollment, the data types they request and the data sources they use.

Rules of the guides kept here: a patient joins only studies of an organization they belong to
("Patient and study must share the same organization"); leaving a study deletes the patient's
consents for it but keeps their observations; deleting a study removes its enrollments and
consents (observations stay with their patients).
"""

from jhe_core import models as m
from jhe_core.errors import BadRequest, NotFound
from jhe_core.models.base import create_with_id_floor
from jhe_core.models.studies import FIRST_STUDY_ID

SAME_ORGANIZATION = "Patient and study must share the same organization"


def get_study(study_id) -> m.Study:
    study = m.Study.get_or_none(m.Study.id == study_id)
    if study is None:
        raise NotFound(f"Study {study_id} not found.")
    return study


def visible_studies(actor):
    """Studies of the organizations the actor holds a role in (all for a superuser), by id."""
    query = m.Study.select()
    if not actor.is_superuser:
        query = query.where(m.Study.organization.in_(list(actor.roles) or [-1]))
    return query.order_by(m.Study.id)


def create_study(*, name: str, description: str, organization: m.Organization, icon_url=None) -> m.Study:
    if organization.id == m.ROOT_ORGANIZATION_ID:
        raise BadRequest("Studies cannot belong to the ROOT organization.", path="organization")
    return create_with_id_floor(m.Study, FIRST_STUDY_ID, name=name, description=description,
                                organization=organization, icon_url=icon_url)


def update_study(study: m.Study, changes: dict) -> m.Study:
    """Change ``name``, ``description`` and ``icon_url``; the organization is fixed."""
    for field in ("name", "description", "icon_url"):
        if field in changes:
            setattr(study, field, changes[field])
    study.save()
    return study


def delete_study(study: m.Study) -> None:
    with m.Study._meta.database.atomic():
        enrollments = m.StudyPatient.select(m.StudyPatient.id).where(m.StudyPatient.study == study.id)
        m.StudyPatientScopeConsent.delete().where(
            m.StudyPatientScopeConsent.study_patient.in_(enrollments)).execute()
        m.StudyPatient.delete().where(m.StudyPatient.study == study.id).execute()
        m.StudyScopeRequest.delete().where(m.StudyScopeRequest.study == study.id).execute()
        m.StudyDataSource.delete().where(m.StudyDataSource.study == study.id).execute()
        study.delete_instance()


def _existing_patients(patient_ids, path: str) -> list[m.Patient]:
    found = {p.id: p for p in m.Patient.select().where(m.Patient.id.in_(list(patient_ids)))}
    missing = [pid for pid in patient_ids if pid not in found]
    if missing:
        raise BadRequest(f"Patient {missing[0]} not found.", path=path)
    return [found[pid] for pid in dict.fromkeys(patient_ids)]


def enroll_patients(study: m.Study, patient_ids, *, path: str = "patient_ids") -> list[m.Patient]:
    """Enroll every patient (idempotent); all or none: one outsider fails the request."""
    patients = _existing_patients(patient_ids, path)
    members = {link.patient_id for link in m.PatientOrganization.select(m.PatientOrganization.patient).where(
        (m.PatientOrganization.organization == study.organization_id)
        & m.PatientOrganization.patient.in_([p.id for p in patients]))}
    for patient in patients:
        if patient.id not in members:
            raise BadRequest(SAME_ORGANIZATION, path=path)
    with m.Study._meta.database.atomic():
        for patient in patients:
            m.StudyPatient.insert(study=study, patient=patient).on_conflict_ignore().execute()
    return patients


def unenroll_patients(study: m.Study, patient_ids, *, path: str = "patient_ids") -> list[m.Patient]:
    """Remove patients from the study with their consents for it; observations stay."""
    patients = _existing_patients(patient_ids, path)
    ids = [p.id for p in patients]
    with m.Study._meta.database.atomic():
        enrollments = m.StudyPatient.select(m.StudyPatient.id).where(
            (m.StudyPatient.study == study.id) & m.StudyPatient.patient.in_(ids))
        m.StudyPatientScopeConsent.delete().where(
            m.StudyPatientScopeConsent.study_patient.in_(enrollments)).execute()
        m.StudyPatient.delete().where((m.StudyPatient.study == study.id) & m.StudyPatient.patient.in_(ids)).execute()
    return patients


def get_code(code_id, *, path: str = "scope_code_id") -> m.CodeableConcept:
    code = m.CodeableConcept.get_or_none(m.CodeableConcept.id == code_id)
    if code is None:
        raise BadRequest(f"Scope code {code_id} not found.", path=path)
    return code


def add_scope_request(study: m.Study, code_id) -> m.CodeableConcept:
    code = get_code(code_id)
    m.StudyScopeRequest.insert(study=study, scope_code=code).on_conflict_ignore().execute()
    return code


def remove_scope_request(study: m.Study, code_id) -> None:
    """Stop requesting a code; answers given for it in this study go too (consents exist
    only for requested codes)."""
    code = get_code(code_id)
    request = m.StudyScopeRequest.get_or_none(study=study, scope_code=code)
    if request is None:
        raise BadRequest(f"Study {study.id} does not request scope code {code.id}.", path="scope_code_id")
    with m.Study._meta.database.atomic():
        enrollments = m.StudyPatient.select(m.StudyPatient.id).where(m.StudyPatient.study == study.id)
        m.StudyPatientScopeConsent.delete().where(
            m.StudyPatientScopeConsent.study_patient.in_(enrollments)
            & (m.StudyPatientScopeConsent.scope_code == code.id)).execute()
        request.delete_instance()


def get_data_source(data_source_id, *, path: str = "data_source_id") -> m.DataSource:
    source = m.DataSource.get_or_none(m.DataSource.id == data_source_id)
    if source is None:
        raise BadRequest(f"Data source {data_source_id} not found.", path=path)
    return source


def add_data_source(study: m.Study, data_source_id) -> m.DataSource:
    source = get_data_source(data_source_id)
    m.StudyDataSource.insert(study=study, data_source=source).on_conflict_ignore().execute()
    return source


def remove_data_source(study: m.Study, data_source_id) -> None:
    source = get_data_source(data_source_id)
    deleted = m.StudyDataSource.delete().where(
        (m.StudyDataSource.study == study.id) & (m.StudyDataSource.data_source == source.id)).execute()
    if not deleted:
        raise BadRequest(f"Study {study.id} does not use data source {source.id}.", path="data_source_id")


def requested_codes(study_ids) -> dict[int, list[m.CodeableConcept]]:
    """study id -> the codes it requests, ordered by code id."""
    result: dict[int, list] = {sid: [] for sid in study_ids}
    rows = (m.StudyScopeRequest.select(m.StudyScopeRequest, m.CodeableConcept).join(m.CodeableConcept)
            .where(m.StudyScopeRequest.study.in_(list(study_ids) or [-1]))
            .order_by(m.CodeableConcept.id))
    for row in rows:
        result[row.study_id].append(row.scope_code)
    return result


def study_data_sources(study_ids) -> dict[int, list[m.DataSource]]:
    result: dict[int, list] = {sid: [] for sid in study_ids}
    rows = (m.StudyDataSource.select(m.StudyDataSource, m.DataSource).join(m.DataSource)
            .where(m.StudyDataSource.study.in_(list(study_ids) or [-1]))
            .order_by(m.DataSource.id))
    for row in rows:
        result[row.study_id].append(row.data_source)
    return result


def enrolled_patients(study_ids) -> dict[int, list[m.Patient]]:
    result: dict[int, list] = {sid: [] for sid in study_ids}
    rows = (m.StudyPatient.select(m.StudyPatient, m.Patient).join(m.Patient)
            .where(m.StudyPatient.study.in_(list(study_ids) or [-1]))
            .order_by(m.Patient.id))
    for row in rows:
        result[row.study_id].append(row.patient)
    return result
