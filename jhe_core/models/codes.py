"""Codeable concepts: the data types (scopes) studies request and patients consent to."""

import peewee

from jhe_core.models.base import BaseModel


class CodeableConcept(BaseModel):
    coding_system = peewee.CharField(max_length=255)
    coding_code = peewee.CharField(max_length=255)
    text = peewee.CharField(max_length=255, default="")

    class Meta:
        indexes = ((("coding_system", "coding_code"), True),)
