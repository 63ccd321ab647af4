"""Patients: demographics, external identifiers and organization membership."""

import peewee

from jhe_core.models.accounts import User
from jhe_core.models.base import BaseModel, utcnow
from jhe_core.models.organizations import Organization

FIRST_PATIENT_ID = 10001


class Patient(BaseModel):
    """A patient. Login and e-mail live on ``user``; ``identifier`` is the guide's single
    external identifier (e.g. an MRN); further ones are ``PatientIdentifier`` rows."""

    user = peewee.ForeignKeyField(User, unique=True, backref="patient_rows", on_delete="CASCADE")
    identifier = peewee.CharField(max_length=255, null=True, index=True)
    name_family = peewee.CharField(max_length=255)
    name_given = peewee.CharField(max_length=255)
    birth_date = peewee.DateField()
    telecom_phone = peewee.CharField(max_length=50, null=True)
    created = peewee.DateTimeField(default=utcnow)
    last_updated = peewee.DateTimeField(default=utcnow)


class PatientIdentifier(BaseModel):
    """An external identifier ``(system, value)`` beyond the primary one."""

    patient = peewee.ForeignKeyField(Patient, backref="identifiers", on_delete="CASCADE")
    system = peewee.CharField(max_length=255)
    value = peewee.CharField(max_length=255)

    class Meta:
        table_name = "patient_external_identifier"  # "patient_identifier" is Patient.identifier's index
        indexes = ((("system", "value"), False), (("patient", "system", "value"), True))


class PatientOrganization(BaseModel):
    patient = peewee.ForeignKeyField(Patient, backref="organization_links", on_delete="CASCADE")
    organization = peewee.ForeignKeyField(Organization, backref="patient_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("patient", "organization"), True), (("organization", "patient"), False))
