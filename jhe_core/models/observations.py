"""Observations: the validated FHIR JSON stored once as text, plus the columns search uses."""

import peewee

from jhe_core.models.base import BaseModel, utcnow
from jhe_core.models.codes import CodeableConcept
from jhe_core.models.data_sources import DataSource
from jhe_core.models.patients import Patient


class Observation(BaseModel):
    patient = peewee.ForeignKeyField(Patient, backref="observations", on_delete="CASCADE", index=False)
    code = peewee.ForeignKeyField(CodeableConcept, on_delete="RESTRICT", index=False)
    data_source = peewee.ForeignKeyField(DataSource, null=True, on_delete="SET NULL", index=False)
    status = peewee.CharField(max_length=20, default="final")
    effective_start = peewee.DateTimeField(null=True)
    effective_end = peewee.DateTimeField(null=True)
    identifier_system = peewee.CharField(max_length=255, null=True)
    identifier_value = peewee.CharField(max_length=255, null=True)
    version_id = peewee.IntegerField(default=1)
    created = peewee.DateTimeField(default=utcnow)
    last_updated = peewee.DateTimeField(default=utcnow)
    # The resource as stored JSON text (id and meta set), served without re-serialising.
    resource = peewee.TextField()

    class Meta:
        indexes = (
            (("patient", "code", "effective_start", "id"), False),
            (("patient", "effective_start", "id"), False),
            (("patient", "last_updated", "id"), False),
            (("code", "effective_start", "id"), False),
            (("last_updated", "id"), False),
            (("data_source",), False),
            (("identifier_system", "identifier_value"), True),
        )
