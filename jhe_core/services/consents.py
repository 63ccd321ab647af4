"""Consents: a patient's answer (yes or no, and when) for each code a study requests.

A patient answers only for studies they are enrolled in and only for codes those studies
request. A study is "pending" while some requested code has no answer yet.
"""

from dataclasses import dataclass, field

from jhe_core import models as m
from jhe_core.errors import BadRequest
from jhe_core.models.base import utcnow
from jhe_core.services.studies import requested_codes


@dataclass
class StudyConsents:
    study: m.Study
    answered: list = field(default_factory=list)  # [(code, consented, consented_time)]
    pending: list = field(default_factory=list)  # [code]


@dataclass
class ConsentOverview:
    patient: m.Patient
    consented_codes: list  # codes consented to in at least one study, by id
    studies: list  # [StudyConsents], by study id


def enrolled_studies(patient, study_filter=None):
    """The studies the patient is enrolled in (optionally narrowed by a ``Study`` query)."""
    query = (m.Study.select(m.Study, m.Organization).join(m.Organization)
             .switch(m.Study).join(m.StudyPatient)
             .where(m.StudyPatient.patient == patient.id).order_by(m.Study.id))
    if study_filter is not None:
        query = query.where(m.Study.id.in_(study_filter.select(m.Study.id)))
    return list(query)


def overview(patient: m.Patient, study_filter=None) -> ConsentOverview:
    studies = enrolled_studies(patient, study_filter)
    codes_by_study = requested_codes([s.id for s in studies])
    answers: dict[int, dict[int, m.StudyPatientScopeConsent]] = {}
    rows = (m.StudyPatientScopeConsent
            .select(m.StudyPatientScopeConsent, m.StudyPatient, m.CodeableConcept)
            .join(m.StudyPatient).switch(m.StudyPatientScopeConsent).join(m.CodeableConcept)
            .where(m.StudyPatient.patient == patient.id))
    for row in rows:
        answers.setdefault(row.study_patient.study_id, {})[row.scope_code_id] = row
    result, consented = [], {}
    for study in studies:
        entry = StudyConsents(study)
        given = answers.get(study.id, {})
        for code in codes_by_study[study.id]:
            answer = given.get(code.id)
            if answer is None:
                entry.pending.append(code)
            else:
                entry.answered.append((code, answer.consented, answer.consented_time))
                if answer.consented:
                    consented[code.id] = code
        result.append(entry)
    return ConsentOverview(patient, [consented[k] for k in sorted(consented)], result)


def record_consents(patient: m.Patient, decisions) -> None:
    """Store answers ``[(study, code, consented)]`` in one transaction, replacing earlier
    answers for the same study and code. Every decision is checked before anything is written."""
    enrollments = {row.study_id: row for row in m.StudyPatient.select().where(m.StudyPatient.patient == patient.id)}
    requested = requested_codes(list({study.id for study, _, _ in decisions}))
    for study, code, _ in decisions:
        if study.id not in enrollments:
            raise BadRequest(f"Patient {patient.id} is not enrolled in study {study.id}.",
                             path="studyScopeConsents.studyId")
        if code.id not in {c.id for c in requested[study.id]}:
            raise BadRequest(f"Study {study.id} does not request {code.coding_code}.",
                             path="studyScopeConsents.scopeConsents.codingCode")
    now = utcnow()
    with m.StudyPatient._meta.database.atomic():
        for study, code, consented in decisions:
            enrollment = enrollments[study.id]
            existing = m.StudyPatientScopeConsent.get_or_none(study_patient=enrollment, scope_code=code)
            if existing is None:
                m.StudyPatientScopeConsent.create(study_patient=enrollment, scope_code=code,
                                                  consented=consented, consented_time=now)
            else:
                existing.consented, existing.consented_time = consented, now
                existing.save()


def find_code(system, code) -> m.CodeableConcept | None:
    query = m.CodeableConcept.select().where(m.CodeableConcept.coding_code == code)
    if system:
        query = query.where(m.CodeableConcept.coding_system == system)
    return query.order_by(m.CodeableConcept.id).first()
