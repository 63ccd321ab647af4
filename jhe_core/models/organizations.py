"""Organizations form a tree under ROOT (id 0) through ``part_of``."""

import peewee

from jhe_core.models.base import BaseModel

ROOT_ORGANIZATION_ID = 0
# FHIR organization-type codes used by the guides (``prov`` = healthcare provider).
ORGANIZATION_TYPES = ("root", "prov", "dept", "team", "govt", "ins", "pay", "edu", "reli", "crs", "cg", "bus", "other")


class Organization(BaseModel):
    name = peewee.CharField(max_length=200)
    type = peewee.CharField(max_length=20, default="prov")
    part_of = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
