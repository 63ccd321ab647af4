"""Studies, enrollment, the data types a study requests, its data sources, and consents."""

import peewee

from jhe_core.models.base import BaseModel, utcnow
from jhe_core.models.codes import CodeableConcept
from jhe_core.models.data_sources import DataSource
from jhe_core.models.organizations import Organization
from jhe_core.models.patients import Patient

FIRST_STUDY_ID = 10001


class Study(BaseModel):
    name = peewee.CharField(max_length=255)
    description = peewee.TextField(default="")
    organization = peewee.ForeignKeyField(Organization, backref="studies", on_delete="RESTRICT")
    icon_url = peewee.CharField(max_length=1000, null=True)
    created = peewee.DateTimeField(default=utcnow)


class StudyPatient(BaseModel):
    """A patient's enrollment in a study."""

    study = peewee.ForeignKeyField(Study, backref="enrollments", on_delete="CASCADE")
    patient = peewee.ForeignKeyField(Patient, backref="enrollments", on_delete="CASCADE")
    created = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("study", "patient"), True), (("patient", "study"), False))


class StudyScopeRequest(BaseModel):
    """A data type (code) the study asks patients to share."""

    study = peewee.ForeignKeyField(Study, backref="scope_requests", on_delete="CASCADE")
    scope_code = peewee.ForeignKeyField(CodeableConcept, on_delete="CASCADE")

    class Meta:
        indexes = ((("study", "scope_code"), True),)


class StudyDataSource(BaseModel):
    study = peewee.ForeignKeyField(Study, backref="data_source_links", on_delete="CASCADE")
    data_source = peewee.ForeignKeyField(DataSource, backref="study_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("study", "data_source"), True),)


class StudyPatientScopeConsent(BaseModel):
    """A patient's answer for one code in one study: consented true/false, and when."""

    study_patient = peewee.ForeignKeyField(StudyPatient, backref="consents", on_delete="CASCADE")
    scope_code = peewee.ForeignKeyField(CodeableConcept, on_delete="CASCADE")
    consented = peewee.BooleanField()
    consented_time = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("study_patient", "scope_code"), True),)
