"""The core's peewee models. ``CORE_MODELS`` lists them in creation order."""

from peewee import JOIN

from jhe_core.models.accounts import ROLES, Practitioner, PractitionerOrganization, User
from jhe_core.models.base import BaseModel, SchemaVersion, utcnow
from jhe_core.models.codes import CodeableConcept
from jhe_core.models.data_sources import DataSource, DataSourceSupportedScope
from jhe_core.models.oauth import AccessToken, AuthorizationCode, LoginAttempt, OAuthClient, RefreshToken
from jhe_core.models.observations import Observation
from jhe_core.models.organizations import ROOT_ORGANIZATION_ID, Organization
from jhe_core.models.patients import Patient, PatientIdentifier, PatientOrganization
from jhe_core.models.studies import (
    Study,
    StudyDataSource,
    StudyPatient,
    StudyPatientScopeConsent,
    StudyScopeRequest,
)

CORE_MODELS = [
    SchemaVersion,
    Organization,
    User,
    Practitioner,
    PractitionerOrganization,
    Patient,
    PatientIdentifier,
    PatientOrganization,
    CodeableConcept,
    DataSource,
    DataSourceSupportedScope,
    Study,
    StudyPatient,
    StudyScopeRequest,
    StudyDataSource,
    StudyPatientScopeConsent,
    Observation,
    OAuthClient,
    AuthorizationCode,
    RefreshToken,
    AccessToken,
    LoginAttempt,
]

__all__ = [m.__name__ for m in CORE_MODELS] + [
    "JOIN", "BaseModel", "CORE_MODELS", "ROLES", "ROOT_ORGANIZATION_ID", "utcnow",
]
