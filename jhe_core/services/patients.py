"""Patients: creation (with the patient's login account), demographics, organization membership.

Rules of the guides kept here: one account per email ("User with this email already exists"),
removing a patient from an organization also ends their enrollments (and consents) in that
organization's studies, and removing them from their last organization deletes their
observations, their record and their account.
"""

import datetime

from jhe_core import models as m
from jhe_core.auth import token_cache
from jhe_core.errors import BadRequest, NotFound
from jhe_core.models.base import create_with_id_floor, utcnow
from jhe_core.models.patients import FIRST_PATIENT_ID
from jhe_core.services.accounts import normalize_email

EMAIL_TAKEN = "User with this email already exists"
DEMOGRAPHICS = ("name_family", "name_given", "birth_date", "telecom_phone", "identifier")


def get_patient(patient_id) -> m.Patient:
    patient = m.Patient.get_or_none(m.Patient.id == patient_id)
    if patient is None:
        raise NotFound(f"Patient {patient_id} not found.")
    return patient


def check_email_free(email: str, *, except_user_id=None) -> str:
    try:
        email = normalize_email(email)
    except BadRequest:
        raise BadRequest(f"telecomEmail must be a valid email address, got {email!r}.",
                         path="telecomEmail") from None
    taken = m.User.select().where(m.User.email == email)
    if except_user_id is not None:
        taken = taken.where(m.User.id != except_user_id)
    if taken.exists():
        raise BadRequest(EMAIL_TAKEN, path="telecomEmail")
    return email


def create_patient(*, email: str, name_family: str, name_given: str, birth_date: datetime.date,
                   organization: m.Organization, telecom_phone=None, identifier=None,
                   identifiers=()) -> m.Patient:
    """Create a patient, their login account (no password: they sign in through an
    invitation) and their membership of ``organization``, in one transaction."""
    if organization.id == m.ROOT_ORGANIZATION_ID:
        raise BadRequest("Patients cannot belong to the ROOT organization.", path="organizationId")
    email = check_email_free(email)
    with m.Patient._meta.database.atomic():
        user = m.User.create(email=email, first_name=name_given, last_name=name_family,
                             user_type="patient", password_hash=None)
        patient = create_with_id_floor(m.Patient, FIRST_PATIENT_ID, user=user, name_family=name_family,
                                       name_given=name_given, birth_date=birth_date,
                                       telecom_phone=telecom_phone, identifier=identifier)
        replace_identifiers(patient, identifiers)
        m.PatientOrganization.create(patient=patient, organization=organization)
    return patient


def replace_identifiers(patient: m.Patient, identifiers) -> None:
    """Make the patient's extra ``(system, value)`` identifiers exactly ``identifiers``."""
    unique = list(dict.fromkeys((system, value) for system, value in identifiers))
    m.PatientIdentifier.delete().where(m.PatientIdentifier.patient == patient).execute()
    for system, value in unique:
        m.PatientIdentifier.create(patient=patient, system=system, value=value)


def update_patient(patient: m.Patient, changes: dict) -> m.Patient:
    """Apply demographic changes; ``email`` changes the login email; ``identifiers``
    replaces the extra identifiers. Keys absent from ``changes`` stay as they are."""
    with m.Patient._meta.database.atomic():
        user = patient.user
        if "email" in changes:
            user.email = check_email_free(changes["email"], except_user_id=user.id)
        for field in DEMOGRAPHICS:
            if field in changes:
                setattr(patient, field, changes[field])
        user.first_name, user.last_name = patient.name_given, patient.name_family
        user.save()
        if "identifiers" in changes:
            replace_identifiers(patient, changes["identifiers"])
        patient.last_updated = utcnow()
        patient.save()
    return patient


def find_by_email(email: str) -> list[m.Patient]:
    """Patients whose login email is ``email`` (across every organization)."""
    email = (email or "").strip().lower()
    return list(m.Patient.select(m.Patient, m.User).join(m.User).where(m.User.email == email)
                .order_by(m.Patient.id))


def add_to_organization(patient: m.Patient, organization: m.Organization) -> None:
    if organization.id == m.ROOT_ORGANIZATION_ID:
        raise BadRequest("Patients cannot belong to the ROOT organization.", path="organization_id")
    m.PatientOrganization.insert(patient=patient, organization=organization).on_conflict_ignore().execute()


def organization_ids_of(patient_id) -> list[int]:
    return [link.organization_id for link in m.PatientOrganization
            .select(m.PatientOrganization.organization)
            .where(m.PatientOrganization.patient == patient_id)
            .order_by(m.PatientOrganization.organization)]


def remove_from_organization(patient: m.Patient, organization: m.Organization) -> bool:
    """Remove the patient from ``organization`` and its studies (consents go with the
    enrollments). From the last organization, delete observations, record and account.

    :returns: True when the patient was deleted entirely.
    """
    if organization.id not in organization_ids_of(patient.id):
        raise BadRequest(f"Patient {patient.id} does not belong to organization {organization.id}.",
                         path="organization_id")
    with m.Patient._meta.database.atomic():
        studies = m.Study.select(m.Study.id).where(m.Study.organization == organization.id)
        enrollments = m.StudyPatient.select(m.StudyPatient.id).where(
            (m.StudyPatient.patient == patient.id) & m.StudyPatient.study.in_(studies))
        m.StudyPatientScopeConsent.delete().where(
            m.StudyPatientScopeConsent.study_patient.in_(enrollments)).execute()
        m.StudyPatient.delete().where(
            (m.StudyPatient.patient == patient.id) & m.StudyPatient.study.in_(studies)).execute()
        m.PatientOrganization.delete().where(
            (m.PatientOrganization.patient == patient.id)
            & (m.PatientOrganization.organization == organization.id)).execute()
        if organization_ids_of(patient.id):
            return False
        delete_patient_entirely(patient)
        return True


def delete_patient_entirely(patient: m.Patient) -> None:
    """Observations, consents, enrollments, identifiers, invitations, the record and the account."""
    enrollments = m.StudyPatient.select(m.StudyPatient.id).where(m.StudyPatient.patient == patient.id)
    m.StudyPatientScopeConsent.delete().where(m.StudyPatientScopeConsent.study_patient.in_(enrollments)).execute()
    m.StudyPatient.delete().where(m.StudyPatient.patient == patient.id).execute()
    m.Observation.delete().where(m.Observation.patient == patient.id).execute()
    m.PatientIdentifier.delete().where(m.PatientIdentifier.patient == patient.id).execute()
    m.PatientOrganization.delete().where(m.PatientOrganization.patient == patient.id).execute()
    m.AuthorizationCode.delete().where(m.AuthorizationCode.patient == patient.id).execute()
    user_id = patient.user_id
    patient.delete_instance()
    # The account goes too unless it also serves as a practitioner login.
    if not m.Practitioner.select().where(m.Practitioner.user == user_id).exists():
        m.AccessToken.delete().where(m.AccessToken.user == user_id).execute()
        m.RefreshToken.delete().where(m.RefreshToken.user == user_id).execute()
        m.AuthorizationCode.delete().where(m.AuthorizationCode.user == user_id).execute()
        m.User.delete().where(m.User.id == user_id).execute()
        token_cache.forget_all()
