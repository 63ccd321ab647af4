"""Data sources (devices and apps) and the codes each can send."""

import peewee

from jhe_core.models.base import BaseModel, utcnow
from jhe_core.models.codes import CodeableConcept

FIRST_DATA_SOURCE_ID = 70001
DATA_SOURCE_TYPES = ("personal_device", "app", "ehr", "other")


class DataSource(BaseModel):
    name = peewee.CharField(max_length=200)
    type = peewee.CharField(max_length=50, default="personal_device")
    created = peewee.DateTimeField(default=utcnow)


class DataSourceSupportedScope(BaseModel):
    data_source = peewee.ForeignKeyField(DataSource, backref="supported_scopes", on_delete="CASCADE")
    scope_code = peewee.ForeignKeyField(CodeableConcept, on_delete="CASCADE")

    class Meta:
        indexes = ((("data_source", "scope_code"), True),)
